"""Pages of the sharing figures (SHARING.md §6, §7): the figures of one's own agency (agency staff) or of
every agency (the authority, auditors), with a period form and a CSV export; the public statistics as
PORTAL_SHARE_FIGURES_PUBLIC allows; the draft half-yearly and yearly reports for the authority."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import roles
from ..accounts.permissions import roles_required
from ..errors import Invalid
from ..legal import note
from . import figures, figures_text
from .figures_schemas import load_period

bp = Blueprint("sharing_figures", __name__, url_prefix="/sharing")


def _args(period: figures.Period) -> dict:
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def _period_page(template: str, compute, **context):
    """Render a figures page for the period asked; a bad period re-renders the form with each field's error
    (422), computing nothing."""
    try:
        period = load_period(request.args)
    except Invalid as exc:
        errors = {k: v if isinstance(v, str) else "; ".join(map(str, v)) for k, v in (exc.details or {}).items()}
        fallback = figures.half_year(figures.today())
        return render_template(template, table=None, period=fallback, errors=errors, message=exc.message,
                               columns=figures_text.COLUMNS, cells=figures_text.cells, today=figures.today(),
                               **context), 422
    return render_template(template, period=period, errors={}, columns=figures_text.COLUMNS,
                           cells=figures_text.cells, today=figures.today(), **compute(period), **context)


def _attachment(body, filename: str, content_type: str) -> Response:
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/figures")
@roles_required(roles.SHARING_VIEWERS)
def index():
    """The figures per agency for a period: staff see their own agency, the authority and auditors all."""
    return _period_page("sharing/figures.html", lambda period: {
        "table": figures.figures_for(period, current_user),
        "csv_url": url_for("sharing_figures.index_csv", **_args(period))},
        all_agencies=roles.is_overseer(current_user), reports=roles.is_overseer(current_user))


@bp.get("/figures.csv")
@roles_required(roles.SHARING_VIEWERS)
def index_csv():
    period = load_period(request.args)
    lines = list(figures_text.csv_lines(figures.figures_for(period, current_user)))
    return _attachment(stream_with_context(iter(lines)), f"sharing-figures-{period.start}-{period.end}.csv",
                       "text/csv; charset=utf-8")


@bp.get("/statistics")
def statistics():
    """The public statistics: counts and rates only, as PORTAL_SHARE_FIGURES_PUBLIC allows (none: 404)."""
    figures.check_public()  # 404 before any input is read
    return _period_page("sharing/statistics.html", lambda period: {"table": figures.public_figures(period)},
                        by_agency=figures.public_setting() == "by_agency")


def _report_args():
    kind = (request.args.get("kind") or "half").strip()
    raw_year = (request.args.get("year") or str(figures.today().year)).strip()
    if not raw_year.isdigit() or not 2000 <= int(raw_year) <= 2100:
        message = _("Give a year between 2000 and 2100.")
        raise Invalid(message, {"year": message})
    raw_half = (request.args.get("half") or "").strip()
    if raw_half and raw_half not in ("1", "2"):
        message = _("Choose the first or the second half-year.")
        raise Invalid(message, {"half": message})
    half = int(raw_half) if raw_half else None
    if kind == "half" and half is None:
        half = 1 if figures.today().month <= 6 else 2
    return kind, int(raw_year), half


@bp.get("/reports")
@roles_required(roles.OVERSEERS)
def report():
    """A draft half-yearly or yearly report: the period's figures per agency with a short text for each."""
    kind, y, half = _report_args()
    period = figures.report_period(kind, y, half)
    table = figures.compute(period)
    return render_template("sharing/figures_report.html", table=table, columns=figures_text.COLUMNS,
                           cells=figures_text.cells, findings=figures_text.findings, kind=kind, year=y, half=half,
                           title=figures_text.report_title(kind, table),
                           download_url=url_for("sharing_figures.report_md", kind=kind, year=y,
                                                **({"half": half} if kind == "half" else {})))


@bp.get("/reports.md")
@roles_required(roles.OVERSEERS)
def report_md():
    kind, y, half = _report_args()
    table = figures.compute(figures.report_period(kind, y, half))
    basis = note("share_evaluation", "share_reports").strip(" （）()")
    text = figures_text.report_markdown(kind, table, basis)
    name = f"sharing-report-{y}" + (f"-h{half}" if kind == "half" else "") + ".md"
    return _attachment(text, name, "text/markdown; charset=utf-8")
