"""Users, roles, API tokens and company settings in the store, on both databases."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
from typing import TYPE_CHECKING, Any

import pytest
from alembic import command
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from boardloop.access import Action, Principal, Role, Scope, may
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.store import (
    CompanySettings,
    DuplicateUserError,
    InvalidCredentialsError,
    InvalidSettingsError,
    InvalidTokenError,
    InvalidUserError,
    Store,
    UnknownCompanyError,
    UnknownTokenError,
    UnknownUserError,
)
from boardloop.store._schema import ApiTokenRow, MembershipRow, UserRow
from boardloop.store._secrets import hash_password, password_matches
from boardloop.store._store import alembic_config
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

COMPANY = "Tallyfern Software"
OTHER = "Brightwell Labs"
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with backend_url(request.param, tmp_path, migrated=True) as url:
        store = Store(url)
        store.migrate()
        store.ensure_company(COMPANY)
        store.ensure_company(OTHER)
        yield store
        store.close()


def column_values(store: Store, table: Any) -> list[tuple[Any, ...]]:
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(select(table))]


# --- users --------------------------------------------------------------------


def test_add_user_listed(store: Store) -> None:
    store.add_user("Maya", "Maya  Okafor", at=NOON)
    store.add_user("jon.reyes@tallyfern.io", "Jon Reyes", at=NOON)

    users = store.users()

    assert [user.login for user in users] == ["jon.reyes@tallyfern.io", "maya"]
    assert users[1].display_name == "Maya Okafor"
    assert users[1].created_at == NOON
    assert not users[1].has_password
    assert dict(users[1].roles) == {}


def test_duplicate_login_rejected(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")

    with pytest.raises(DuplicateUserError, match="'maya' already exists") as caught:
        store.add_user("MAYA", "Another Maya")
    assert caught.value.http_status == 409
    assert len(store.users()) == 1


@pytest.mark.parametrize("login", ["", "  ", "maya okafor", "-maya", "a" * 101, "mä"])
def test_invalid_login_rejected(store: Store, login: str) -> None:
    with pytest.raises(InvalidUserError, match="invalid login") as caught:
        store.add_user(login, "Maya Okafor")
    assert caught.value.http_status == 400
    assert store.users() == []


def test_blank_display_name_rejected(store: Store) -> None:
    with pytest.raises(InvalidUserError, match="invalid display name"):
        store.add_user("maya", "   ")


def test_unknown_user_not_found(store: Store) -> None:
    with pytest.raises(UnknownUserError, match="'nobody' not found") as caught:
        store.grant_role("nobody", COMPANY, Role.EDITOR)
    assert caught.value.http_status == 404


# --- passwords ------------------------------------------------------------------


def test_password_signs_in(store: Store) -> None:
    store.add_user("maya", "Maya Okafor", password=PASSWORD)
    store.grant_role("maya", COMPANY, Role.OWNER)

    principal = store.check_password("Maya", PASSWORD)

    assert principal == Principal("maya", "Maya Okafor", {COMPANY: Role.OWNER}, None)


def test_password_stored_as_scrypt_hash(store: Store) -> None:
    store.add_user("maya", "Maya Okafor", password=PASSWORD)
    store.add_user("jon", "Jon Reyes", password=PASSWORD)

    hashes = [row[3] for row in column_values(store, UserRow)]

    assert all(h.startswith("scrypt$n=32768,r=8,p=1$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)
    # Each hash has its own random salt.
    assert hashes[0] != hashes[1]


def test_password_replaced(store: Store) -> None:
    store.add_user("maya", "Maya Okafor", password=PASSWORD)

    store.set_password("maya", "a new passphrase")

    assert store.check_password("maya", "a new passphrase").login == "maya"
    with pytest.raises(InvalidCredentialsError):
        store.check_password("maya", PASSWORD)


def test_short_password_rejected(store: Store) -> None:
    with pytest.raises(InvalidUserError, match="at least 8 characters") as caught:
        store.add_user("maya", "Maya Okafor", password="short")
    assert "short" not in str(caught.value)
    assert store.users() == []


def test_failed_sign_ins_look_alike(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.add_user("maya", "Maya Okafor", password=PASSWORD)
    store.add_user("jon", "Jon Reyes")
    store.add_user("ana", "Ana Lima", password=PASSWORD)
    store.set_user_disabled("ana", True)
    attempts = [
        ("maya", "wrong password"),
        ("nobody", PASSWORD),
        ("jon", PASSWORD),
        ("ana", PASSWORD),
    ]

    messages = []
    with caplog.at_level(logging.WARNING, logger="boardloop.store._accounts"):
        for login, password in attempts:
            with pytest.raises(InvalidCredentialsError) as caught:
                store.check_password(login, password)
            assert caught.value.http_status == 401
            messages.append(str(caught.value))

    assert set(messages) == {"invalid login or password"}
    logged = caplog.text
    assert "wrong password" in logged
    assert "unknown login" in logged
    assert "user is disabled" in logged
    assert PASSWORD not in logged


def test_hash_with_other_parameters_checks() -> None:
    # A hash made with a lower cost than today's still verifies.
    encoded = hash_password(PASSWORD).replace("n=32768", "n=16384")
    salt = encoded.split("$")[2]
    raw_salt = base64.urlsafe_b64decode(salt + "=" * (-len(salt) % 4))
    key = hashlib.scrypt(PASSWORD.encode(), salt=raw_salt, n=16384, r=8, p=1, dklen=32)
    encoded = "$".join(
        [*encoded.split("$")[:3], base64.urlsafe_b64encode(key).decode().rstrip("=")]
    )

    assert password_matches(PASSWORD, encoded)
    assert not password_matches("wrong password", encoded)


@pytest.mark.parametrize(
    "encoded", [None, "", "plain", "scrypt$n=3,r=8,p=1$AAAA$AAAA", "scrypt$n=2$x$y"]
)
def test_malformed_hash_never_matches(encoded: str | None) -> None:
    assert not password_matches(PASSWORD, encoded)


# --- roles ----------------------------------------------------------------------


def test_grant_role_per_company(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")

    store.grant_role("maya", COMPANY, Role.EDITOR)
    store.grant_role("maya", OTHER, Role.BOARD)
    store.grant_role("maya", COMPANY, Role.ADMIN)

    assert dict(store.user("maya").roles) == {COMPANY: Role.ADMIN, OTHER: Role.BOARD}
    assert len(column_values(store, MembershipRow)) == 2


def test_revoke_role(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    store.grant_role("maya", COMPANY, Role.EDITOR)

    assert store.revoke_role("maya", COMPANY) is True
    assert store.revoke_role("maya", COMPANY) is False
    assert dict(store.user("maya").roles) == {}
    assert not may(store.principal("maya"), Action.READ, COMPANY)


def test_grant_in_unknown_company_rejected(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")

    with pytest.raises(UnknownCompanyError, match="'Tallyfern'") as caught:
        store.grant_role("maya", "Tallyfern", Role.EDITOR)
    assert caught.value.http_status == 404


def test_database_rejects_unknown_role(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    with store.engine.connect() as connection:
        user_id = connection.scalar(select(UserRow.id))
        company_id = connection.scalar(text("SELECT min(id) FROM companies"))

    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(
            insert(MembershipRow).values(
                user_id=user_id, company_id=company_id, role="superuser"
            )
        )


# --- API tokens -------------------------------------------------------------------


def test_issued_token_verifies(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    store.grant_role("maya", COMPANY, Role.EDITOR)

    issued = store.issue_token(
        "maya", "warehouse sync", scopes=[Scope.READ, Scope.WRITE], at=NOON
    )
    principal = store.verify_token(issued.token, at=NOON)

    assert issued.token.startswith(f"blt_{issued.info.lookup}_")
    assert principal == Principal(
        "maya",
        "Maya Okafor",
        {COMPANY: Role.EDITOR},
        frozenset({Scope.READ, Scope.WRITE}),
    )
    assert may(principal, Action.EDIT, COMPANY)


def test_read_token_cannot_write(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    store.grant_role("maya", COMPANY, Role.ADMIN)
    issued = store.issue_token("maya", "board pack export")

    principal = store.verify_token(issued.token)

    assert principal.scopes == frozenset({Scope.READ})
    assert may(principal, Action.READ, COMPANY)
    assert not may(principal, Action.EDIT, COMPANY)


def test_only_secret_hash_stored(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    issued = store.issue_token("maya", "warehouse sync")
    secret = issued.token.split("_", 2)[2]

    rows = column_values(store, ApiTokenRow)

    assert len(rows) == 1
    stored_text = repr(rows)
    assert secret not in stored_text
    assert hashlib.sha256(secret.encode()).hexdigest() in stored_text


def test_every_bad_token_fails_alike(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.add_user("maya", "Maya Okafor")
    store.add_user("jon", "Jon Reyes")
    expired = store.issue_token("maya", "old", expires_at=NOON, at=NOON)
    revoked = store.issue_token("maya", "revoked")
    store.revoke_token(revoked.info.lookup)
    disabled = store.issue_token("jon", "jon's laptop")
    store.set_user_disabled("jon", True)
    good = store.issue_token("maya", "good")
    wrong_secret = good.token[:-4] + (
        "aaaa" if not good.token.endswith("aaaa") else "bbbb"
    )
    unknown = "blt_0123456789abcdef_" + good.token.split("_", 2)[2]
    attempts = {
        "expired": expired.token,
        "revoked": revoked.token,
        "disabled": disabled.token,
        "wrong secret": wrong_secret,
        "unknown lookup id": unknown,
        "malformed": "blt_nonsense",
    }

    messages = set()
    with caplog.at_level(logging.WARNING, logger="boardloop.store._accounts"):
        for token in attempts.values():
            with pytest.raises(InvalidTokenError) as caught:
                store.verify_token(token, at=NOON + dt.timedelta(days=1))
            assert caught.value.http_status == 401
            messages.add(str(caught.value))

    assert len(messages) == 1
    for reason in attempts:
        assert reason in caplog.text
    assert good.token.split("_", 2)[2] not in caplog.text


def test_token_use_recorded(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    issued = store.issue_token("maya", "sync", at=NOON)

    store.verify_token(issued.token, at=NOON)
    store.verify_token(issued.token, at=NOON + dt.timedelta(seconds=30))
    first = store.tokens("maya")[0].last_used_at
    store.verify_token(issued.token, at=NOON + dt.timedelta(minutes=5))
    later = store.tokens("maya")[0].last_used_at

    assert first == NOON
    assert later == NOON + dt.timedelta(minutes=5)


def test_tokens_listed_without_secret(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    store.add_user("jon", "Jon Reyes")
    first = store.issue_token("maya", "sync", at=NOON)
    store.issue_token("jon", "laptop", at=NOON + dt.timedelta(hours=1))

    everyone = store.tokens()
    maya = store.tokens("maya")

    assert [(t.login, t.name) for t in everyone] == [
        ("maya", "sync"),
        ("jon", "laptop"),
    ]
    assert maya == [first.info]
    assert first.token not in repr(everyone)
    assert maya[0].state(NOON) == "active"


def test_revoke_token_keeps_first_time(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    issued = store.issue_token("maya", "sync")

    first = store.revoke_token(issued.info.lookup, at=NOON)
    again = store.revoke_token(issued.token, at=NOON + dt.timedelta(days=1))

    assert first.revoked_at == NOON
    assert again.revoked_at == NOON
    assert again.state(NOON) == "revoked"


def test_revoke_unknown_token_rejected(store: Store) -> None:
    with pytest.raises(UnknownTokenError, match="'0123456789abcdef'") as caught:
        store.revoke_token("0123456789abcdef")
    assert caught.value.http_status == 404


def test_token_needs_scope_and_name(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")

    with pytest.raises(InvalidUserError, match="scope"):
        store.issue_token("maya", "sync", scopes=[])
    with pytest.raises(InvalidUserError, match="token name"):
        store.issue_token("maya", "  ")
    assert store.tokens() == []


# --- company settings -----------------------------------------------------------


def test_default_settings(store: Store) -> None:
    assert store.company_settings(COMPANY) == CompanySettings()


def test_settings_kept_per_company(store: Store) -> None:
    tallyfern = CompanySettings(
        catalog_pin="1.4.0",
        fiscal=FiscalCalendar(start_month=4, naming="end"),
        data_sources={"ledger": "warehouse.revenue_ledger", "nps": "nps.csv"},
    )
    brightwell = CompanySettings(fiscal=FiscalCalendar(start_month=7, naming="start"))

    store.set_company_settings(COMPANY, tallyfern)
    store.set_company_settings(OTHER, brightwell)

    assert store.company_settings(COMPANY) == tallyfern
    assert store.company_settings(OTHER) == brightwell


def test_unknown_setting_keys_kept(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE companies SET settings = :s WHERE name = :n"),
            {"s": '{"report_theme": "dark", "fiscal": {"start_month": 2}}', "n": OTHER},
        )

    settings = store.company_settings(OTHER)
    store.set_company_settings(OTHER, settings)

    assert settings.fiscal.start_month == 2
    assert dict(store.company_settings(OTHER).extra) == {"report_theme": "dark"}


@pytest.mark.parametrize(
    ("document", "key"),
    [
        ('{"fiscal": {"start_month": 13}}', "fiscal"),
        ('{"fiscal": {"start": 4}}', "fiscal"),
        ('{"catalog_pin": 14}', "catalog_pin"),
        ('{"data_sources": {"ledger": ""}}', "data_sources"),
        ("[]", "settings"),
    ],
)
def test_invalid_settings_rejected(store: Store, document: str, key: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            text("UPDATE companies SET settings = :s WHERE name = :n"),
            {"s": document, "n": OTHER},
        )

    with pytest.raises(InvalidSettingsError, match=f"invalid setting '{key}'"):
        store.company_settings(OTHER)


def test_settings_of_unknown_company(store: Store) -> None:
    with pytest.raises(UnknownCompanyError):
        store.company_settings("Nobody Inc")


# --- migration ------------------------------------------------------------------


def run_migration(store: Store, revision: str, *, downgrade: bool = False) -> None:
    config = alembic_config()
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        if downgrade:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upgrade_from_0004_gives_default_settings(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path) as url:
        store = Store(url)
        run_migration(store, "0004")
        with store.engine.begin() as connection:
            connection.execute(text("INSERT INTO companies (name) VALUES ('Old')"))

        store.migrate()

        assert store.company_settings("Old") == CompanySettings()
        store.close()


def test_downgrade_to_0004_drops_accounts(store: Store) -> None:
    store.add_user("maya", "Maya Okafor")
    store.issue_token("maya", "sync")

    run_migration(store, "0004", downgrade=True)

    with store.engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM companies")).keys()
        assert "settings" not in columns
    store.migrate()
    assert store.users() == []
