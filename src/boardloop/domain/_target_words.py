"""Word lists that the target grammar reads by: segments, counts, everyday words.

docs/targets.md explains each list to users. Words are compared in lower case
unless a comment states otherwise.
"""

from __future__ import annotations

import re

__all__ = [
    "COUNT_STOP_WORDS",
    "EVERYDAY_WORDS",
    "TIER_PATTERN",
    "is_count_kpi",
    "is_known_segment",
    "is_score_kpi",
]

# Words that name no KPI on their own, whatever the catalog lists: nearly every
# customer-success sentence contains them ("reporting for 100% of customers").
# A KPI is named with more words: "total customers", "logo retention", "GRR".
EVERYDAY_WORDS = frozenset(
    """
    customer customers account accounts client clients user users logo logos
    revenue retention initiative initiatives reference references
    """.split()  # noqa: SIM905 - a word list reads best as one string
)

# Words that end the noun phrase after a number ("2 webinars per quarter"), or
# that make the number something other than a count: units, multipliers and
# time spans other than days.
COUNT_STOP_WORDS = frozenset(
    """
    a an the of on in at to by for from with without within until till per each
    every all and or nor but vs versus than as into onto via over under above
    below across among between after before since during about around including
    is are was were be been being will would has have had that which who whom
    whose this these those it its them they we us you their our your my his her
    more less fewer most
    least higher lower up down plus minus hold holds or so if when where while
    count pp ppt ppts pt pts point points percent percentage pct bp bps basis k m
    mm bn week weeks month months quarter quarters year years hour hours minute
    minutes
    """.split()  # noqa: SIM905 - a word list reads best as one string
)

# Segment words read after a bare "for", "in" or "among". Acronyms must be in
# upper case, so "in na" or "for us" is not a region.
_SEGMENT_ACRONYMS = frozenset(
    """
    SMB SME MM EMEA NA NAM NORAM AMER APAC APJ LATAM ANZ DACH EU UK US PLG
    """.split()  # noqa: SIM905 - a word list reads best as one string
)
_SEGMENT_WORDS = frozenset(
    """
    mid-market midmarket enterprise self-serve self-service high-touch low-touch
    tech-touch europe americas nordics japan
    """.split()  # noqa: SIM905 - a word list reads best as one string
)
_SEGMENT_PAIRS = frozenset(
    {"mid market", "north america", "south america", "latin america", "tech touch"}
)
# Everyday words that name a segment or cohort only alone or before a segment
# noun: "for key accounts" and "for growth" are segments, "for key processes"
# is not.
_SEGMENT_EVERYDAY_WORDS = frozenset(
    """
    commercial strategic key growth corporate majors named scaled digital pooled
    new existing renewing renewal trial pilot legacy startup startups
    """.split()  # noqa: SIM905 - a word list reads best as one string
)

# "Tier 1", "Tier-2" and "Tier3" name a segment wherever they stand, so their
# number is never read as a level. "Top 100" names one only after "for" or "in",
# because elsewhere it is as often a count ("top 3 risks").
TIER_PATTERN = r"\btier[\s-]?\d+(?!\w|[.,]\d)"
_TIER_RE = re.compile(r"(?:tier|top)[\s-]?\d+(?!\w|[.,]\d)", re.IGNORECASE)


def is_known_segment(name: str, noun: str | None = None) -> bool:
    """Tell whether `name`, read after "for", "in" or "among", names a segment.

    `noun` is a segment noun written after the name ("accounts", "cohort").
    """
    words = name.split()
    if not words:
        return False
    first = words[0]
    if first in _SEGMENT_ACRONYMS or first.lower() in _SEGMENT_WORDS:
        return True
    if " ".join(words[:2]).lower() in _SEGMENT_PAIRS:
        return True
    if _TIER_RE.match(name):
        return True
    return first.lower() in _SEGMENT_EVERYDAY_WORDS and (len(words) == 1 or bool(noun))


_SCORE_WORDS = frozenset({"nps", "csat", "ces", "promoter"})
_SCORE_ENDINGS = frozenset({"score", "rating", "nps", "csat", "ces"})


def is_score_kpi(kpi_id: str | None, label: str | None = None) -> bool:
    """Tell whether a KPI is a score, so that a bare number next to it is in pts.

    A score's id or label ends in "score", "rating", "nps", "csat" or "ces", or
    names NPS, CSAT, CES or a promoter score anywhere ("customers.nps_score",
    "net promoter"). "customers.health_score_coverage" ends in "coverage", so it
    is not a score.
    """
    for name in (kpi_id, label):
        if not name:
            continue
        words = re.split(r"[\s._-]+", name.lower().strip())
        if words[-1] in _SCORE_ENDINGS or _SCORE_WORDS & set(words):
            return True
    return False


_COUNT_ENDINGS = frozenset(
    """
    customers logos accounts users seats clients deals renewals subscribers
    references advocates count
    """.split()  # noqa: SIM905 - a word list reads best as one string
)


def is_count_kpi(kpi_id: str | None, label: str | None = None) -> bool:
    """Tell whether a KPI counts things, so that a bare number next to it is a count.

    A count's slug or label ends in a noun such as "customers" or "logos", or
    contains "count" ("customers.total_customers", "new logos", "customer
    count").
    """
    slug = kpi_id.rpartition(".")[2] if kpi_id else None
    for name in (slug, label):
        if not name:
            continue
        words = re.split(r"[\s_-]+", name.lower().strip())
        if words[-1] in _COUNT_ENDINGS or "count" in words:
            return True
    return False
