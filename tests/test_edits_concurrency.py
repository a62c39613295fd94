"""Many writers on one initiative: no accepted change is lost or recorded twice.

Each writer appends its own distinct checkpoint notes and retries on
`StaleVersionError`, as a client of the API would. Writers run as threads
sharing one `Store`, and as separate processes with a `Store` each, on a SQLite
file and on PostgreSQL. Racing creates of one initiative or one user end with
one saved and every other rejected with the duplicate error.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from boardloop.access import Principal, Role
from boardloop.domain.model import Status
from boardloop.edits import InitiativeDraft, create_initiative, post_checkpoint
from boardloop.store import (
    DuplicateInitiativeError,
    DuplicateUserError,
    StaleVersionError,
    Store,
)
from store_backends import BACKENDS, backend_url

if TYPE_CHECKING:
    from pathlib import Path

COMPANY = "Tallyfern Software"
KEY = "onboarding-revamp"
EDITOR = Principal("jon", "Jon Reyes", {COMPANY: Role.EDITOR})
THREADS = 8
PROCESSES = 4
NOTES_PER_WRITER = 5
# A writer gives up after this many stale versions in a row, and the barrier
# and result waits give up after HANG_GUARD_SECONDS, so a broken version check
# or a crashed writer fails the test instead of hanging it. Neither bound is
# part of what the test checks.
MAX_ATTEMPTS = 500
HANG_GUARD_SECONDS = 300

Accepted = list[tuple[str, int]]


def prepare(url: Any) -> None:
    store = Store(url)
    store.migrate()
    store.ensure_company(COMPANY)
    draft = InitiativeDraft(
        key=KEY,
        name="Onboarding revamp",
        owner_person="Maya Okafor",
        target="+5pp lift in 90-day GRR for SMB cohort by Q2",
        status=Status.IN_PROGRESS,
    )
    create_initiative(store, EDITOR, COMPANY, draft)
    store.close()


def write_notes(store: Store, writer: int, barrier: Any) -> tuple[Accepted, int]:
    """Post this writer's notes, retrying each on a stale version.

    Before its first attempt at each note, every writer reads the version and
    waits at the barrier, so all of them try to save on top of the same version
    and all but one must retry. Returns the accepted (note, new version) pairs
    and the number of retries.
    """
    accepted: Accepted = []
    retries = 0
    for number in range(NOTES_PER_WRITER):
        note = f"writer {writer} note {number}"
        version = store.get_initiative(COMPANY, KEY).version
        barrier.wait(timeout=HANG_GUARD_SECONDS)
        for _attempt in range(MAX_ATTEMPTS):
            try:
                new_version = post_checkpoint(
                    store, EDITOR, COMPANY, KEY, expected_version=version, note=note
                ).version
            except StaleVersionError:
                retries += 1
                version = store.get_initiative(COMPANY, KEY).version
                continue
            accepted.append((note, new_version))
            break
        else:
            raise AssertionError(f"{note} was never accepted")
    return accepted, retries


def process_writer(url: Any, writer: int, barrier: Any, results: Any) -> None:
    """Run one writer in its own process, with its own store and connections."""
    store = Store(url)
    try:
        results.put((writer, *write_notes(store, writer, barrier)))
    except BaseException as error:
        results.put((writer, repr(error), -1))
        raise
    finally:
        store.close()


def run_threads(url: Any) -> tuple[Accepted, int]:
    store = Store(url)
    barrier = threading.Barrier(THREADS)
    results: dict[int, tuple[Accepted, int]] = {}
    errors: list[BaseException] = []

    def run(writer: int) -> None:
        try:
            results[writer] = write_notes(store, writer, barrier)
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert errors == []
    return merge(results.values())


def run_processes(url: Any) -> tuple[Accepted, int]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    processes = [
        context.Process(target=process_writer, args=(url, writer, barrier, results))
        for writer in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outputs = [results.get(timeout=HANG_GUARD_SECONDS) for _ in processes]
    for process in processes:
        process.join()
    failures = [output for output in outputs if output[2] == -1]
    assert failures == []
    assert [process.exitcode for process in processes] == [0] * PROCESSES
    return merge((accepted, retries) for _, accepted, retries in outputs)


def merge(parts: Any) -> tuple[Accepted, int]:
    accepted: Accepted = []
    retries = 0
    for writer_accepted, writer_retries in parts:
        accepted.extend(writer_accepted)
        retries += writer_retries
    return accepted, retries


def check_nothing_lost(
    url: Any, accepted: Accepted, retries: int, writers: int
) -> None:
    store = Store(url)
    stored = store.get_initiative(COMPANY, KEY)
    store.close()
    notes = [note for note, _ in accepted]
    versions = [version for _, version in accepted]
    event_notes = [
        event.changes["checkpoint"][1]["note"]
        for event in stored.initiative.history
        if event.kind == "checkpoint"
    ]

    # Every writer got every note accepted, once.
    assert len(notes) == writers * NOTES_PER_WRITER
    assert len(set(notes)) == len(notes)
    # Each accepted edit made exactly one new version: 2, 3, ... in some order.
    assert sorted(versions) == list(range(2, 2 + len(notes)))
    assert stored.version == 1 + len(notes)
    # Each accepted note is in the history exactly once, and nothing else is.
    assert Counter(event_notes) == Counter(notes)
    # The final state contains every accepted change.
    assert Counter(c.note for c in stored.initiative.checkpoints) == Counter(notes)
    # In every round, at most one writer saves without hitting a stale version.
    assert retries >= (writers - 1) * NOTES_PER_WRITER


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_threads_lose_nothing(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path, migrated=True) as url:
        prepare(url)

        accepted, retries = run_threads(url)

        check_nothing_lost(url, accepted, retries, THREADS)


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_processes_lose_nothing(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path, migrated=True) as url:
        prepare(url)

        accepted, retries = run_processes(url)

        check_nothing_lost(url, accepted, retries, PROCESSES)


def race(url: Any, action: Any, expected_error: type[Exception]) -> list[str]:
    """Run `action(store)` in THREADS threads at once; return each outcome's name."""
    store = Store(url)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def run() -> None:
        barrier.wait(timeout=HANG_GUARD_SECONDS)
        try:
            action(store)
        except expected_error:
            outcomes.append("rejected")
        except Exception as error:
            outcomes.append(type(error).__name__)
        else:
            outcomes.append("saved")

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    return sorted(outcomes)


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_creates_one_wins(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path, migrated=True) as url:
        prepare(url)
        draft = InitiativeDraft(key="advocacy", name="Advocacy program")

        outcomes = race(
            url,
            lambda store: create_initiative(store, EDITOR, COMPANY, draft),
            DuplicateInitiativeError,
        )

        assert outcomes == ["rejected"] * (THREADS - 1) + ["saved"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_concurrent_user_adds_one_wins(backend: str, tmp_path: Path) -> None:
    with backend_url(backend, tmp_path, migrated=True) as url:
        prepare(url)

        outcomes = race(
            url, lambda store: store.add_user("maya", "Maya Okafor"), DuplicateUserError
        )

        assert outcomes == ["rejected"] * (THREADS - 1) + ["saved"]
