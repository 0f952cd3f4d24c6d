"""`flask portal ...` commands: demo catalog, reindex."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from .extensions import db

portal_cli = AppGroup("portal", help="Portal administration commands.")


@portal_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only when the catalog has no entry yet.")
def demo_command(if_empty: bool) -> None:
    """Load the realistic demo catalog (agencies, themes, entries, files) and index it."""
    from .catalog.models import Dataset

    if if_empty and db.session.scalar(select(func.count(Dataset.id))):
        click.echo("Catalog not empty; demo not loaded.")
        return
    from .demo import load_demo

    summary = load_demo()
    click.echo(f"Demo catalog loaded: {summary}")


@portal_cli.command("reindex")
@click.option("--if-needed", is_flag=True, help="Only when there is no index or it was built by another version.")
def reindex_command(if_needed: bool) -> None:
    """Rebuild the search index from the database."""
    from .catalog.services import reindex_all
    from .search import backend

    if if_needed and not backend().needs_rebuild():
        click.echo("Search index is current.")
        return
    n = reindex_all()
    click.echo(f"Indexed {n} public entries.")


@portal_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["agency_staff", "authority", "auditor", "admin", "data_user"]))
@click.option("--agency", "agency_slug", help="The agency's slug (required for agency_staff).")
@click.password_option(help="Asked for when not given.")
def create_user_command(email: str, name: str, role: str, agency_slug: str | None, password: str) -> None:
    """Create a staff account (agency staff, authority, auditor, administrator)."""
    from .accounts.services import create_staff_user
    from .errors import Invalid

    try:
        user = create_staff_user(email, name, password, role, agency_slug, actor="cli")
    except Invalid as exc:
        raise click.ClickException(f"{exc.message} {exc.details}")
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@portal_cli.command("deadlines")
@click.option("--today", "on", help="Act as if today were this date (YYYY-MM-DD); for testing and catching up.")
def deadlines_command(on: str | None) -> None:
    """Send reminders for cases due soon and escalate overdue ones (run daily, e.g. from cron)."""
    from datetime import date

    from flask import current_app

    from .supervision.deadlines import run

    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise click.BadParameter("write the date as YYYY-MM-DD", param_hint="--today")
    # Case links and translated texts are built as for a request to the portal's public address.
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        summary = run(day)
    click.echo(f"Reminders {summary.reminders}, overdue notices {summary.overdue}, escalations {summary.escalations}, "
               f"other notices {summary.other}, "
               f"e-mails {summary.emailed}, already sent today {summary.skipped}.")
