"""``castwise account signin|signout|status|sessions|restore|sync``: the Castwise account.

The password is read with ``getpass`` (never echoed, never an argument, never logged); tokens go
to the OS keyring. The service address comes from ``$CASTWISE_SERVICE_URL`` or the
``service.url`` setting. Errors are one line on stderr: a wrong password, an unreachable service
and an ended session each say what to do. Only argparse is imported at module level.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from account.client import ServiceClient
    from library.db.engine import Library


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    account = subparsers.add_parser("account", help="your Castwise account: sign in, purchases, sync")
    actions = account.add_subparsers(dest="account_command", metavar="ACTION")
    signin = actions.add_parser("signin", help="sign in (the password is asked for, not echoed)")
    signin.add_argument("--login", help="e-mail address or username (asked for when missing)")
    signin.add_argument("--device", help="name of this device in your session list (default: the host name)")
    signin.set_defaults(handler=_signin)
    actions.add_parser("signout", help="sign this device out").set_defaults(handler=_signout)
    actions.add_parser("status", help="show whether and as whom this device is signed in").set_defaults(
        handler=_status)
    sessions = actions.add_parser("sessions", help="list your signed-in devices, or sign one out")
    sessions.add_argument("--revoke", type=int, metavar="ID", help="sign out the device session with this id")
    sessions.set_defaults(handler=_sessions)
    restore = actions.add_parser("restore", help="restore purchases: subscribe to every premium show you own")
    restore.set_defaults(handler=_restore)
    sync = actions.add_parser("sync", help="sync subscriptions and listening progress with your other devices")
    sync.set_defaults(handler=_sync)


def _fail(message: str) -> int:
    print(f"castwise account: {message}", file=sys.stderr)
    return 1


def _with_client(body: Callable[[Library, ServiceClient], int]) -> int:
    """Open the library and a client of the configured service; typed errors become one line."""
    from account.client import ServiceClient
    from account.config import service_url
    from app.cli.library import secret_store
    from library.db import open_library
    from library.errors import CastwiseError
    from library.paths import resolve_paths
    from library.redact import redact_text

    try:
        with open_library() as library:
            url = service_url(library)
            with ServiceClient(url, secrets=secret_store(), lock_file=resolve_paths().data / "account.lock") as client:
                return body(library, client)
    except CastwiseError as error:
        return _fail(redact_text(error.message))
    except Exception as error:  # a bug of ours must still not show a listener a traceback
        return _fail(redact_text(f"unexpected error ({type(error).__name__})"))


def _signin(args: argparse.Namespace) -> int:
    def body(_library: Library, client: ServiceClient) -> int:
        import getpass
        import socket

        login = args.login or input("E-mail address or username: ").strip()
        password = getpass.getpass("Password: ")
        stored = client.sign_in(login, password, device_name=args.device or socket.gethostname() or "Castwise")
        del password
        user = client.me()
        print(f"signed in to {client.service_url} as {user.username} <{user.email}> (session {stored.session_id})")
        return 0

    return _with_client(body)


def _signout(_args: argparse.Namespace) -> int:
    def body(_library: Library, client: ServiceClient) -> int:
        if client.session is None:
            print(f"not signed in to {client.service_url}")
            return 0
        told = client.sign_out()
        print("signed out" if told else "signed out on this device (the service could not be told)")
        return 0

    return _with_client(body)


def _status(_args: argparse.Namespace) -> int:
    def body(library: Library, client: ServiceClient) -> int:
        if client.session is None:
            print(f"not signed in to {client.service_url}")
            return 0
        user = client.me()
        print(f"signed in to {client.service_url} as {user.username} <{user.email}>")
        from account.premium import REVOKED, PremiumFeeds
        from app.cli.library import subscriptions_service
        from interactive.outbox import OUTBOX_FILE, Outbox
        from library.paths import resolve_paths

        data = resolve_paths().data
        feeds = PremiumFeeds(library, subscriptions_service(library), service_url=client.service_url,
                             state_path=data / "account.sqlite3").feeds()
        ended = sum(feed.state == REVOKED for feed in feeds)
        print(f"{len(feeds)} premium shows on this device ({ended} no longer available)")
        waiting = len(Outbox(data / OUTBOX_FILE, service_url=client.service_url,
                             account_id=user.id).items("pending"))
        print(f"{waiting} votes, comments or answers waiting to be sent")
        return 0

    return _with_client(body)


def _sessions(args: argparse.Namespace) -> int:
    def body(_library: Library, client: ServiceClient) -> int:
        if args.revoke is not None:
            client.revoke_session(args.revoke)
            print(f"signed out session {args.revoke}")
            return 0
        for item in client.device_sessions():
            mark = "*" if item.current else " "
            print(f"{mark} {item.id:>5}  {item.device_name:<30} last used {item.last_used_at:%Y-%m-%d %H:%M} UTC")
        return 0

    return _with_client(body)


def _restore(_args: argparse.Namespace) -> int:
    def body(library: Library, client: ServiceClient) -> int:
        from account.purchases import Purchases
        from app.cli.library import outcome_line, subscriptions_service
        from library.paths import resolve_paths

        report = Purchases(client, library, subscriptions_service(library), resolve_paths()).restore()
        for added in report.added:
            print(outcome_line(added))
        for kept in report.kept:
            print(f"already here  {kept.show_title} (id {kept.podcast_id})")
        for revoked in report.revoked:
            print(f"access ended  {revoked.show_title} (id {revoked.podcast_id}): {revoked.reason}")
        print(f"{len(report.added)} premium shows added, {len(report.kept)} already here, "
              f"{len(report.revoked)} no longer available")
        return 0

    return _with_client(body)


def _sync(_args: argparse.Namespace) -> int:
    def body(library: Library, client: ServiceClient) -> int:
        import socket

        from account.sync import GpodderSync
        from app.cli.library import outcome_line, subscriptions_service
        from library.paths import resolve_paths

        sync = GpodderSync(client, library, subscriptions_service(library),
                           state_path=resolve_paths().data / "account.sqlite3",
                           device_name=socket.gethostname() or "Castwise")
        report = sync.run()
        for added in report.subscribed:
            print(outcome_line(added))
        for url in report.removed_remotely:
            print(f"unsubscribed  {url} (removed on another device)")
        print(f"{len(report.uploaded_subscriptions)} subscriptions sent, {len(report.subscribed)} received, "
              f"{len(report.removed_remotely)} removed; {report.uploaded_actions} progress updates sent, "
              f"{report.applied_actions} applied")
        return 0

    return _with_client(body)
