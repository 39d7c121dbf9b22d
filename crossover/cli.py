"""The `crossover` command group: thin wrappers around services."""

import click
from flask.cli import AppGroup

from crossover.auth import services as auth_services
from crossover.auth.models import Role
from crossover.web.errors import DomainError

crossover = AppGroup("crossover", help="crossover administration.")


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.errors.items())
    raise click.ClickException(f"{error.message} {details}".strip())


@crossover.command("seed")
def seed_command() -> None:
    """Load the grid, catalogue, reference lists and default instrument (safe to repeat)."""
    from crossover.seed import seed_all

    counts = seed_all()
    summary = ", ".join(f"{name}: {n} added" for name, n in counts.items())
    click.echo(f"Seeded. {summary}.")


@crossover.command("create-org")
@click.argument("slug")
@click.option("--name", required=True, help="Display name of the organization.")
def create_org_command(slug: str, name: str) -> None:
    """Create a member organization."""
    try:
        org = auth_services.create_org(slug=slug, name=name)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created organization {org.slug} (id {org.id}).")


@crossover.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_slug", help="Organization slug (required for owners).")
@click.option("--password", help="Prompted for when not given.")
def create_user_command(email: str, role: str, org_slug: str | None, password: str | None) -> None:
    """Create a user account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        org = auth_services.get_org_by_slug(org_slug) if org_slug else None
        user = auth_services.create_user(email, password, Role(role), org)
    except DomainError as error:
        _fail(error)
    where = f" in {org.slug}" if org else ""
    click.echo(f"Created {user.role.value} {user.email}{where} (id {user.id}).")


@crossover.command("set-password")
@click.argument("email")
@click.option("--password", help="Prompted for when not given.")
def set_password_command(email: str, password: str | None) -> None:
    """Give a user a new password (ends their sessions and API tokens)."""
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        auth_services.set_password(auth_services.get_user_by_email(email), password)
    except DomainError as error:
        _fail(error)
    click.echo(f"New password set for {email}; their sessions and API tokens have ended.")


@crossover.command("deactivate-user")
@click.argument("email")
def deactivate_user_command(email: str) -> None:
    """Disable a user account (ends their sessions and API tokens)."""
    try:
        auth_services.deactivate_user(auth_services.get_user_by_email(email))
    except DomainError as error:
        _fail(error)
    click.echo(f"Deactivated {email}; their sessions and API tokens have ended.")


@crossover.command("demo")
def demo_command() -> None:
    """Create demo organizations and users (and print how to sign in)."""
    from crossover.demo import load_demo

    credentials = load_demo()
    click.echo("Demo data ready. Sign in with:")
    for email, password, role in credentials:
        click.echo(f"  {role:<9} {email}  /  {password}")


@crossover.command("send-invitations")
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
def send_invitations_command(dry_run: bool) -> None:
    """Queue due survey invitations and reminders and send them now (each at most once; the
    worker does the same on its schedule)."""
    from crossover.outbox import mailer
    from crossover.outbox.services import send_due

    if not dry_run and mailer.mail_state() == mailer.MAIL_OFF:
        raise click.ClickException(
            "Mail is off: set CROSSOVER_SMTP_HOST (or CROSSOVER_MAIL_BACKEND=dev for a demo)."
        )
    results = send_due(dry_run=dry_run)
    for item, outcome in results:
        click.echo(f"{outcome:<8} {item.kind:<10} {item.about}")  # no addresses in output
    outcomes = ("sent", "retry", "failed", "skipped", "dry-run")
    counts = {o: sum(1 for _, x in results if x == o) for o in outcomes}
    click.echo(
        "Nothing due." if not results else ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    )
    if counts["failed"] or counts["retry"]:
        raise SystemExit(1)


@crossover.command("worker")
@click.option("--threads", default=1, show_default=True, help="Jobs run side by side.")
@click.option(
    "--schedule/--no-schedule",
    default=True,
    help="Run the schedule here (with several workers on Redis, one schedule is enough).",
)
def worker_command(threads: int, schedule: bool) -> None:
    """Run the background worker in the foreground: due mail every
    CROSSOVER_OUTBOX_INTERVAL_SECONDS, account mail at once, expired links."""
    from flask import current_app

    from crossover import worker

    try:
        worker.run(current_app._get_current_object(), threads=threads, schedule=schedule)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None


@crossover.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Copy the SQLite database to PATH while the service keeps running."""
    from crossover.extensions import db
    from crossover.ops import backup

    try:
        size = backup.backup(db.engine, path)
    except DomainError as error:
        _fail(error)
    click.echo(f"Backed up {backup.sqlite_path(db.engine)} to {path} ({size:,} bytes).")


@crossover.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.confirmation_option(
    prompt="This replaces the whole database with the backup. Is the service stopped?"
)
def restore_command(path: str) -> None:
    """Replace the SQLite database with the backup at PATH (stop the service and worker first)."""
    from crossover.extensions import db
    from crossover.ops import backup

    try:
        size = backup.restore(db.engine, path)
    except DomainError as error:
        _fail(error)
    click.echo(f"Restored {path} into {backup.sqlite_path(db.engine)} ({size:,} bytes).")


@crossover.command("import-roster")
@click.argument("round_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_roster_command(round_id: int, file: str) -> None:
    """Add a company survey round's roster CSV (every row checked first), with progress. The
    links go only by e-mail (or, without e-mail, `export-links`)."""
    from crossover.company.rosters import import_roster

    round_ = _survey_round(round_id)
    with open(file, "rb") as f:
        content = f.read()

    def progress(stage: str, done: int, total: int) -> None:
        click.echo(f"{stage:<8} {done:>9,} / {total:,} rows")

    try:
        result = import_roster(round_, content, actor=None, progress=progress)
    except DomainError as error:
        _fail(error)
    click.echo(
        f"Added {result.added:,} employees to round {round_.label} (id {round_.id}); "
        f"{result.without_email:,} without an e-mail address get no link by mail."
    )


def _survey_round(round_id: int):
    from crossover.company.models import SurveyRound
    from crossover.extensions import db

    round_ = db.session.get(SurveyRound, round_id)
    if round_ is None:
        raise click.ClickException(f"No survey round {round_id}.")
    return round_


@crossover.command("export-links")
@click.argument("round_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@click.option(
    "--refs",
    "refs_path",
    type=click.Path(exists=True, dir_okay=False),
    help="The roster CSV again: each line then carries its employee_ref (matched by keyed hash).",
)
def export_links_command(round_id: int, file: str, refs_path: str | None) -> None:
    """Write the survey links of a round's employees without an e-mail address to FILE, for
    sealed paper delivery (audited; the round's pages then say paper links were issued)."""
    import getpass
    import os

    from crossover.company.paper import export_links

    round_ = _survey_round(round_id)
    refs = None
    if refs_path:
        with open(refs_path, "rb") as f:
            refs = f.read()
    try:
        with open(file, "x", encoding="utf-8-sig", newline="") as out:
            os.chmod(file, 0o600)
            count = export_links(round_, out, refs, operator=getpass.getuser())
    except FileExistsError:
        raise click.ClickException(f"{file} exists; choose a new file.") from None
    except DomainError as error:
        os.remove(file)
        _fail(error)
    click.echo(
        f"Wrote {count:,} links of round {round_.label} (id {round_.id}) to {file}. Print and "
        "deliver each in a sealed envelope, then delete the file."
    )
