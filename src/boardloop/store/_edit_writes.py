"""Store methods for single edits: create one initiative, save one edit and its event.

`EditWritesMixin` is mixed into `Store`. Unlike `Store.update_initiative`, which
records the changed fields it finds, `apply_edit` records exactly the event the
caller describes, so a checkpoint note is stored as that note and not as the
whole list of checkpoints before and after.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from boardloop.domain.model import Event
from boardloop.store._account_errors import UnknownCompanyError
from boardloop.store._errors import (
    DuplicateInitiativeError,
    StaleVersionError,
    UnknownInitiativeError,
)
from boardloop.store._records import StoredInitiative
from boardloop.store._rows import (
    add_event,
    add_initiative,
    decode_row,
    find_company_id,
    initiative_row,
    load_events,
    write_next_version,
)

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.engine import Engine

    from boardloop.domain.model import Initiative
    from boardloop.store._schema import InitiativeRow

__all__ = ["EditWritesMixin"]

logger = logging.getLogger(__name__)


class EditWritesMixin:
    """Creating one initiative and saving one edit, each with its history event."""

    engine: Engine

    def create_initiative(
        self,
        company: str,
        initiative: Initiative,
        *,
        actor: str,
        at: dt.datetime,
        reason: str,
    ) -> StoredInitiative:
        """Add a new initiative with a `created` event, and return it as stored.

        The company must exist. A key already in the register raises
        `DuplicateInitiativeError`. The result is read inside the transaction,
        so it is version 1 as this call wrote it.
        """
        try:
            with Session(self.engine) as session, session.begin():
                company_id = find_company_id(session, company)
                if company_id is None:
                    raise UnknownCompanyError(company)
                if initiative_row(session, company_id, initiative.id) is not None:
                    raise DuplicateInitiativeError(company, initiative.id)
                row = add_initiative(session, company_id, initiative, at=at)
                add_event(
                    session,
                    company_id,
                    initiative.id,
                    Event(at=at, actor=actor, kind="created", reason=reason),
                )
                session.flush()
                written = stored_in_session(session, company_id, row)
        except IntegrityError as error:
            # A concurrent create of the same key committed between the check
            # and the insert; the unique constraint on (company, key) caught it.
            raise DuplicateInitiativeError(company, initiative.id) from error
        logger.info("created initiative %r in %r", initiative.id, company)
        return written

    def apply_edit(
        self,
        company: str,
        initiative: Initiative,
        *,
        expected_version: int,
        event: Event,
    ) -> StoredInitiative:
        """Save an edited initiative as its next version, recording `event` with it.

        The edit must be based on the stored version, otherwise it raises
        `StaleVersionError`, which carries the current version. The initiative's
        own history is not read: `event` is the one event stored. The result is
        read inside the transaction, so it is the version this edit wrote even
        when another writer saves right after it.
        """
        with Session(self.engine) as session, session.begin():
            company_id = find_company_id(session, company)
            row = (
                None
                if company_id is None
                else initiative_row(session, company_id, initiative.id)
            )
            if company_id is None or row is None:
                raise UnknownInitiativeError(company, initiative.id)
            if row.version != expected_version:
                raise StaleVersionError(initiative.id, expected_version, row.version)
            version = write_next_version(
                session,
                row,
                initiative,
                at=event.at,
                expected_version=expected_version,
            )
            add_event(session, company_id, initiative.id, event)
            session.flush()
            written = stored_in_session(session, company_id, row)
        logger.info(
            "saved %s edit of %r in %r as version %d",
            event.kind,
            initiative.id,
            company,
            version,
        )
        return written


def stored_in_session(
    session: Session, company_id: int, row: InitiativeRow
) -> StoredInitiative:
    """Read an initiative and its history in the caller's transaction."""
    history = tuple(
        stored_event
        for _, stored_event in load_events(session, company_id, key=row.key)
    )
    return StoredInitiative(
        initiative=replace(decode_row(row), history=history),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
