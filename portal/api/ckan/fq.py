"""CKAN's Solr filter syntax (`fq`, and `field:value` parts of `q`) translated to search expressions.

Supported, as CKAN clients write it: `field:value`, `field:"quoted value"`, `field:(a OR b)`, `+`/`-`
prefixes, `NOT`, `AND`, `OR` (also `&&`, `||`, `!`), parentheses, the default operator AND between
clauses, `*:*`, and ranges on metadata_modified (`[2024-01-01T00:00:00Z TO NOW]`, `{… TO *}`, date
math `NOW-7DAYS`, `NOW/DAY`; months and years count 30 and 365 days). Anything else (a bare word, an
unknown field, a wildcard) is a FqError, which CKAN (through Solr) reports as a Search Error.

Pure functions, no Flask: tested on their own in tests/api/test_ckan_fq.py. Which fields may be filtered,
under which names, and how their values are written come from the filter registry (catalog/filters.py).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from ...catalog.filters import CKAN_FILTER_FIELDS, CKAN_MODIFIED, CKAN_VALUES
from ...search.base import AllOf, AnyOf, Expr, Match, Not, Range

# CKAN's Solr field -> the portal's index field, from the filter registry; the range field likewise
FIELDS = CKAN_FILTER_FIELDS
RANGE_FIELDS = {CKAN_MODIFIED}
# Fields every public entry has with one value; CKAN clients and harvesters add these to fq.
CONSTANTS = {"dataset_type": "dataset", "type": "dataset", "state": "active", "capacity": "public",
             "private": "false"}
TRUE = AllOf(())
FALSE = AnyOf(())
MAX_LENGTH = 2000
MAX_DEPTH = 20
MAX_VALUES = 200


class FqError(ValueError):
    """The filter cannot be parsed or names something the portal does not index."""


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<and>AND\b|&&)
  | (?P<or>OR\b|\|\|)
  | (?P<not>NOT\b|!)
  | (?P<plus>\+)
  | (?P<minus>-(?=\S))
  | (?P<field>[A-Za-z_][A-Za-z0-9_.]*|\*):(?=\S)
  | (?P<phrase>"(?:[^"\\]|\\.)*")
  | (?P<range>[\[{][^\]}]*[\]}])
  | (?P<word>(?:[^\s()"\\]|\\.)+)
""", re.VERBOSE)


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FqError(f"cannot parse the filter at character {pos + 1}: {text[pos:pos + 20]!r}")
        kind = m.lastgroup
        if kind != "ws":
            out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _unescape(word: str) -> str:
    return re.sub(r"\\(.)", r"\1", word)


_NOW = re.compile(r"^NOW((?:[+-]\d+(?:YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?)*)(?:/(YEAR|MONTH|DAY|HOUR|MINUTE))?$")
_STEP = re.compile(r"([+-])(\d+)(YEAR|MONTH|WEEK|DAY|HOUR|MINUTE|SECOND)S?")
_UNIT = {"YEAR": timedelta(days=365), "MONTH": timedelta(days=30), "WEEK": timedelta(weeks=1),
         "DAY": timedelta(days=1), "HOUR": timedelta(hours=1), "MINUTE": timedelta(minutes=1),
         "SECOND": timedelta(seconds=1)}


def parse_date(value: str, now: datetime | None = None) -> datetime | None:
    """A Solr date (ISO 8601, `NOW` with date math, or `*`) as a naive UTC datetime; None for `*`."""
    value = value.strip()
    if value == "*":
        return None
    m = _NOW.match(value.upper())
    if m:
        moment = now or datetime.now(timezone.utc).replace(tzinfo=None)
        for sign, n, unit in _STEP.findall(m.group(1)):
            moment += (1 if sign == "+" else -1) * int(n) * _UNIT[unit]
        rounding = m.group(2)
        if rounding == "YEAR":
            moment = moment.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        elif rounding == "MONTH":
            moment = moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        elif rounding == "DAY":
            moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        elif rounding == "HOUR":
            moment = moment.replace(minute=0, second=0, microsecond=0)
        elif rounding == "MINUTE":
            moment = moment.replace(second=0, microsecond=0)
        return moment
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise FqError(f"{value!r} is not a date (use 2024-01-31T00:00:00Z, NOW-7DAYS or *)")
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed


def _range(text: str, now: datetime | None) -> Range:
    inner = text[1:-1].strip()
    parts = re.split(r"\s+TO\s+", inner)
    if len(parts) != 2:
        raise FqError(f"a range is written [from TO to], not {text!r}")
    low, high = parse_date(parts[0], now), parse_date(parts[1], now)
    tick = timedelta(microseconds=1)
    if text[0] == "{" and low is not None:
        low += tick
    if text[-1] == "}" and high is not None:
        high -= tick
    return Range(low, high)


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], now: datetime | None) -> None:
        self.tokens, self.pos, self.now, self.depth, self.values = tokens, 0, now, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Expr:
        expr = self.or_expr(None)
        if self.peek() is not None:
            raise FqError(f"unexpected {self.peek()[1]!r}")
        return expr

    def or_expr(self, field: str | None) -> Expr:
        parts = [self.and_expr(field)]
        while self.peek() and self.peek()[0] == "or":
            self.take()
            parts.append(self.and_expr(field))
        return parts[0] if len(parts) == 1 else AnyOf(tuple(parts))

    def and_expr(self, field: str | None) -> Expr:
        parts = [self.unary(field)]
        while self.peek() and self.peek()[0] not in ("or", "rparen"):
            if self.peek()[0] == "and":
                self.take()
            parts.append(self.unary(field))
        return parts[0] if len(parts) == 1 else AllOf(tuple(parts))

    def unary(self, field: str | None) -> Expr:
        tok = self.peek()
        if tok is None:
            raise FqError("the filter ends too early")
        if tok[0] in ("not", "minus"):
            self.take()
            return Not(self.unary(field))
        if tok[0] == "plus":
            self.take()
            return self.unary(field)
        return self.primary(field)

    def primary(self, field: str | None) -> Expr:
        kind, text = self.take()
        if kind == "lparen":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FqError("the filter is nested too deeply")
            expr = self.or_expr(field)
            if not self.peek() or self.peek()[0] != "rparen":
                raise FqError("a parenthesis is not closed")
            self.take()
            self.depth -= 1
            return expr
        if kind == "field":
            if field is not None:
                raise FqError(f"{text!r} inside the values of {field}")
            name = text
            if name == "*":
                nxt = self.take() if self.peek() else ("", "")
                if nxt != ("word", "*"):
                    raise FqError("only *:* may use the field *")
                return TRUE
            if name not in FIELDS and name not in RANGE_FIELDS and name not in CONSTANTS:
                raise FqError(f"undefined field {name}")
            nxt = self.peek()
            if nxt and nxt[0] == "lparen":
                return self.primary(name)
            if nxt is None or nxt[0] not in ("word", "phrase", "range"):
                raise FqError(f"{name}: needs a value")
            return self.value(name, *self.take())
        if kind in ("word", "phrase", "range"):
            if field is None:
                raise FqError(f"{text!r} has no field; write field:value")
            return self.value(field, kind, text)
        raise FqError(f"unexpected {text!r}")

    def value(self, field: str, kind: str, text: str) -> Expr:
        self.values += 1
        if self.values > MAX_VALUES:
            raise FqError("the filter has too many values")
        if field in RANGE_FIELDS:
            if kind != "range":
                raise FqError(f"{field} takes a range, e.g. [2024-01-01T00:00:00Z TO NOW]")
            return _range(text, self.now)
        if kind == "range":
            raise FqError(f"{field} takes values, not a range")
        value = _unescape(text[1:-1]) if kind == "phrase" else _unescape(text)
        if kind == "word" and ("*" in value or "?" in value):
            raise FqError("wildcards are not supported")
        if field in CONSTANTS:
            return TRUE if value.lower() == CONSTANTS[field] else FALSE
        target = FIELDS[field]
        return Match(target, (CKAN_VALUES.get(target, str)(value),))


def parse_fq(text: str, now: datetime | None = None) -> Expr | None:
    """A search expression for the filter, or None for an empty filter (everything)."""
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > MAX_LENGTH:
        raise FqError(f"the filter is longer than {MAX_LENGTH} characters")
    return _simplify(_Parser(_tokens(text), now).parse())


_Q_CLAUSE = re.compile(r"""(?:(?<=\s)|^)([+-]?)([A-Za-z_][A-Za-z0-9_]*|\*):("(?:[^"\\]|\\.)*"|\([^)]*\)|[\[{][^\]}]*[\]}]|\S+)""")


def split_q(q: str, now: datetime | None = None) -> tuple[str, Expr | None]:
    """CKAN's `q`: `field:value` clauses on known fields (and `*:*`) become a filter, the rest is text."""
    clauses: list[str] = []

    def take(m: re.Match) -> str:
        name = m.group(2)
        if name == "*" or name in FIELDS or name in RANGE_FIELDS or name in CONSTANTS:
            clauses.append(m.group(0))
            return " "
        return m.group(0)

    text = _Q_CLAUSE.sub(take, q or "")
    return " ".join(text.split()), parse_fq(" ".join(clauses), now) if clauses else None


def _simplify(expr: Expr) -> Expr:
    """Flatten nested AND/OR and merge OR-ed matches of one field (fewer vector passes)."""
    if isinstance(expr, Not):
        inner = _simplify(expr.expr)
        return inner.expr if isinstance(inner, Not) else Not(inner)
    if isinstance(expr, (AllOf, AnyOf)):
        kind = type(expr)
        flat: list[Expr] = []
        for e in (_simplify(e) for e in expr.exprs):
            flat.extend(e.exprs if type(e) is kind else [e])  # also drops TRUE in AND, FALSE in OR
        if kind is AnyOf:
            merged: dict[str, list[str]] = {}
            rest = []
            for e in flat:
                if isinstance(e, Match):
                    merged.setdefault(e.field, []).extend(e.values)
                else:
                    rest.append(e)
            flat = [Match(f, tuple(dict.fromkeys(v))) for f, v in merged.items()] + rest
        if kind is AllOf and FALSE in flat:
            return FALSE
        if kind is AnyOf and TRUE in flat:
            return TRUE
        return flat[0] if len(flat) == 1 else kind(tuple(flat))
    return expr
