"""Edit operations on the register with permission and version checks, for every face.

The REST API, the web pages and the MCP server call these functions. Each one
checks `access.may` and rejects an edit based on an outdated version with the
store's `StaleVersionError`. Each saved edit records one history event. The
read functions apply the same not-found rule as the edits.
"""

from __future__ import annotations

from boardloop.edits._errors import (
    ClosedInitiativeError,
    EditError,
    InvalidEditError,
    NotClosedError,
    PermissionDeniedError,
    StatusChangeError,
)
from boardloop.edits._fields import (
    EDITABLE_FIELDS,
    apply_fields,
    check_baseline,
    check_date,
    check_number,
)
from boardloop.edits._kpis import kpi_resolver, parse_company_target
from boardloop.edits._operations import (
    InitiativeDraft,
    change_status,
    check_outcome,
    close_initiative,
    create_initiative,
    post_checkpoint,
    revise_target,
    update_fields,
)
from boardloop.edits._outcome import closing_day, correct_outcome
from boardloop.edits._reads import read_history, read_initiative, read_register

__all__ = [
    "EDITABLE_FIELDS",
    "ClosedInitiativeError",
    "EditError",
    "InitiativeDraft",
    "InvalidEditError",
    "NotClosedError",
    "PermissionDeniedError",
    "StatusChangeError",
    "apply_fields",
    "change_status",
    "check_baseline",
    "check_date",
    "check_number",
    "check_outcome",
    "close_initiative",
    "closing_day",
    "correct_outcome",
    "create_initiative",
    "kpi_resolver",
    "parse_company_target",
    "post_checkpoint",
    "read_history",
    "read_initiative",
    "read_register",
    "revise_target",
    "update_fields",
]
