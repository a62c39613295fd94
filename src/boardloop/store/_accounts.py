"""Store methods for users, roles, API tokens and company settings.

`AccountsMixin` is mixed into `Store`. Every method runs in one transaction.
Logins are compared without case: they are stored lower-cased.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
from types import MappingProxyType
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from boardloop.access import Principal, Role, Scope
from boardloop.store._account_errors import (
    DuplicateUserError,
    InvalidCredentialsError,
    InvalidTokenError,
    InvalidUserError,
    UnknownCompanyError,
    UnknownTokenError,
    UnknownUserError,
)
from boardloop.store._account_records import IssuedToken, TokenInfo, UserInfo
from boardloop.store._rows import find_company_id
from boardloop.store._schema import (
    ApiTokenRow,
    CompanyRow,
    MembershipRow,
    UserRow,
    to_utc,
)
from boardloop.store._secrets import (
    hash_password,
    new_token,
    parse_token,
    password_matches,
    secret_sha256,
)
from boardloop.store._settings import (
    CompanySettings,
    decode_settings,
    encode_settings,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.engine import Engine

__all__ = ["AccountsMixin", "normalize_login"]

logger = logging.getLogger(__name__)

LOGIN_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@+-]{0,99}")
LOGIN_REQUIREMENT = (
    "use 1 to 100 lower-case letters, digits and . _ @ + -, starting with a letter "
    "or digit"
)
MIN_PASSWORD_LENGTH = 8
# A token's last use is written at most once a minute, so that a busy API client
# does not turn every read into a database write.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class AccountsMixin:
    """Users, their roles per company, API tokens and per-company settings."""

    engine: Engine
    reader: Engine

    # --- users ----------------------------------------------------------------

    def add_user(
        self,
        login: str,
        display_name: str,
        *,
        password: str | None = None,
        at: dt.datetime | None = None,
    ) -> UserInfo:
        """Add a user, with a password or without one (tokens only)."""
        login = normalize_login(login)
        display_name = check_display_name(display_name)
        password_hash = (
            None if password is None else hash_password(check_password(password))
        )
        created_at = at or now_utc()
        try:
            with Session(self.engine) as session, session.begin():
                if session.scalar(select(UserRow.id).where(UserRow.login == login)):
                    raise DuplicateUserError(login)
                session.add(
                    UserRow(
                        login=login,
                        display_name=display_name,
                        password_hash=password_hash,
                        created_at=created_at,
                    )
                )
        except IntegrityError as error:
            # A concurrent add of the same login committed between the check
            # and the insert; the unique constraint on users.login caught it.
            raise DuplicateUserError(login) from error
        logger.info("added user %r", login)
        return self.user(login)

    def user(self, login: str) -> UserInfo:
        """Return one user with their roles."""
        with Session(self.reader) as session:
            row = user_row(session, login)
            return user_info(row, roles_of(session, row.id))

    def users(self) -> list[UserInfo]:
        """Return every user with their roles, by login."""
        with Session(self.engine) as session:
            rows = session.scalars(select(UserRow).order_by(UserRow.login))
            return [user_info(row, roles_of(session, row.id)) for row in rows]

    def set_password(self, login: str, password: str) -> None:
        """Set or replace a user's password."""
        encoded = hash_password(check_password(password))
        with Session(self.engine) as session, session.begin():
            user_row(session, login).password_hash = encoded
        logger.info("set the password of user %r", normalize_login(login))

    def check_password(self, login: str, password: str) -> Principal:
        """Return the principal of a user signing in with a password.

        An unknown login, a user without a password, a wrong password and a
        disabled user all raise the same `InvalidCredentialsError`.
        """
        with Session(self.engine) as session:
            row = session.scalar(
                select(UserRow).where(UserRow.login == login.strip().lower())
            )
            encoded = None if row is None else row.password_hash
            matches = password_matches(password, encoded)
            reason = None
            if row is None:
                reason = "unknown login"
            elif not matches:
                reason = "wrong password, or none set"
            elif row.disabled_at is not None:
                reason = "user is disabled"
            if row is None or reason is not None:
                logger.warning("sign-in as %r failed: %s", login, reason)
                raise InvalidCredentialsError
            return Principal(
                login=row.login,
                display_name=row.display_name,
                roles=roles_of(session, row.id),
            )

    def principal(self, login: str) -> Principal:
        """Return the principal of an enabled user, as a signed-in session."""
        with Session(self.reader) as session:
            row = user_row(session, login)
            if row.disabled_at is not None:
                raise InvalidCredentialsError
            return Principal(row.login, row.display_name, roles_of(session, row.id))

    def set_user_disabled(
        self, login: str, disabled: bool, *, at: dt.datetime | None = None
    ) -> None:
        """Disable a user, which stops their password and tokens, or enable them."""
        with Session(self.engine) as session, session.begin():
            user_row(session, login).disabled_at = (
                (at or now_utc()) if disabled else None
            )
        logger.info("%s user %r", "disabled" if disabled else "enabled", login)

    # --- roles ----------------------------------------------------------------

    def grant_role(self, login: str, company: str, role: Role) -> None:
        """Give a user a role in a company, replacing the role they had there."""
        with Session(self.engine) as session, session.begin():
            user_id = user_row(session, login).id
            company_id = existing_company_id(session, company)
            row = membership_row(session, user_id, company_id)
            if row is None:
                session.add(
                    MembershipRow(
                        user_id=user_id, company_id=company_id, role=role.value
                    )
                )
            else:
                row.role = role.value
        logger.info("granted %r the role %s in %r", login, role.value, company)

    def revoke_role(self, login: str, company: str) -> bool:
        """Remove a user's role in a company; return whether they had one."""
        with Session(self.engine) as session, session.begin():
            user_id = user_row(session, login).id
            company_id = existing_company_id(session, company)
            row = membership_row(session, user_id, company_id)
            if row is None:
                return False
            session.delete(row)
        logger.info("revoked the role of %r in %r", login, company)
        return True

    # --- API tokens -------------------------------------------------------------

    def issue_token(
        self,
        login: str,
        name: str,
        *,
        scopes: Iterable[Scope] = (Scope.READ,),
        expires_at: dt.datetime | None = None,
        at: dt.datetime | None = None,
    ) -> IssuedToken:
        """Issue an API token for a user; the returned text is the only copy."""
        chosen = frozenset(scopes)
        if not chosen:
            raise InvalidUserError(
                "token scopes", "", "give at least one scope: read or write"
            )
        name = name.strip()
        if not name:
            raise InvalidUserError(
                "token name", name, "name the token after where it is used"
            )
        created_at = at or now_utc()
        text, parsed = new_token()
        with Session(self.engine) as session, session.begin():
            user = user_row(session, login)
            row = ApiTokenRow(
                user_id=user.id,
                name=name,
                lookup=parsed.lookup,
                secret_sha256=secret_sha256(parsed.secret),
                scopes=encode_scopes(chosen),
                created_at=created_at,
                expires_at=expires_at,
            )
            session.add(row)
            session.flush()
            info = token_info(row, user.login)
        logger.info("issued API token %s to %r", parsed.lookup, info.login)
        return IssuedToken(token=text, info=info)

    def verify_token(self, text: str, *, at: dt.datetime | None = None) -> Principal:
        """Return the principal acting through an API token.

        A malformed, unknown, revoked or expired token, and a token of a disabled
        user, all raise the same `InvalidTokenError`. The reason is logged.
        """
        now = now_utc() if at is None else to_utc(at)
        parsed = parse_token(text)
        if parsed is None:
            logger.warning("API token rejected: malformed")
            raise InvalidTokenError
        with Session(self.engine) as session, session.begin():
            row = session.scalar(
                select(ApiTokenRow).where(ApiTokenRow.lookup == parsed.lookup)
            )
            user = None if row is None else session.get(UserRow, row.user_id)
            reason = token_problem(row, user, secret_sha256(parsed.secret), now)
            if reason is not None or row is None or user is None:
                logger.warning("API token %s rejected: %s", parsed.lookup, reason)
                raise InvalidTokenError
            last_used = row.last_used_at
            if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
                session.execute(
                    update(ApiTokenRow)
                    .where(ApiTokenRow.id == row.id)
                    .values(last_used_at=now)
                )
            return Principal(
                login=user.login,
                display_name=user.display_name,
                roles=roles_of(session, user.id),
                scopes=decode_scopes(row.scopes),
            )

    def revoke_token(self, lookup: str, *, at: dt.datetime | None = None) -> TokenInfo:
        """Revoke a token by its lookup id; revoking it again keeps the first time."""
        lookup = lookup.strip().removeprefix("blt_").split("_")[0]
        with Session(self.engine) as session, session.begin():
            row = session.scalar(
                select(ApiTokenRow).where(ApiTokenRow.lookup == lookup)
            )
            if row is None:
                raise UnknownTokenError(lookup)
            if row.revoked_at is None:
                row.revoked_at = at or now_utc()
            login = session.get(UserRow, row.user_id)
            info = token_info(row, "" if login is None else login.login)
        logger.info("revoked API token %s", lookup)
        return info

    def tokens(self, login: str | None = None) -> list[TokenInfo]:
        """List the tokens of one user, or of every user, oldest first."""
        with Session(self.reader) as session:
            query = select(ApiTokenRow, UserRow.login).join(
                UserRow, UserRow.id == ApiTokenRow.user_id
            )
            if login is not None:
                query = query.where(ApiTokenRow.user_id == user_row(session, login).id)
            rows = session.execute(
                query.order_by(ApiTokenRow.created_at, ApiTokenRow.id)
            )
            return [token_info(row, user_login) for row, user_login in rows]

    # --- company settings ---------------------------------------------------------

    def company_settings(self, company: str) -> CompanySettings:
        """Return a company's settings; a company never given any has the defaults."""
        with Session(self.reader) as session:
            row = company_row(session, company)
            return decode_settings(company, row.settings)

    def set_company_settings(self, company: str, settings: CompanySettings) -> None:
        """Replace a company's settings."""
        text = encode_settings(settings)
        with Session(self.engine) as session, session.begin():
            company_row(session, company).settings = text
        logger.info("set the settings of %r", company)


# --- checks -------------------------------------------------------------------------


def normalize_login(login: str) -> str:
    """Return a login in its stored form, or raise when it cannot be one."""
    normalized = login.strip().lower()
    if not LOGIN_PATTERN.fullmatch(normalized):
        raise InvalidUserError("login", login, LOGIN_REQUIREMENT)
    return normalized


def check_display_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidUserError(
            "display name",
            name,
            "give the person's name, as initiatives name their owner",
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidUserError(
            "password", password, f"use at least {MIN_PASSWORD_LENGTH} characters"
        )
    return password


def token_problem(
    row: ApiTokenRow | None, user: UserRow | None, digest: str, now: dt.datetime
) -> str | None:
    """Return why a token grants no access, or None when it does."""
    if row is None or user is None:
        return "unknown lookup id"
    if not hmac.compare_digest(row.secret_sha256, digest):
        return "wrong secret"
    if row.revoked_at is not None:
        return f"revoked at {row.revoked_at.isoformat()}"
    if row.expires_at is not None and row.expires_at <= now:
        return f"expired at {row.expires_at.isoformat()}"
    if user.disabled_at is not None:
        return f"user {user.login!r} is disabled"
    return None


# --- rows ---------------------------------------------------------------------------


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def user_row(session: Session, login: str) -> UserRow:
    normalized = login.strip().lower()
    row = session.scalar(select(UserRow).where(UserRow.login == normalized))
    if row is None:
        raise UnknownUserError(normalized)
    return row


def company_row(session: Session, company: str) -> CompanyRow:
    row = session.scalar(select(CompanyRow).where(CompanyRow.name == company))
    if row is None:
        raise UnknownCompanyError(company)
    return row


def existing_company_id(session: Session, company: str) -> int:
    company_id = find_company_id(session, company)
    if company_id is None:
        raise UnknownCompanyError(company)
    return company_id


def membership_row(
    session: Session, user_id: int, company_id: int
) -> MembershipRow | None:
    return session.scalar(
        select(MembershipRow).where(
            MembershipRow.user_id == user_id, MembershipRow.company_id == company_id
        )
    )


def roles_of(session: Session, user_id: int) -> MappingProxyType[str, Role]:
    rows = session.execute(
        select(CompanyRow.name, MembershipRow.role)
        .join(CompanyRow, CompanyRow.id == MembershipRow.company_id)
        .where(MembershipRow.user_id == user_id)
        .order_by(CompanyRow.name)
    )
    return MappingProxyType({company: Role(role) for company, role in rows})


def user_info(row: UserRow, roles: MappingProxyType[str, Role]) -> UserInfo:
    return UserInfo(
        login=row.login,
        display_name=row.display_name,
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        has_password=row.password_hash is not None,
        roles=roles,
    )


def token_info(row: ApiTokenRow, login: str) -> TokenInfo:
    return TokenInfo(
        lookup=row.lookup,
        login=login,
        name=row.name,
        scopes=decode_scopes(row.scopes),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def encode_scopes(scopes: frozenset[Scope]) -> str:
    return " ".join(sorted(scope.value for scope in scopes))


def decode_scopes(text: str) -> frozenset[Scope]:
    return frozenset(Scope(word) for word in text.split())
