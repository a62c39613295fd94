"""The steps that read a target phrase, each finding one kind of part.

`STEPS` lists the steps in the order they run: deadlines, the KPI, windows and
the segment first, then time limits ("older than 120 days") and counted nouns
("2 webinars"), then the numbers, and last the report of what is left. The word
steps live in `_target_word_steps`, the number steps in `_target_number_steps`,
and the draft they fill in, with its gap markers, in `_target_draft`.
"""

from __future__ import annotations

import re

from boardloop.domain._target_draft import GAPS, Draft, Step
from boardloop.domain._target_number_steps import NUMBER_STEPS
from boardloop.domain._target_word_steps import WORD_STEPS

__all__ = ["STEPS"]

_LEFTOVER_DEADLINE_RE = re.compile(
    rf"\b(?:by|until|till|due)\s+(?P<what>[^{GAPS},;()]*[^{GAPS},;()\s])",
    re.IGNORECASE,
)
_FILLER_WORDS = frozenset(
    """
    a an the of in on for to by at and or with from our their its per each every all
    target targets goal goals kpi metric lift uplift change movement improvement is
    be than more less least most over under above below reach hit achieve get
    deliver drive move vs versus new total overall rate level points point
    """.split()  # noqa: SIM905 - a word list reads best as one string
)


def _report_leftovers(draft: Draft) -> None:
    """Problems for what no step could read: "by someday", a stray number."""
    while match := _LEFTOVER_DEADLINE_RE.search(draft.rest):
        draft.problems.append(f"deadline '{match['what']}' not understood")
        draft.take(match)
    words = re.findall(rf"[^\s{GAPS},;:()\[\]]+", draft.rest)
    for word in words:
        if any(char.isdigit() for char in word):
            draft.problems.append(f"'{word}' not understood")
    content = [
        index
        for index, word in enumerate(words)
        if word.lower().strip(".!?'\"") not in _FILLER_WORDS
        and any(char.isalpha() for char in word)
        and not any(char.isdigit() for char in word)
    ]
    # A count of something that is not a KPI ("2 webinars") is readable, and
    # lint reports the missing KPI.
    if not draft.kpis and not draft.counted and content:
        # Quote the words as written, filler words between them included, so
        # the writer recognises their own phrase.
        quoted = " ".join(words[content[0] : content[-1] + 1])
        draft.problems.append(f"no KPI named; '{quoted}' is not a known KPI name or id")


STEPS: tuple[Step, ...] = (*WORD_STEPS, *NUMBER_STEPS, _report_leftovers)
