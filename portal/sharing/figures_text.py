"""The sharing figures as people read them (SHARING.md §7): the table's columns (the page, the public page
and the CSV export read the same list), the short text per agency and the draft half-yearly or yearly report
(HTML page or Markdown file). Counts and rates only: never a request's content."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..catalog.vocab import SHARE_BASIS_KIND_LABELS, label
from ..spreadsheet import csv_line
from . import figures
from .figures import Figures, Table


@dataclass(frozen=True)
class Column:
    key: str
    label: object                       # lazy text
    value: Callable[[Figures], str]


def _count(key: str) -> Callable[[Figures], str]:
    return lambda f: str(f.counts.get(key, 0))


def _rate(key: str) -> Callable[[Figures], str]:
    return lambda f: f.rates[key].text


def refusals_text(f: Figures) -> str:
    if not f.refusals_by_basis:
        return str(f.counts["refusals"])
    parts = [f"{basis_label(k)} {n}" for k, n in sorted(f.refusals_by_basis.items())]
    return f"{f.counts['refusals']} ({'、'.join(parts)})"


def basis_label(kind: str) -> str:
    return _("No kind of basis recorded") if kind == figures.BASIS_UNSTATED else str(label(SHARE_BASIS_KIND_LABELS, kind))


COLUMNS: tuple[Column, ...] = (
    Column("unconditional", _l("Requests for unconditional entries"), _count("unconditional")),
    Column("conditional", _l("Requests for conditional entries"), _count("conditional")),
    Column("verifications", _l("Verification requests"), _count("verifications")),
    Column("answered", _l("Requests answered within the deadline"), _rate("answered")),
    Column("delivered", _l("Delivered within the deadline after agreeing"), _rate("delivered")),
    Column("refusals", _l("Refusals by kind of legal basis"), refusals_text),
    Column("demand_answered", _l("Demands answered on time"), _rate("demand_answered")),
    Column("demand_fulfilled", _l("Demands fulfilled on time"), _rate("demand_fulfilled")),
    Column("verification_answered", _l("Verifications answered on time"), _rate("verification_answered")),
    Column("error_answered", _l("Error checks answered on time"), _rate("error_answered")),
    Column("late_reports", _l("Error reports (reported late)"),
           lambda f: f"{f.counts['error_reports']} ({f.counts['late_reports']})"),
    Column("dispute_negotiated", _l("Disputes resolved in negotiation on time"), _rate("dispute_negotiated")),
    Column("dispute_coordinated", _l("Disputes resolved in coordination on time"), _rate("dispute_coordinated")),
    Column("notices", _l("Stop or change notices (shorter notice)"),
           lambda f: f"{f.counts['notices']} ({f.counts['short_notices']})"),
    Column("mix", _l("Published entries: unconditional / conditional / not shared"),
           lambda f: f"{f.counts['entries_unconditional']} / {f.counts['entries_conditional']} / "
                     f"{f.counts['entries_none']}"),
    Column("violations", _l("Entries breaking the sharing rules"), _count("violations")),
    Column("reassessed", _l("Conditional entries reassessed on time"), _rate("reassessed")),
    Column("unused_grants", _l("Grants never used"), _count("unused_grants")),
)


def cells(f: Figures) -> list[str]:
    return [c.value(f) for c in COLUMNS]


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV (UTF-8 with BOM so spreadsheet programs read Chinese): one line per agency, then the
    totals."""
    yield "\ufeff" + csv_line([_("Period"), _("Agency"), *[str(c.label) for c in COLUMNS]])
    for f in [*table.rows, table.totals]:
        yield csv_line([table.period.label, f.name, *cells(f)])


# ---- the short text per agency ---------------------------------------------------------------------------
_LATE = {
    "answered": lambda n: _("%(n)d share requests answered late or not yet answered past the deadline", n=n),
    "delivered": lambda n: _("%(n)d agreed requests delivered late or not yet delivered past the deadline", n=n),
    "demand_answered": lambda n: _("%(n)d demands answered late", n=n),
    "demand_fulfilled": lambda n: _("%(n)d demands fulfilled late", n=n),
    "verification_answered": lambda n: _("%(n)d verifications answered late", n=n),
    "error_answered": lambda n: _("%(n)d error checks answered late", n=n),
    "dispute_negotiated": lambda n: _("%(n)d disputes not resolved within the negotiation period", n=n),
    "dispute_coordinated": lambda n: _("%(n)d disputes not resolved within the coordination period", n=n),
    "reassessed": lambda n: _("%(n)d conditional entries not reassessed within the period", n=n),
}


def findings(f: Figures) -> list[str]:
    """What the report says of one agency: each kind of case late, rule breaking and unused grants."""
    said = [text(f.rates[k].late) for k, text in _LATE.items() if f.rates[k].late]
    if f.counts["late_reports"]:
        said.append(_("%(n)d errors reported after the reporting period", n=f.counts["late_reports"]))
    if f.counts["violations"]:
        said.append(_("%(n)d published entries break the sharing rules", n=f.counts["violations"]))
    if f.counts["unused_grants"]:
        said.append(_("%(n)d grants were never used", n=f.counts["unused_grants"]))
    if f.counts["short_notices"]:
        said.append(_("%(n)d stop or change notices with shorter notice", n=f.counts["short_notices"]))
    return said or [_("No case late in this period.")]


# ---- the draft report ---------------------------------------------------------------------------------------
def report_title(kind: str, table: Table) -> str:
    if kind == "half":
        half = 1 if table.period.start.month == 1 else 2
        return _("Sharing evaluation report, %(year)d, half-year %(half)d (draft)", year=table.period.start.year,
                 half=half)
    return _("Sharing evaluation report, %(year)d (draft)", year=table.period.start.year)


def report_markdown(kind: str, table: Table, basis: str) -> str:
    """The draft report as a Markdown file: period, figures per agency and totals, findings per agency."""
    lines = [f"# {report_title(kind, table)}", "",
             _("Period: %(period)s. Computed on %(day)s from the portal's records.", period=table.period.label,
               day=table.on.isoformat()), "", basis, ""]
    for f in [*table.rows, table.totals]:
        lines += [f"## {f.name}", ""]
        lines += [f"- {c.label}: {c.value(f)}" for c in COLUMNS]
        if f.agency is not None:
            heading = _("Findings")
            lines += ["", f"**{heading}**", ""] + [f"- {s}" for s in findings(f)]
        lines.append("")
    return "\n".join(lines)
