"""Store methods for signed-in browser sessions: open, verify and end them.

`SessionsMixin` is mixed into `Store`. A session id is 32 random bytes in
URL-safe base64. The browser keeps it in a cookie, and the database keeps only
its SHA-256, so a copy of the database cannot be used to sign in. Each session
also has a CSRF token, which the browser's page reads from the API and sends
back with every unsafe request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from boardloop.access import Principal
from boardloop.store._account_errors import InvalidCredentialsError
from boardloop.store._accounts import roles_of, user_row
from boardloop.store._errors import StoreError
from boardloop.store._schema import SessionRow, UserRow, to_utc

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = [
    "ActiveSession",
    "InvalidSessionError",
    "OpenedSession",
    "SessionsMixin",
    "session_id_sha256",
]

logger = logging.getLogger(__name__)

SESSION_ID_BYTES = 32
CSRF_TOKEN_BYTES = 32
# token_urlsafe(32) gives 43 characters of the URL-safe base64 alphabet.
SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
# A session's last use is written at most once a minute, so that reads do not all
# become writes. The idle timeout is therefore exact to within this resolution.
LAST_SEEN_RESOLUTION = dt.timedelta(minutes=1)


class InvalidSessionError(StoreError):
    """A session id that grants no access.

    Malformed, unknown, expired and idle sessions, and sessions of disabled
    users, all raise this same error. The store logs the reason.
    """

    http_status = 401

    def __init__(self) -> None:
        super().__init__("invalid or expired session; sign in again")


@dataclass(frozen=True, slots=True)
class OpenedSession:
    """A new session. `session_id` is the only copy of the id; store it in a cookie."""

    session_id: str
    csrf_token: str
    principal: Principal
    created_at: dt.datetime
    expires_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A verified session: who it signs in, its CSRF token and its times."""

    principal: Principal
    csrf_token: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_seen_at: dt.datetime


class SessionsMixin:
    """Sign-in sessions of users with a password."""

    engine: Engine

    def open_session(
        self,
        login: str,
        *,
        lifetime: dt.timedelta,
        idle_timeout: dt.timedelta,
        replaces: str | None = None,
        at: dt.datetime | None = None,
    ) -> OpenedSession:
        """Open a session for an enabled user, with a new random id.

        Call it after `check_password` accepted the user's password. `replaces`
        is the session id the browser sent along with the sign-in, which is
        ended, so an id planted before the sign-in stays worthless. Sessions
        past their lifetime or idle timeout, of every user, are deleted on the
        way, so the table does not grow without bound.
        """
        now = current_time(at)
        session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
        csrf_token = secrets.token_urlsafe(CSRF_TOKEN_BYTES)
        expires_at = now + lifetime
        with Session(self.engine) as session, session.begin():
            user = user_row(session, login)
            if user.disabled_at is not None:
                logger.warning("session for %r not opened: user is disabled", login)
                raise InvalidCredentialsError
            removed = delete_expired(session, now, idle_timeout)
            if replaces is not None:
                removed += delete_session(session, replaces)
            session.add(
                SessionRow(
                    user_id=user.id,
                    id_sha256=session_id_sha256(session_id),
                    csrf_token=csrf_token,
                    created_at=now,
                    expires_at=expires_at,
                    last_seen_at=now,
                )
            )
            principal = Principal(
                user.login, user.display_name, roles_of(session, user.id)
            )
        logger.info(
            "opened session %s for %r, expiring at %s; removed %d ended session(s)",
            fingerprint(session_id),
            principal.login,
            expires_at.isoformat(),
            removed,
        )
        return OpenedSession(session_id, csrf_token, principal, now, expires_at)

    def verify_session(
        self,
        session_id: str,
        *,
        idle_timeout: dt.timedelta,
        at: dt.datetime | None = None,
    ) -> ActiveSession:
        """Return the signed-in user of a session, with their current roles.

        A session past its expiry or idle timeout, or of a disabled user, is
        deleted and raises `InvalidSessionError`, as a malformed or unknown id does.
        """
        now = current_time(at)
        if not SESSION_ID_PATTERN.fullmatch(session_id):
            logger.warning("session rejected: malformed id")
            raise InvalidSessionError
        digest = session_id_sha256(session_id)
        with Session(self.engine) as session, session.begin():
            row = session.scalar(
                select(SessionRow).where(SessionRow.id_sha256 == digest)
            )
            user = None if row is None else session.get(UserRow, row.user_id)
            reason = session_problem(row, user, now, idle_timeout)
            if reason is None and row is not None and user is not None:
                if now - row.last_seen_at >= LAST_SEEN_RESOLUTION:
                    session.execute(
                        update(SessionRow)
                        .where(SessionRow.id == row.id)
                        .values(last_seen_at=now)
                    )
                return ActiveSession(
                    principal=Principal(
                        user.login, user.display_name, roles_of(session, user.id)
                    ),
                    csrf_token=row.csrf_token,
                    created_at=row.created_at,
                    expires_at=row.expires_at,
                    last_seen_at=now,
                )
            if row is not None:
                # A bulk delete, because a concurrent request with the same
                # cookie may have deleted the row already.
                session.execute(delete(SessionRow).where(SessionRow.id == row.id))
        logger.warning("session %s rejected: %s", fingerprint(session_id), reason)
        raise InvalidSessionError

    def end_session(self, session_id: str) -> bool:
        """End a session, as signing out does; return whether it existed."""
        with Session(self.engine) as session, session.begin():
            removed = delete_session(session, session_id)
        if removed:
            logger.info("ended session %s", fingerprint(session_id))
        return removed > 0


def session_id_sha256(session_id: str) -> str:
    """Return the hex SHA-256 of a session id, the only form the store keeps."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


def fingerprint(session_id: str) -> str:
    """Return the first 12 hex digits of the id's SHA-256, safe to log."""
    return session_id_sha256(session_id)[:12]


def current_time(at: dt.datetime | None) -> dt.datetime:
    return dt.datetime.now(dt.UTC) if at is None else to_utc(at)


def session_problem(
    row: SessionRow | None,
    user: UserRow | None,
    now: dt.datetime,
    idle_timeout: dt.timedelta,
) -> str | None:
    """Return why a session grants no access, or None when it does."""
    if row is None or user is None:
        return "unknown session"
    if row.expires_at <= now:
        return f"expired at {row.expires_at.isoformat()}"
    if row.last_seen_at + idle_timeout <= now:
        return f"idle since {row.last_seen_at.isoformat()}"
    if user.disabled_at is not None:
        return f"user {user.login!r} is disabled"
    return None


def delete_expired(
    session: Session, now: dt.datetime, idle_timeout: dt.timedelta
) -> int:
    """Delete every session past its expiry or idle timeout; return how many."""
    result = session.execute(
        delete(SessionRow).where(
            or_(
                SessionRow.expires_at <= now,
                SessionRow.last_seen_at <= now - idle_timeout,
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_session(session: Session, session_id: str) -> int:
    if not SESSION_ID_PATTERN.fullmatch(session_id):
        return 0
    result = session.execute(
        delete(SessionRow).where(SessionRow.id_sha256 == session_id_sha256(session_id))
    )
    return int(getattr(result, "rowcount", 0) or 0)
