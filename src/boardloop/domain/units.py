"""Quantities in target phrases: numbers, units and currencies.

The units stay apart everywhere. `pp` is percentage points, an absolute change
of a rate. `%` is a relative change, or a rate level such as "94%". `pts` is a
score such as NPS. A currency keeps its ISO 4217 code, and a count is a number
of things. A quantity is read with its unit as written, and the target grammar
decides what that unit means: a bare number such as "45" has no unit here, and
is a score only beside a score KPI such as NPS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from boardloop.domain.model import Unit

__all__ = [
    "CURRENCY_CODES",
    "CURRENCY_SYMBOLS",
    "QUANTITY_PATTERN",
    "UNIT_AFTER_NUMBER_PATTERN",
    "Quantity",
    "decimal_to_json",
    "format_decimal",
    "format_quantity",
    "read_quantity",
]

# Active ISO 4217 codes. A code is read only in upper case and only next to a
# number, so "ALL" or "TOP" in ordinary words never turns into a currency.
CURRENCY_CODES = frozenset(
    """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL
    BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP
    ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR
    IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL
    LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
    NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX
    USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
    """.split()  # noqa: SIM905 - a word list reads best as one string
)

# "$" alone means US dollars. Other dollars are written with their code.
CURRENCY_SYMBOLS = {
    "US$": "USD",
    "C$": "CAD",
    "A$": "AUD",
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
}

_MULTIPLIERS = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "bn": 1_000_000_000}

# Unit words after a number, longest first so "percentage points" wins over
# "percent". Each maps to the unit as written and a factor into that unit.
_UNIT_WORDS: tuple[tuple[str, Unit, Decimal], ...] = (
    (r"percentage[\s-]points?", Unit.PP, Decimal(1)),
    (r"%[\s-]?points?", Unit.PP, Decimal(1)),
    (r"pct\.?\s?pts?", Unit.PP, Decimal(1)),
    (r"p\.p\.?", Unit.PP, Decimal(1)),
    (r"ppts?", Unit.PP, Decimal(1)),
    (r"pp", Unit.PP, Decimal(1)),
    (r"basis\s+points?", Unit.PP, Decimal("0.01")),
    (r"bps?", Unit.PP, Decimal("0.01")),
    (r"per\s?cent", Unit.PERCENT, Decimal(1)),
    (r"pct", Unit.PERCENT, Decimal(1)),
    (r"%", Unit.PERCENT, Decimal(1)),
    (r"points?", Unit.PTS, Decimal(1)),
    (r"pts?", Unit.PTS, Decimal(1)),
)

_COUNT_NOUNS = (
    "count|customers?|accounts?|logos?|users?|seats?|clients?|deals?|renewals?"
    "|activations?|licen[cs]es?|subscribers?"
)

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?"
_SYMBOL = "|".join(re.escape(symbol) for symbol in CURRENCY_SYMBOLS)
# The lookahead fails fast where no three letters stand, so that the regex engine
# does not try each of the ~160 codes at every position of a phrase.
_CODE = rf"(?=[A-Z]{{3}})(?:{'|'.join(sorted(CURRENCY_CODES))})"
_UNIT = "|".join(pattern for pattern, _, _ in _UNIT_WORDS)

# One quantity, with named groups. QUANTITY_PATTERN is the same text without
# group names, for embedding in larger patterns.
_QUANTITY_NAMED = (
    rf"(?:(?P<symbol>{_SYMBOL})\s?|(?P<code_before>{_CODE})\s?)?"
    rf"(?P<number>{_NUMBER})(?P<multiplier>(?i:k|mm|m|bn)(?![A-Za-z]))?"
    rf"(?:\s?(?P<unit>(?i:{_UNIT}))(?![A-Za-z])"
    rf"|\s?(?P<code_after>{_CODE})(?![A-Za-z])"
    rf"|\s(?P<noun>(?i:{_COUNT_NOUNS}))(?![A-Za-z]))?"
)
QUANTITY_PATTERN = re.sub(r"\(\?P<\w+>", "(?:", _QUANTITY_NAMED)
# What may follow a number to make it a quantity: a multiplier, unit word, count
# noun or currency code. Used to tell "by 2027" (a year) from "by 2027 customers".
UNIT_AFTER_NUMBER_PATTERN = (
    rf"(?:(?i:k|mm|m|bn)(?![A-Za-z])"
    rf"|\s?(?i:{_UNIT}|{_COUNT_NOUNS})(?![A-Za-z])|\s?(?:{_CODE})(?![A-Za-z]))"
)
_QUANTITY_RE = re.compile(_QUANTITY_NAMED)
_UNIT_RES = tuple(
    (re.compile(pattern, re.IGNORECASE), unit, factor)
    for pattern, unit, factor in _UNIT_WORDS
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with the unit it was written in.

    `unit` is None for a number written without a unit word, currency or count
    noun ("45", "50k"), because its unit is unknown until the grammar knows the
    KPI. `value` already includes the multiplier and any conversion (50 bps is
    0.5 pp). `sign` is -1, +1, or 0 when no sign was written.
    """

    value: Decimal
    unit: Unit | None
    currency: str | None = None
    sign: int = 0
    text: str = ""

    @property
    def signed_value(self) -> Decimal:
        return -self.value if self.sign < 0 else self.value

    @property
    def is_bare(self) -> bool:
        """Tell whether the number was written alone: no unit, multiplier or noun."""
        return re.fullmatch(r"[+\-]?\s?[\d.,]+", self.text) is not None


def read_quantity(text: str) -> Quantity | None:
    """Read one quantity such as "+5pp", "$50k" or "94%"; None if `text` is not one."""
    stripped = text.strip()
    sign = 0
    if stripped[:1] in "+-":
        sign = 1 if stripped[0] == "+" else -1
        stripped = stripped[1:].lstrip()
    match = _QUANTITY_RE.fullmatch(stripped)
    if match is None:
        return None
    value = _read_number(match["number"])
    if value is None:
        return None

    # Scale by the multiplier, then settle the unit and currency.
    multiplier = match["multiplier"]
    if multiplier:
        value *= _MULTIPLIERS[multiplier.lower()]
    symbol = match["symbol"]
    code = match["code_before"] or match["code_after"]
    currency = CURRENCY_SYMBOLS[symbol] if symbol else code
    if symbol and code:
        return None
    unit_text, noun = match["unit"], match["noun"]
    if currency is not None:
        if unit_text or noun:
            return None
        return Quantity(value, Unit.CURRENCY, currency, sign, text.strip())
    if unit_text:
        unit, factor = _unit_of(unit_text)
        return Quantity(value * factor, unit, None, sign, text.strip())
    if noun:
        return Quantity(value, Unit.COUNT, None, sign, text.strip())
    return Quantity(value, None, None, sign, text.strip())


def _read_number(text: str) -> Decimal | None:
    # A comma before exactly three digits groups thousands ("50,000"); any other
    # comma is a decimal comma ("94,5").
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _unit_of(unit_text: str) -> tuple[Unit, Decimal]:
    for pattern, unit, factor in _UNIT_RES:
        if pattern.fullmatch(unit_text):
            return unit, factor
    raise AssertionError(f"unit word {unit_text!r} matched but has no entry")


def format_decimal(value: Decimal, *, grouping: bool = False) -> str:
    """Return `value` in plain notation without trailing zeros ("5", "5.25")."""
    normal = value.normalize()
    if normal == 0:
        normal = Decimal(0)
    return format(normal, ",f" if grouping else "f")


def format_quantity(
    value: Decimal,
    unit: Unit | None,
    currency: str | None = None,
    *,
    as_level: bool = False,
    bare_score: bool = False,
    bare_count: bool = False,
    noun: str | None = None,
) -> str:
    """Return a quantity as the canonical phrase writes it, without a sign.

    A change reads "5pp", "5%", "3 pts", "50,000 USD" or "200 count". A level
    reads "94%" for a rate (unit pp or %), "45" for a score when `bare_score`
    is set and "45 pts" otherwise, and as a change does for a currency or a
    count. `noun` replaces the word "count" ("2 webinars"), and `bare_count`
    drops it ("1,200"), for a count beside a KPI that counts.
    """
    if currency is not None:
        return f"{format_decimal(value, grouping=True)} {currency}"
    if unit is Unit.COUNT and bare_count:
        return format_decimal(value, grouping=True)
    if unit is Unit.COUNT:
        return f"{format_decimal(value, grouping=True)} {noun or 'count'}"
    number = format_decimal(value)
    if as_level and unit in (Unit.PP, Unit.PERCENT):
        return f"{number}%"
    if as_level and (bare_score or unit is None):
        return number
    if unit is Unit.PP:
        return f"{number}pp"
    if unit is Unit.PERCENT:
        return f"{number}%"
    return f"{number} pts"


def decimal_to_json(value: Decimal | None) -> int | float | str | None:
    """Return a Decimal as a JSON number: an int when whole, else a float.

    A value that a float cannot hold exactly, such as one with twenty
    significant digits, is returned as its decimal string instead.
    """
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    as_float = float(value)
    if Decimal(repr(as_float)) == value:
        return as_float
    return format_decimal(value)
