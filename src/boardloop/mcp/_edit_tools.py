"""The write tools: post a checkpoint and change a status, as the token's user.

They exist only on a server that runs with a token that has the write scope.
Each call verifies the token again and goes through `boardloop.edits`, which
checks the principal's role with `access.may` and rejects an edit based on an
outdated version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.types import ToolAnnotations
from pydantic import Field

from boardloop import edits
from boardloop.mcp import _queries as queries
from boardloop.mcp._encode import encode_event

# The SDK evaluates the tools' annotations at runtime to build their schemas.
from boardloop.mcp._server import CompanyArg, InitiativeArg  # noqa: TC001

if TYPE_CHECKING:
    from boardloop.access import Principal
    from boardloop.mcp._server import ToolContext
    from boardloop.store import Workspace

__all__ = ["WRITE", "edit_tools"]

# Checkpoints and status changes add to the record and never delete from it.
WRITE = ToolAnnotations(
    read_only_hint=False,
    destructive_hint=False,
    idempotent_hint=False,
    open_world_hint=False,
)

NoteArg = Annotated[
    str,
    Field(
        min_length=1,
        description="The checkpoint note: what was reviewed and what was decided.",
    ),
]
VersionArg = Annotated[
    int,
    Field(
        ge=1,
        description="The initiative's version as get_initiative returned it; an "
        "edit based on an older version is rejected.",
    ),
]
CheckpointDayArg = Annotated[
    dt.date | None,
    Field(description="Date of the checkpoint (YYYY-MM-DD); default: today."),
]
NextCheckpointArg = Annotated[
    dt.date | None,
    Field(
        description="The new next checkpoint date, after the checkpoint "
        "(YYYY-MM-DD); default: unchanged."
    ),
]
NewStatusArg = Annotated[
    Literal["planned", "in-progress", "launched", "measuring"],
    Field(
        description="The new status. Closing needs an outcome, so it is not "
        "offered here."
    ),
]
ReasonArg = Annotated[
    str,
    Field(min_length=1, description="Why the status changes; kept in the history."),
]


def _acting(context: ToolContext, company: str | None) -> tuple[Principal, Workspace]:
    """Return the token's principal and the company it acts in."""
    principal = context.principal()
    if principal is None:
        raise ValueError("write tools need the server to run with a token")
    return principal, queries.company_workspace(context.workspace, company, principal)


def _edit_result(
    workspace: Workspace, key: str, version: int, expected_version: int
) -> dict[str, Any]:
    """Return the initiative's state after an edit, with the event the edit added."""
    company = workspace.config.company
    stored = workspace.store.get_initiative(company, key)
    initiative = stored.initiative
    changed = version != expected_version
    return {
        "company": company,
        "initiative_id": initiative.id,
        "changed": changed,
        "version": version,
        "status": None if initiative.status is None else initiative.status.value,
        "next_checkpoint": (
            None
            if initiative.next_checkpoint is None
            else initiative.next_checkpoint.isoformat()
        ),
        "event": (
            encode_event(initiative.history[-1])
            if changed and initiative.history
            else None
        ),
    }


def edit_tools(
    context: ToolContext,
) -> list[tuple[Callable[..., dict[str, Any]], str]]:
    """Return the write tools over the context's workspace, with their titles."""

    def post_checkpoint(
        initiative_id: InitiativeArg,
        note: NoteArg,
        expected_version: VersionArg,
        on: CheckpointDayArg = None,
        next_checkpoint: NextCheckpointArg = None,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """Post a checkpoint note on an initiative and, optionally, move its next one.

        Read the initiative with get_initiative first and pass its version.
        """
        principal, workspace = _acting(context, company)
        key = initiative_id.strip()
        version = edits.post_checkpoint(
            workspace.store,
            principal,
            workspace.config.company,
            key,
            expected_version=expected_version,
            note=note,
            on=on,
            next_checkpoint=next_checkpoint,
        ).version
        return _edit_result(workspace, key, version, expected_version)

    def change_status(
        initiative_id: InitiativeArg,
        status: NewStatusArg,
        reason: ReasonArg,
        expected_version: VersionArg,
        company: CompanyArg = None,
    ) -> dict[str, Any]:
        """Move an initiative to another open status, as its lifecycle allows.

        Read the initiative with get_initiative first and pass its version.
        """
        principal, workspace = _acting(context, company)
        key = initiative_id.strip()
        version = edits.change_status(
            workspace.store,
            principal,
            workspace.config.company,
            key,
            expected_version=expected_version,
            status=status,
            reason=reason,
        ).version
        return _edit_result(workspace, key, version, expected_version)

    return [
        (post_checkpoint, "Post a checkpoint"),
        (change_status, "Change an initiative's status"),
    ]
