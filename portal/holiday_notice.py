"""Reads the State Council's annual holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知).

The authority pastes the whole notice; parse() returns each numbered item's days off (放假) and
make-up workdays (上班), named after the item's festivals, or raises NoticeError naming the sentence it
could not read. Nothing here imports Flask: a NoticeError carries an English message id (marked with
N_ so it is extracted into the catalogs) and its parameters, and the caller translates it.

How the notice is read:

* The year comes from the title (…关于2026年部分节假日安排的通知), or from the caller when the title was
  not pasted. A date may carry its own year (2018年12月30日), but every day must fall in that year.
* An item begins with a line "一、春节：…"; its heading may name two festivals ("国庆节、中秋节"), which
  then name each of its days. Every line up to the next item belongs to it (text wrapped when copied,
  and after the last item the closing paragraphs, whose sentences are commentary), so no line after
  the first item is left unread. An item is split into sentences at 。 and each into clauses at ，.
* A clause with 放假 gives days off: a date, or a range "A至B" whose end may leave out its month
  ("1月1日至3日"). Every day of a range is a day off, weekend days included, as the chinese-calendar
  package records them. "共N天" or "放假N天" must equal the length of the range.
* A clause ending in 上班 lists make-up workdays ("2月14日（周六）、28日（周六）上班"), each on a
  Saturday or Sunday. "与周末连休" and "不调休" add no day (the weekend is off anyway).
* A sentence that neither begins with a date nor says 放假, 上班 or 共N天 is commentary (鼓励…在除夕（2月9日）
  休息) and is skipped; in any other sentence every clause must be read, or the notice is refused.
* Parentheses after a date may hold its weekday (周三, 星期三), which must agree with the date, and its
  lunar date (农历除夕), which is not checked.
Full-width and half-width punctuation and digits are both accepted; spaces are ignored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta


def N_(message: str) -> str:
    """Mark a message for extraction; the caller translates it."""
    return message


WEEKDAY_CHARS = "一二三四五六日"
NAME_MAX = 50

_SPACE = re.compile(r"\s+")
_TITLE = re.compile(r"关于(\d{4})年(?:部分)?节假日安排的通知")
_ITEM = re.compile(r"^([一二三四五六七八九十]+)[、.．]([^：:，,。]{1,%d})[：:](.*)$" % NAME_MAX)
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:[（(]([^（()）]*)[）)])?")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_AFTER_DAYS_OFF = re.compile(r"(?:调休)?(?:(\d+)天)?(?:调休)?")
_COUNT = re.compile(r"共(\d+)天")
_SENTENCE = re.compile(r"([^。；;]+)[。；;]?")
_CLAUSES = re.compile(r"[，,](?![^（(]*[）)])")  # not a comma inside parentheses
_NO_DAYS = ("与周末连休", "不调休")  # the weekend next to the day off is off anyway


class NoticeError(ValueError):
    """The notice cannot be read whole: `message` is a msgid with %(name)s parameters in `params`;
    `sentence` is the sentence that failed, `line` its whole item (both empty for the notice as a whole)."""

    def __init__(self, message: str, sentence: str = "", **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message, self.params, self.sentence, self.line = message, params, sentence, ""


@dataclass(frozen=True)
class Item:
    """One numbered item of the notice: its festivals, its days off and its make-up workdays."""

    number: str                  # 一, 二, …
    name: str                    # 春节; 国庆节、中秋节 when one item covers two festivals
    line: str                    # the item as read, spaces removed, up to its last sentence of days
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


@dataclass(frozen=True)
class Notice:
    """A notice read whole: its year and its items in order."""

    year: int
    items: tuple[Item, ...]

    @property
    def holidays(self) -> dict[date, str]:
        """Every day off of the year -> its item's name, by date."""
        return dict(sorted((d, item.name) for item in self.items for d in item.holidays))

    @property
    def workdays(self) -> dict[date, str]:
        """Every make-up workday of the year -> its item's name, by date."""
        return dict(sorted((d, item.name) for item in self.items for d in item.workdays))


def parse(text: str, year: int | None = None) -> Notice:
    """Read a pasted notice; `year` is used only when the title (which gives the year) is missing."""
    titles = sorted({int(y) for y in _TITLE.findall(_SPACE.sub("", text))})
    if len(titles) > 1:
        raise NoticeError(N_("The text holds the notices of several years (%(years)s); paste one notice."),
                          years=", ".join(map(str, titles)))
    if titles:
        year = titles[0]
    elif year is None:
        raise NoticeError(N_("The title (国务院办公厅关于……年部分节假日安排的通知), which gives the year, "
                             "is missing: paste the whole notice or choose the year."))
    seen: dict[date, str] = {}
    items = []
    for line in _item_lines(text):
        items.append(_read_item(line, year, seen))
    if not items:
        raise NoticeError(N_("No numbered item such as “一、元旦：1月1日放假……” was found in the text."))
    return Notice(year, tuple(items))


def _item_lines(text: str) -> list[str]:
    """The numbered items, each as one line without spaces, with the lines after it up to the next item."""
    items: list[list[str]] = []
    for raw in text.splitlines():
        line = _SPACE.sub("", raw)
        if _ITEM.match(line):
            items.append([line])
        elif line and items:
            items[-1].append(line)
    return ["".join(parts) for parts in items]


def _read_item(line: str, year: int, seen: dict[date, str]) -> Item:
    """One item's days; `seen` holds the days of the items before it (day -> sentence). An error names
    the sentence and the item up to that sentence (not the closing text that may follow the last item)."""
    number, name, body = _ITEM.match(line).groups()  # type: ignore[union-attr]
    start = len(line) - len(body)
    holidays: list[date] = []
    workdays: list[date] = []
    read_to = 0
    for m in _SENTENCE.finditer(body):
        sentence = m.group(1)
        try:
            days = _read_sentence(sentence, year, seen)
        except NoticeError as exc:
            exc.line = line[:start + m.end()]
            raise
        if days is not None:
            holidays += days[0]
            workdays += days[1]
            read_to = m.end()
    if not holidays:
        exc = NoticeError(N_("This item gives no days off (放假)."), line[:start + read_to] or line)
        exc.line = exc.sentence
        raise exc
    return Item(number, name, line[:start + read_to], tuple(holidays), tuple(workdays))


def _read_sentence(sentence: str, year: int, seen: dict[date, str]) -> tuple[list[date], list[date]] | None:
    """The days off and make-up workdays of one sentence; None for commentary."""
    clauses = _CLAUSES.split(sentence)
    if not _DATE.match(sentence) and not any("放假" in c or c.endswith("上班") or _COUNT.fullmatch(c)
                                             for c in clauses):
        return None
    last_range: list[date] | None = None
    off: list[date] = []
    make_up: list[date] = []
    for clause in clauses:
        if "放假" in clause:
            last_range = _days_off(clause, year, sentence)
            off += last_range
        elif clause.endswith("上班"):
            make_up += _make_up_days(clause[:-2], year, sentence)
        elif m := _COUNT.fullmatch(clause):
            if last_range is None:
                raise NoticeError(N_("“%(clause)s” follows no days off."), sentence, clause=clause)
            _check_count(int(m.group(1)), last_range, sentence)
        elif clause not in _NO_DAYS:
            raise NoticeError(N_("“%(clause)s” cannot be read."), sentence, clause=clause)
    for day in (*off, *make_up):
        if day.year != year:
            raise NoticeError(N_("%(day)s is not in %(year)d; each year's arrangement is entered separately."),
                              sentence, day=day.isoformat(), year=year)
        if day in seen:
            raise NoticeError(N_("%(day)s is given twice in the notice."), sentence, day=day.isoformat())
        seen[day] = sentence
    return off, make_up


def _days_off(clause: str, year: int, sentence: str) -> list[date]:
    """The days of "A放假…" or "A至B放假…", every day of the range."""
    head, _sep, tail = clause.partition("放假")
    after = _AFTER_DAYS_OFF.fullmatch(tail)
    if after is None or not head:
        raise NoticeError(N_("“%(clause)s” cannot be read."), sentence, clause=clause)
    first_text, to, last_text = head.partition("至")
    first = _dates(first_text, year, None, sentence, single=True)[0]
    last = _dates(last_text, first.year, first.month, sentence, single=True)[0] if to else first
    if last < first:
        raise NoticeError(N_("The days off from %(first)s to %(last)s end before they start."), sentence,
                          first=first.isoformat(), last=last.isoformat())
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if after.group(1):
        _check_count(int(after.group(1)), days, sentence)
    return days


def _make_up_days(text: str, year: int, sentence: str) -> list[date]:
    days = _dates(text, year, None, sentence)
    for day in days:
        if day.weekday() < 5:
            raise NoticeError(N_("%(day)s is given as a make-up workday but is a weekday (周%(weekday)s)."),
                              sentence, day=day.isoformat(), weekday=WEEKDAY_CHARS[day.weekday()])
    return days


def _check_count(stated: int, days: list[date], sentence: str) -> None:
    if stated != len(days):
        raise NoticeError(N_("The notice says %(stated)d days, but %(first)s to %(last)s is %(actual)d days."),
                          sentence, stated=stated, first=days[0].isoformat(), last=days[-1].isoformat(),
                          actual=len(days))


def _dates(text: str, year: int, month: int | None, sentence: str, *, single: bool = False) -> list[date]:
    """Dates separated by 、; one without its year or month takes them from the date before it."""
    days: list[date] = []
    pos = 0
    while True:
        m = _DATE.match(text, pos)
        if m is None:
            raise NoticeError(N_("“%(text)s” is not a date such as 1月1日 or 1月1日（周四）."), sentence,
                              text=text[pos:] or text)
        y, mo, d, brackets = m.groups()
        year = int(y) if y else year
        month = int(mo) if mo else month
        if month is None:
            raise NoticeError(N_("The date “%(text)s” has no month."), sentence, text=m.group(0))
        try:
            day = date(year, month, int(d))
        except ValueError:
            raise NoticeError(N_("“%(text)s” is not a date in %(year)d."), sentence, text=m.group(0),
                              year=year) from None
        _check_brackets(brackets, day, m.group(0), sentence)
        days.append(day)
        pos = m.end()
        if pos == len(text):
            return days
        if single or text[pos] != "、":
            raise NoticeError(N_("“%(text)s” cannot be read after the date %(day)s."), sentence,
                              text=text[pos:], day=day.isoformat())
        pos += 1


def _check_brackets(brackets: str | None, day: date, text: str, sentence: str) -> None:
    """What the parentheses after a date say: its weekday (checked) and its lunar date (not checked)."""
    for part in (brackets.split("、") if brackets is not None else ()):
        if part.startswith("农历"):
            continue
        weekday = _WEEKDAY.fullmatch(part)
        if weekday is None:
            raise NoticeError(N_("“%(part)s” in the parentheses of %(text)s is neither a weekday nor a lunar date."),
                              sentence, part=part, text=text)
        stated = "日" if weekday.group(1) == "天" else weekday.group(1)
        if WEEKDAY_CHARS.index(stated) != day.weekday():
            raise NoticeError(N_("The notice says %(text)s, but %(day)s is a 周%(actual)s."), sentence,
                              text=text, day=day.isoformat(), actual=WEEKDAY_CHARS[day.weekday()])
