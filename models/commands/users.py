"""python -m models users: list people and give or take their roles (administrators)."""

from __future__ import annotations

from .. import policy, store, users
from ..database import init_database
from ..errors import DomainError
from ._common import add_db_argument, add_format_argument, fail, print_json, print_table

NAME = "users"
HELP = "people and their roles: list, add, grant, revoke, unlink (needs the admin role when sign-in is on)"


def add_arguments(parser) -> None:
    actions = parser.add_subparsers(dest="users_action", metavar="ACTION")
    actions.required = True
    listing = actions.add_parser("list", help="everyone known, with their roles")
    add_format_argument(listing)
    add = actions.add_parser("add", help="add a person by email, with roles")
    add.add_argument("email")
    add.add_argument("--name", default="", help="their name as shown in the app")
    add.add_argument("--role", action="append", default=[], choices=policy.ROLES, help="a role (repeat for more)")
    for verb, text in (("grant", "give roles"), ("revoke", "take roles away")):
        sub = actions.add_parser(verb, help=text)
        sub.add_argument("email")
        sub.add_argument("roles", nargs="+", metavar="ROLE", choices=policy.ROLES)
    unlink = actions.add_parser("unlink", help="forget the sign-in account linked to an email")
    unlink.add_argument("email")
    for sub in (listing, add, *[actions.choices[v] for v in ("grant", "revoke")], unlink):
        add_db_argument(sub)
        sub.add_argument("--as", dest="as_email", metavar="EMAIL",
                         help="act as this person (needed when sign-in is on; their roles apply)")


def run(args) -> int:
    try:
        config = users.sign_in_config(users.read_secrets())
        path = init_database(args.db)
        with store.opened(path) as db:
            actor = users.command_line_actor(db, args.as_email, config)
            if args.users_action == "list":
                policy.require(actor, "users.manage")
                return _list(db, config, args.format)
            if args.users_action == "add":
                user = users.add_user(db, args.email, name=args.name, roles=args.role, actor=actor)
            elif args.users_action == "grant":
                user = users.change_roles(db, args.email, grant=args.roles, actor=actor, admins=config.admins)
            elif args.users_action == "revoke":
                user = users.change_roles(db, args.email, revoke=args.roles, actor=actor, admins=config.admins)
            else:
                users.unlink_account(db, args.email, actor=actor)
                print(f"Unlinked the sign-in account of {users.normalise_email(args.email)}.")
                return 0
    except DomainError as error:
        return fail(str(error))
    print(f"{user.email}: {', '.join(r for r in policy.ROLES if r in user.all_roles) or 'no role'}")
    return 0


def _list(db, config: users.SignInConfig, output: str) -> int:
    people = [
        {"email": p.email, "name": p.name, "roles": [r for r in policy.ROLES if r in p.all_roles],
         "admin_from_configuration": p.admin_from_configuration, "signed_in_before": bool(p.subject)}
        for p in users.list_users(db, config.admins)
    ]
    if output == "json":
        print_json({"sign_in": config.enabled, "people": people})
    else:
        import pandas as pd

        print(f"Sign-in is {'on' if config.enabled else 'off (local mode: everyone has full rights)'}.")
        print_table(pd.DataFrame([{**p, "roles": ", ".join(p["roles"])} for p in people],
                                 columns=["email", "name", "roles", "admin_from_configuration", "signed_in_before"]))
    return 0
