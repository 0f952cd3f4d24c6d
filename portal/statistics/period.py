"""The period of the statistics' time-based figures (downloads and API calls by month, cases by state and on
time, downloads per 盟市): whole months in China time, from `from` to `to` (YYYY-MM), or one `year`; by default
the last twelve months, this one included. One schema for the page's form, /api/v1/stats and the CSV downloads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..errors import Invalid

MONTHS = 12               # the default: the last twelve months, this one included
MAX_MONTHS = 60           # a longer period would make the time series unreadable
FIRST_YEAR = 2000
CHINA_OFFSET = timedelta(hours=8)  # access events and cases are stored in UTC; months are counted in China time
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def _month(description: str) -> fields.String:
    return fields.String(load_default=None, validate=validate.Regexp(MONTH, error=_l("Give a month as YYYY-MM.")),
                         metadata={"description": description})


_FIELDS = {
    "from": _month("The first month of the period, YYYY-MM (China time)."),
    "to": _month("The last month of the period, YYYY-MM; not after this month."),
    "year": fields.Integer(load_default=None, strict=False, error_messages={"invalid": _l("Give a year from 2000 on.")},
                           validate=validate.Range(FIRST_YEAR, 2100, error=_l("Give a year from 2000 on.")),
                           metadata={"description": "A calendar year instead of from/to."}),
}


class PeriodIn(Schema.from_dict(_FIELDS, name="PeriodFields")):  # type: ignore[misc]
    """The period of the time-based figures; none given: the last twelve months."""

    class Meta:
        unknown = EXCLUDE

    @validates_schema
    def _one_period(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("year") is not None and (data.get("from") or data.get("to")):
            raise ValidationError(_("Choose either a year or a range of months, not both."), "year")
        for name in ("from", "to"):
            if data.get(name) and int(data[name][:4]) < FIRST_YEAR:
                raise ValidationError(_("Give a month from 2000 on."), name)
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            raise ValidationError(_("The last month must not be before the first."), "to")


def month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def month_of(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def _parse(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


@dataclass(frozen=True)
class Period:
    start: date            # the first day of the first month
    end: date              # the first day of the last month
    query: tuple[tuple[str, str], ...] = ()   # as asked (empty for the default), for links and CSV addresses

    @property
    def months(self) -> list[date]:
        return [month_of(k) for k in range(month_index(self.start), month_index(self.end) + 1)]

    @property
    def since(self) -> datetime:
        """The period's first moment, in UTC as the records store it."""
        return datetime.combine(self.start, datetime.min.time()) - CHINA_OFFSET

    @property
    def until(self) -> datetime:
        """The moment after the period's last month, in UTC."""
        return datetime.combine(month_of(month_index(self.end) + 1), datetime.min.time()) - CHINA_OFFSET

    @property
    def first(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def last(self) -> str:
        return self.end.strftime("%Y-%m")

    @property
    def label(self) -> str:
        return self.first if self.start == self.end else f"{self.first} – {self.last}"

    @property
    def args(self) -> dict[str, str]:
        return dict(self.query)

    def holds(self, at: datetime | None) -> bool:
        return at is not None and self.since <= at < self.until


def default(on: date) -> Period:
    return Period(month_of(month_index(on) - MONTHS + 1), date(on.year, on.month, 1))


def read(values: Mapping[str, Any], on: date) -> Period:
    """The period asked for (empty values count as not given), checked against `on` (today, China time):
    Invalid (422) naming the field when it is not a period the figures can be counted for."""
    given = {k: str(values[k]).strip() for k in _FIELDS if k in values and str(values[k]).strip()}
    try:
        data = PeriodIn().load(given)
    except ValidationError as exc:
        raise Invalid(_("The period is not valid."), _messages(exc.messages))
    this_month = date(on.year, on.month, 1)
    if data.get("year") is not None:
        year = data["year"]
        if year > on.year:
            raise Invalid(_("The period is not valid."), {"year": _("The year has not begun yet.")})
        return Period(date(year, 1, 1), min(date(year, 12, 1), this_month), (("year", str(year)),))
    if not given:
        return default(on)
    end = _parse(data["to"]) if data.get("to") else this_month
    start = _parse(data["from"]) if data.get("from") else month_of(month_index(end) - MONTHS + 1)
    if end > this_month:
        raise Invalid(_("The period is not valid."), {"to": _("The last month must not be after this month.")})
    if start.year < FIRST_YEAR:
        raise Invalid(_("The period is not valid."), {"from": _("Give a month from 2000 on.")})
    if month_index(end) - month_index(start) + 1 > MAX_MONTHS:
        raise Invalid(_("The period is not valid."),
                      {"from": _("A period of at most %(n)d months.", n=MAX_MONTHS)})
    return Period(start, end, tuple((k, given[k]) for k in ("from", "to") if k in given))


def _messages(messages: Any) -> dict[str, str]:
    """marshmallow's messages as one readable message per field."""
    out = {}
    for name, value in (messages.items() if isinstance(messages, dict) else [("period", messages)]):
        out[name] = str(value[0] if isinstance(value, list) and value else value)
    return out
