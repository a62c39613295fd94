"""Errors of the store, each carrying the HTTP status a web face would return."""

from __future__ import annotations

import unicodedata

__all__ = [
    "ClosedOutcomeError",
    "DuplicateInitiativeError",
    "DuplicateKeyError",
    "InvalidCompanyNameError",
    "InvalidWindowError",
    "StaleVersionError",
    "StoreError",
    "UnknownInitiativeError",
    "UnknownSchemaError",
    "check_company_name",
    "company_name_problem",
]


class StoreError(Exception):
    """A store operation that cannot be carried out as requested."""

    http_status = 500


def company_name_problem(name: str) -> str | None:
    """Return why `name` cannot name a company, or None when it can.

    The pages and the API carry the name as one URL path segment, and the
    server decodes %2F to "/" before it routes, so a "/" would split it.
    Control characters (Unicode category Cc, such as a newline or tab) would
    break the one-line logs and the board section's headings.
    """
    if not name.strip():
        return "it is empty"
    if "/" in name:
        return 'it contains "/", which the pages and the API cannot route'
    for character in name:
        if unicodedata.category(character) == "Cc":
            return f"it contains the control character U+{ord(character):04X}"
    return None


def check_company_name(name: str) -> None:
    """Raise `InvalidCompanyNameError` when `name` cannot name a company."""
    problem = company_name_problem(name)
    if problem is not None:
        raise InvalidCompanyNameError(name, problem)


class InvalidCompanyNameError(StoreError, ValueError):
    """A company name that the pages and the API could not serve."""

    http_status = 400

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(
            f"invalid company name {name!r}: {problem}; choose a name without "
            '"/" or control characters'
        )
        self.name = name
        self.problem = problem


class ClosedOutcomeError(StoreError):
    """An import that would change the recorded outcome of a closed initiative."""

    http_status = 409

    def __init__(
        self, path: str, key: str, field: str, stored: object, new: object
    ) -> None:
        super().__init__(
            f"{path}: initiative {key!r} is closed and its {field} is "
            f"recorded as {_shown(stored)}; the file says {_shown(new)}. A closed "
            "outcome does "
            "not change: put the recorded value back in the file, and record a "
            "correction as a checkpoint note"
        )
        self.path = path
        self.key = key
        self.field = field


def _shown(value: object) -> str:
    return "nothing" if value is None else f"'{value}'"


class StaleVersionError(StoreError):
    """An edit based on an outdated version, rejected so that no edit is lost."""

    http_status = 409

    def __init__(self, key: str, expected: int, current: int) -> None:
        super().__init__(
            f"initiative {key!r} was changed by someone else: the edit is based on "
            f"version {expected}, the stored version is {current}; reload the "
            "initiative, apply the edit again and save"
        )
        self.key = key
        self.expected = expected
        self.current = current


class UnknownSchemaError(StoreError):
    """A database migrated by a newer boardloop than the one running."""

    def __init__(self, url: str, revision: str, head: str) -> None:
        super().__init__(
            f"database {url} has schema revision {revision!r}, which this boardloop "
            f"does not know (its latest is {head!r}); upgrade boardloop"
        )
        self.url = url
        self.revision = revision
        self.head = head


class UnknownInitiativeError(StoreError, LookupError):
    """An initiative key that the company's register does not hold."""

    http_status = 404

    def __init__(self, company: str, key: str) -> None:
        super().__init__(
            f"initiative {key!r} not found in the register of {company!r}; "
            "import it first or check the id"
        )
        self.company = company
        self.key = key


class DuplicateKeyError(StoreError, ValueError):
    """The same key given twice in one write, so the store cannot pick one."""

    http_status = 400

    def __init__(self, what: str, key: str, source_path: str) -> None:
        super().__init__(
            f"{source_path}: {what} {key!r} appears more than once; keep one entry "
            "per key and import again"
        )
        self.what = what
        self.key = key
        self.source_path = source_path


class InvalidWindowError(StoreError, ValueError):
    """A KPI value whose measurement window is not a positive number of days."""

    http_status = 400

    def __init__(self, key: str, window_days: int, source_path: str) -> None:
        super().__init__(
            f"{source_path}: KPI value {key!r} has an invalid window of "
            f"{window_days} days; a window is 1 day or more, or None when the "
            "value states no window"
        )
        self.key = key
        self.window_days = window_days
        self.source_path = source_path


class DuplicateInitiativeError(StoreError):
    """A new initiative whose key the company's register already holds."""

    http_status = 409

    def __init__(self, company: str, key: str) -> None:
        super().__init__(
            f"initiative {key!r} already exists in the register of {company!r}; "
            "pick another id, or edit the existing initiative"
        )
        self.company = company
        self.key = key
