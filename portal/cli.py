"""`flask portal ...` commands: demo catalog, reindex, users, backup and restore, stored files, audit, purge."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from .accounts.models import Role
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
@click.option("--if-needed", is_flag=True,
              help="Only when there is no index, it was built by another version, or it does not hold every public entry.")
def reindex_command(if_needed: bool) -> None:
    """Rebuild the search index from the database (also repairs a missing or corrupt index)."""
    from .catalog.indexing import apply_pending, reindex_all
    from .catalog.queries import public_datasets
    from .search import SearchUnavailable, backend

    if if_needed and not backend().needs_rebuild():
        try:
            apply_pending(block=True)
            current = backend().count() == (db.session.scalar(
                select(func.count()).select_from(public_datasets().subquery())) or 0)
        except SearchUnavailable:
            current = False
        if current:
            click.echo("Search index is current.")
            return
    n = reindex_all()
    click.echo(f"Indexed {n} public entries.")


@portal_cli.command("indexer")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between looks at the search outbox.")
@click.option("--once", is_flag=True, help="Apply what is waiting, then exit.")
def indexer_command(interval: float, once: bool) -> None:
    """Apply recorded search-index changes in batches (run one beside the web workers)."""
    from .catalog.indexing import run_indexer

    run_indexer(interval=interval, once=once, echo=click.echo)


@portal_cli.command("derive")
@click.option("--resource", "resource_id", help="Derive this resource's current version anew.")
@click.option("--all", "everything", is_flag=True, help="Derive every tabular file's current version anew.")
def derive_command(resource_id: str | None, everything: bool) -> None:
    """Read tabular files into their typed Parquet copies: what is waiting, failed or left running by a process
    that died; one resource (--resource) or every one (--all) anew."""
    from .tables import services as tables

    todo = tables.tables_to_derive(resource_id, everything)
    tables.requeue(todo)
    db.session.commit()
    for t in todo:
        done = tables.derive(t.id)
        if done is not None:
            line = f"{done.resource_id} v{done.version}: {done.state}"
            click.echo(line + (f" ({done.row_count} rows)" if done.row_count is not None else f": {done.error}"))


@portal_cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
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


@portal_cli.command("confirm-email")
@click.argument("email")
def confirm_email_command(email: str) -> None:
    """Mark an account's e-mail address confirmed (after checking it another way); audit-logged."""
    from .accounts.verification import confirm_by_administrator
    from .errors import Invalid

    try:
        user = confirm_by_administrator(email, actor="cli")
    except Invalid as exc:
        raise click.ClickException(exc.message)
    click.echo(f"Confirmed {user.email} (id {user.id}).")


@portal_cli.group("backup", invoke_without_command=True)
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True),
              help="The archive to write (encrypted with PORTAL_BACKUP_KEY).")
@click.pass_context
def backup_command(ctx: click.Context, out: str | None) -> None:
    """Write the database (every table, as JSON lines) and all stored files into one encrypted archive
    (--out), or run the scheduled backup (`run`) or the restore drill (`verify`)."""
    if ctx.invoked_subcommand is not None:
        return
    if not out:
        raise click.UsageError("Give --out ARCHIVE, or a command: run, verify.")
    from flask import current_app

    from .backup.crypto import BackupError
    from .backup.services import backup

    try:
        summary = backup(out, current_app.config.get("BACKUP_KEY"))
    except BackupError as exc:
        raise click.ClickException(str(exc))
    for key in summary.missing:
        click.echo(f"Warning: stored file {key} is referenced but missing; it is not in the archive.", err=True)
    click.echo(f"Backup written to {out}: {sum(summary.tables.values())} rows in {len(summary.tables)} tables, "
               f"{summary.files} files ({summary.bytes} bytes).")


@backup_command.command("run")
@click.option("--force", is_flag=True, help="Run even though this schedule period already has a verified backup.")
def backup_run_command(force: bool) -> None:
    """The scheduled run (start it from a timer): local archive, off-site copy, both read back, retention.
    Exits non-zero when any step failed; every step is recorded and audit-logged."""
    from flask import current_app

    from .backup.crypto import BackupError
    from .backup.runs import run_backup

    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        try:
            result = run_backup(force=force)
        except BackupError as exc:
            raise click.ClickException(str(exc))
    for step in result.steps:
        click.echo(f"{step.kind}: {step.outcome} {step.archive} {step.location} {step.error}".rstrip())
    for name in result.removed:
        click.echo(f"removed by retention: {name}")
    if not result.ok:
        raise click.ClickException(f"Backup run failed: {result.run.error}")
    click.echo(f"Backup run complete: {result.run.archive}")


@backup_command.command("verify")
def backup_verify_command() -> None:
    """The restore drill: the newest verified archive restored into a scratch database, row counts compared
    with its manifest; recorded. Exits non-zero when it fails."""
    from flask import current_app

    from .backup.runs import run_drill

    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        row = run_drill()
    if row.outcome == "failed":
        raise click.ClickException(row.error)
    click.echo(f"Restore drill passed: {row.archive}, {row.details.get('rows')} rows in "
               f"{row.details.get('tables')} tables, {row.details.get('files')} files.")


@portal_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
def restore_command(archive: str) -> None:
    """Restore an archive into this empty installation (run `flask db upgrade` first), then rebuild search."""
    from flask import current_app

    from .backup.crypto import BackupError
    from .backup.services import restore

    try:
        summary = restore(archive, current_app.config.get("BACKUP_KEY"))
    except BackupError as exc:
        raise click.ClickException(f"{exc} Nothing was restored.")
    click.echo(f"Restored {sum(summary.tables.values())} rows and {summary.files} files; search index rebuilt.")
    click.echo("Derived copies of tables are not in backups: run `flask portal derive` to make them again.")


storage_cli = AppGroup("storage", help="Stored files (resources and their versions, attachments, evidence).")
portal_cli.add_command(storage_cli)


@storage_cli.command("check")
@click.option("--clean", is_flag=True, help="Remove the orphans (stored files nothing refers to), after asking.")
@click.option("--yes", is_flag=True, help="With --clean: remove without asking.")
@click.option("--min-age", default=60, show_default=True, type=click.IntRange(min=0),
              help="With --clean: keep orphans saved less than this many minutes ago (an upload may not have "
                   "committed its row yet).")
def storage_check_command(clean: bool, yes: bool, min_age: int) -> None:
    """List stored files nothing refers to (orphans) and references whose bytes are missing; exit 1 when any are missing."""
    import time
    from datetime import datetime, timezone

    from .audit import services as audit
    from .storage import files as stored_files

    report = stored_files.check()
    db.session.rollback()  # end the read: --clean reads the references again after the question
    orphan_bytes = sum(o.size for o in report.orphans)
    click.echo(f"Stored files: {report.stored}; keys referred to: {report.referenced}.")
    click.echo(f"Orphans (stored, nothing refers to them): {len(report.orphans)} ({orphan_bytes} bytes).")
    for o in report.orphans:
        saved = datetime.fromtimestamp(o.saved_at, timezone.utc)
        click.echo(f"  {o.key}  {o.size} bytes  saved {saved:%Y-%m-%d %H:%M} UTC")
    click.echo(f"Missing (referred to, not stored): {len(report.missing)}.")
    for key, names in report.missing.items():
        click.echo(f"  {key}  named by {', '.join(names)}")
    if clean and report.orphans:
        cutoff = time.time() - min_age * 60
        old = [o for o in report.orphans if o.saved_at <= cutoff]
        if len(old) < len(report.orphans):
            click.echo(f"Keeping {len(report.orphans) - len(old)} orphans saved in the last {min_age} minutes "
                       "(an upload may not have committed its row yet).")
        if not old:
            click.echo("No orphan to remove.")
        elif yes or click.confirm(f"Remove {len(old)} orphaned files ({sum(o.size for o in old)} bytes)?"):
            removed, kept = stored_files.remove_orphans([o.key for o in old], older_than=min_age * 60)
            sizes = {o.key: o.size for o in old}
            audit.record("cli", "system.storage_clean", "installation", "-",
                         details={"removed": len(removed), "bytes": sum(sizes[k] for k in removed), "kept": len(kept)})
            db.session.commit()
            click.echo(f"Removed {len(removed)} orphaned files ({sum(sizes[k] for k in removed)} bytes)."
                       + (f" Kept {len(kept)} that were referred to or saved again meanwhile." if kept else ""))
        else:
            click.echo("Nothing removed.")
    _check_derived(clean, yes, min_age)
    if report.missing:
        click.echo(f"{len(report.missing)} referred-to files are missing from storage; restore them from a backup.",
                   err=True)
        raise SystemExit(1)


def _check_derived(clean: bool, yes: bool, min_age: int) -> None:
    """The copies derived from stored files (DERIVED_DIR): orphans go with --clean; missing ones are made anew
    by `flask portal derive`, never restored, so they do not fail the check."""
    from .storage import files as stored_files

    report = stored_files.check(stored_files.DERIVED)
    db.session.rollback()
    click.echo(f"Derived copies: {report.stored}; referred to: {report.referenced}; orphans: {len(report.orphans)} "
               f"({sum(o.size for o in report.orphans)} bytes); missing: {len(report.missing)}.")
    if report.missing:
        click.echo("  Missing derived copies are made again by `flask portal derive`.")
    if clean and report.orphans and (yes or click.confirm(f"Remove {len(report.orphans)} orphaned derived copies?")):
        removed, kept = stored_files.remove_orphans([o.key for o in report.orphans], older_than=min_age * 60,
                                                    area=stored_files.DERIVED)
        click.echo(f"Removed {len(removed)} orphaned derived copies." + (f" Kept {len(kept)}." if kept else ""))


audit_cli = AppGroup("audit", help="The audit trail.")
portal_cli.add_command(audit_cli)


@audit_cli.command("verify")
def audit_verify_command() -> None:
    """Check the audit chain with PORTAL_AUDIT_KEY and against every signed checkpoint; exits non-zero when
    an event was changed or deleted, or the chain was cut or rewritten since a checkpoint."""
    from .audit.chain import verify

    verdict = verify()
    if verdict.broken:
        click.echo(f"Audit chain BROKEN at {len(verdict.broken)} of {verdict.total} events: "
                   f"ids {', '.join(map(str, verdict.broken))}", err=True)
    for problem in verdict.problems:
        click.echo(f"Audit chain DISAGREES with a checkpoint: {problem}", err=True)
    if not verdict.intact:
        raise SystemExit(1)
    click.echo(f"Audit chain intact: {verdict.total} events; newest {verdict.head_id}, hash {verdict.head_hash}; "
               f"agrees with {verdict.checkpoints} checkpoints.")
    if not verdict.checkpoints:
        click.echo("No checkpoint yet: a cut or rewritten chain shows only against one. "
                   "Run `flask portal audit checkpoint` on a schedule.", err=True)


@audit_cli.command("checkpoint")
def audit_checkpoint_command() -> None:
    """Sign a checkpoint of the audit chain (newest id, hash, count, time) and write it into
    PORTAL_AUDIT_CHECKPOINT_DIR, outside the database (run on a schedule, e.g. every 10 minutes)."""
    from .audit.chain import write_checkpoint

    cp, path = write_checkpoint()
    click.echo(f"Checkpoint written to {path}: {cp.count} events, newest {cp.newest_id}, hash {cp.hash}.")


@portal_cli.command("purge")
def purge_command() -> None:
    """Remove access events older than PORTAL_ACCESS_LOG_RETENTION_DAYS (at least 730; audit events are kept)."""
    from flask import current_app

    from .audit.services import purge_access_events
    from .errors import Invalid

    try:
        removed, cutoff = purge_access_events(int(current_app.config["ACCESS_LOG_RETENTION_DAYS"]))
    except Invalid as exc:
        raise click.ClickException(exc.message)
    click.echo(f"Removed {removed} access events older than {cutoff:%Y-%m-%d %H:%M} UTC.")
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


@portal_cli.command("digest")
def digest_command() -> None:
    """Send the weekly digest of the follows mailed weekly (run weekly, from portal-digest.timer)."""
    from flask import current_app

    from .follows.mailing import send_digest

    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        sent = send_digest()
    click.echo(f"Digests {sent.mails}, changes {sent.events}, left out (no longer public) {sent.dropped}.")


@portal_cli.command("follow-mail")
def follow_mail_command() -> None:
    """Send the immediate follow mails still pending (events made outside a request, e.g. by the deadline run)."""
    from flask import current_app

    from .follows.mailing import send_immediate

    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        sent = send_immediate()
    click.echo(f"E-mails {sent.mails}, left out (no longer public) {sent.dropped}.")


@portal_cli.command("statics")
@click.argument("target")
def statics_command(target: str) -> None:
    """Write the static files under their names and fingerprinted names, with .gz copies, into TARGET
    (the folder nginx serves as /static/; see deploy/nginx.conf.example)."""
    from flask import current_app

    from .machinery.statics import build

    written = build(current_app.extensions["statics"], target)
    click.echo(f"{len(written)} files written to {target}.")
