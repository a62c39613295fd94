"""The workspace (boardloop.toml) and the store: initiatives, events, KPI values, users.

`open_workspace` finds boardloop.toml, reads it and opens the database at the
latest migration. `Store` is the database API on its own, for a SQLite file or a
PostgreSQL server addressed by URL.
"""

from __future__ import annotations

from boardloop.store._account_errors import (
    DuplicateUserError,
    InvalidCredentialsError,
    InvalidSettingsError,
    InvalidTokenError,
    InvalidUserError,
    UnknownCompanyError,
    UnknownTokenError,
    UnknownUserError,
)
from boardloop.store._account_records import IssuedToken, TokenInfo, UserInfo
from boardloop.store._backup import (
    backup_company,
    read_backup_file,
    write_backup_file,
)
from boardloop.store._backup_errors import (
    BackupDigestError,
    BackupError,
    BackupRecordError,
    BackupVersionError,
    CompanyExistsError,
    IncompleteBackupError,
    RestoreFailedError,
)
from boardloop.store._backup_records import FORMAT_VERSION as BACKUP_FORMAT_VERSION
from boardloop.store._backup_records import Backup
from boardloop.store._backup_restore import RestoreResult, restore_company
from boardloop.store._config import (
    CONFIG_FILE_NAME,
    ConfigError,
    WorkspaceConfig,
    load_config,
    parse_config,
    render_config,
    write_config,
)
from boardloop.store._diff import diff_initiatives
from boardloop.store._errors import (
    ClosedOutcomeError,
    DuplicateInitiativeError,
    DuplicateKeyError,
    InvalidCompanyNameError,
    InvalidWindowError,
    StaleVersionError,
    StoreError,
    UnknownInitiativeError,
    UnknownSchemaError,
)
from boardloop.store._import_conflicts import EditConflict, ImportConflictError
from boardloop.store._records import (
    ImportChanges,
    ImportRecord,
    KpiValueChanges,
    StoredInitiative,
)
from boardloop.store._sessions import (
    ActiveSession,
    InvalidSessionError,
    OpenedSession,
)
from boardloop.store._settings import CompanySettings
from boardloop.store._store import Store
from boardloop.store._workspace import (
    DATABASE_URL_VARIABLE,
    DEFAULT_DATABASE_FILE,
    Workspace,
    WorkspaceError,
    find_config,
    init_workspace,
    open_workspace,
    resolve_database_url,
)

__all__ = [
    "BACKUP_FORMAT_VERSION",
    "CONFIG_FILE_NAME",
    "DATABASE_URL_VARIABLE",
    "DEFAULT_DATABASE_FILE",
    "ActiveSession",
    "Backup",
    "BackupDigestError",
    "BackupError",
    "BackupRecordError",
    "BackupVersionError",
    "ClosedOutcomeError",
    "CompanyExistsError",
    "CompanySettings",
    "ConfigError",
    "DuplicateInitiativeError",
    "DuplicateKeyError",
    "DuplicateUserError",
    "EditConflict",
    "ImportChanges",
    "ImportConflictError",
    "ImportRecord",
    "IncompleteBackupError",
    "InvalidCompanyNameError",
    "InvalidCredentialsError",
    "InvalidSessionError",
    "InvalidSettingsError",
    "InvalidTokenError",
    "InvalidUserError",
    "InvalidWindowError",
    "IssuedToken",
    "KpiValueChanges",
    "OpenedSession",
    "RestoreFailedError",
    "RestoreResult",
    "StaleVersionError",
    "Store",
    "StoreError",
    "StoredInitiative",
    "TokenInfo",
    "UnknownCompanyError",
    "UnknownInitiativeError",
    "UnknownSchemaError",
    "UnknownTokenError",
    "UnknownUserError",
    "UserInfo",
    "Workspace",
    "WorkspaceConfig",
    "WorkspaceError",
    "backup_company",
    "diff_initiatives",
    "find_config",
    "init_workspace",
    "load_config",
    "open_workspace",
    "parse_config",
    "read_backup_file",
    "render_config",
    "resolve_database_url",
    "restore_company",
    "write_backup_file",
    "write_config",
]
