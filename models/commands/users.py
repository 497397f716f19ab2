"""python -m models users: list people and give or take their roles (administrators)."""

from __future__ import annotations

import contextlib

import click

from ._common import db_option, format_option, open_database, print_json, print_table, reading_database

# The roles (models.policy.ROLES), written here so that --help does not load the models;
# tests/models/test_cli_users.py keeps the two equal.
ROLES = ("viewer", "officer", "commissioner", "evaluator", "admin")

as_option = click.option(
    "--as", "as_email", metavar="EMAIL",
    help="act as this person, with their roles (needed when sign-in is on)",
)


@click.group()
def users() -> None:
    """People and their roles: list, add, grant, revoke, unlink (the admin role, when sign-in is on).

    Sign-in is on when .streamlit/secrets.toml (or the file $DASHBOARD_SECRETS names) has
    an [auth] section; then say who you are with --as EMAIL, and only an administrator's
    changes are accepted. With sign-in off the command line has every role, as the app has."""


@contextlib.contextmanager
def _acting(db, as_email: str | None, *, only_reading: bool = False):
    """The database (closed afterwards; ``only_reading``: opened to read, as
    ``reading_database``), the configuration and who is acting."""
    from .. import users as people

    config = people.sign_in_config(people.read_secrets())
    with (reading_database if only_reading else open_database)(db) as database:
        yield database, config, people.command_line_actor(database, as_email, config)


def _print_roles(user) -> None:
    from ..policy import ROLES as ALL

    click.echo(f"{user.email}: {', '.join(r for r in ALL if r in user.all_roles) or 'no role'}")


@users.command("list")
@db_option
@format_option()
@as_option
def list_people(db, output_format, as_email) -> None:
    """Everyone known, with their roles."""
    import pandas as pd

    from .. import policy, users as people

    with _acting(db, as_email, only_reading=True) as (database, config, actor):
        policy.require(actor, "users.manage")
        listed = [
            {"email": p.email, "name": p.name, "roles": [r for r in policy.ROLES if r in p.all_roles],
             "admin_from_configuration": p.admin_from_configuration, "signed_in_before": bool(p.subject)}
            for p in people.list_users(database, config.admins)
        ]
    if output_format == "json":
        print_json({"sign_in": config.enabled, "people": listed})
        return
    click.echo(f"Sign-in is {'on' if config.enabled else 'off (local mode: everyone has full rights)'}.")
    print_table(pd.DataFrame([{**p, "roles": ", ".join(p["roles"])} for p in listed],
                             columns=["email", "name", "roles", "admin_from_configuration", "signed_in_before"]))


@users.command("add")
@click.argument("email")
@click.option("--name", default="", help="their name as the app shows it")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), help="a role (repeat for more)")
@db_option
@as_option
def add(email, name, roles, db, as_email) -> None:
    """Add a person by email, with roles."""
    from .. import users as people

    with _acting(db, as_email) as (database, _config, actor):
        _print_roles(people.add_user(database, email, name=name, roles=roles, actor=actor))


@users.command("grant")
@click.argument("email")
@click.argument("roles", nargs=-1, required=True, type=click.Choice(ROLES))
@db_option
@as_option
def grant(email, roles, db, as_email) -> None:
    """Give a person roles (adds them if they are not known yet)."""
    from .. import users as people

    with _acting(db, as_email) as (database, config, actor):
        _print_roles(people.change_roles(database, email, grant=roles, actor=actor, admins=config.admins))


@users.command("revoke")
@click.argument("email")
@click.argument("roles", nargs=-1, required=True, type=click.Choice(ROLES))
@db_option
@as_option
def revoke(email, roles, db, as_email) -> None:
    """Take roles away from a person."""
    from .. import users as people

    with _acting(db, as_email) as (database, config, actor):
        _print_roles(people.change_roles(database, email, revoke=roles, actor=actor, admins=config.admins))


@users.command("unlink")
@click.argument("email")
@db_option
@as_option
def unlink(email, db, as_email) -> None:
    """Forget the sign-in account linked to an email (their next sign-in links anew)."""
    from .. import users as people

    with _acting(db, as_email) as (database, _config, actor):
        people.unlink_account(database, email, actor=actor)
    click.echo(f"Unlinked the sign-in account of {people.normalise_email(email)}.")
