"""`wenming account create-admin USERNAME`: the first platform admin (later ones via `accountCreate`),
and the demo server's admin account; `wenming account disable|enable USERNAME`, audited as done
from the command line (no actor account).

The password comes from WENMING_ADMIN_PASSWORD or is asked for on the terminal; it is never taken
from the command line, where it would end up in the shell history.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets

from sqlalchemy import select

from db.models import Account, Role
from db.session import make_engine, session_factory
from resolvers.access.tokens import issue_access_token
from resolvers.accounts.admin import CommandLineRefusal, set_active_from_command_line
from resolvers.accounts.mutations import create_account
from wenming.settings import Settings, read_settings

MIN_PASSWORD = 12


class AccountCliError(Exception):
    """The account cannot be created; the message says why."""


def create_admin(database_url: str, username: str, password: str) -> int:
    """Create a platform admin; returns its id. Refuses a taken name or a short password."""
    if len(password) < MIN_PASSWORD:
        raise AccountCliError(f"the password needs at least {MIN_PASSWORD} characters")
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            if session.scalar(select(Account.id).where(Account.username == username)) is not None:
                raise AccountCliError(f"the username {username!r} is taken: choose another")
            account_id = create_account(session, username, password, [(Role.PLATFORM_ADMIN, {})])
            session.commit()
            return account_id
    finally:
        engine.dispose()


def demo_admin(database_url: str) -> tuple[str, str]:
    """A platform admin with a fresh random password for the demo database: (username, password)."""
    password = secrets.token_urlsafe(12)
    create_admin(database_url, "demo", password)
    return "demo", password


def service_token(settings: Settings, username: str = "service-admin") -> str:
    """An access token of a platform admin without a password (created if missing), for scripts
    such as benchmarks that run against their own database: {"Authorization": f"Bearer {token}"}."""
    engine = make_engine(settings.database_url)
    try:
        with session_factory(engine)() as session:
            account_id = session.scalar(select(Account.id).where(Account.username == username))
            if account_id is None:
                account_id = create_account(session, username, None, [(Role.PLATFORM_ADMIN, {})])
                session.commit()
    finally:
        engine.dispose()
    token, _ = issue_access_token(settings.auth, account_id)
    return token


def set_active(database_url: str, username: str, active: bool, reason: str = "") -> None:
    """Enable or disable an account; AccountCliError says why not (unknown, already so, the last admin)."""
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            try:
                set_active_from_command_line(session, username, active, reason)
            except CommandLineRefusal as exc:
                raise AccountCliError(str(exc)) from None
            session.commit()
    finally:
        engine.dispose()


def run_set_active(args: argparse.Namespace) -> int:
    active = args.account_command == "enable"
    try:
        set_active(read_settings().database_url, args.username, active, args.reason)
    except AccountCliError as exc:
        print(f"error: {exc}")
        return 2
    print(f"account {args.username!r} {'enabled' if active else 'disabled'}")
    return 0


def run(args: argparse.Namespace) -> int:
    password = os.environ.get("WENMING_ADMIN_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
    try:
        create_admin(read_settings().database_url, args.username, password)
    except AccountCliError as exc:
        print(f"error: {exc}")
        return 2
    print(f"platform admin {args.username!r} created: sign in with the `login` mutation")
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = sub.add_parser("account", help="accounts (the first platform admin; disable, enable)")
    account_sub = account.add_subparsers(dest="account_command", required=True)
    admin = account_sub.add_parser("create-admin", help="create a platform admin (password from "
                                   "WENMING_ADMIN_PASSWORD or the terminal)")
    admin.add_argument("username")
    admin.set_defaults(func=run)
    for command, what in (("disable", "disable an account: its tokens, keys and sessions stop working"),
                          ("enable", "enable a disabled account again")):
        parser = account_sub.add_parser(command, help=what)
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="why (kept in the account's audit; no personal data)")
        parser.set_defaults(func=run_set_active)
