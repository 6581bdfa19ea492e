"""``castwise serve``: run the Castwise web service, create its first admin, back it up.

With no configuration the service binds 127.0.0.1:8000 in development mode, keeps a generated
secret and a SQLite database in its data folder and runs migrations. Production takes
``CASTWISE_SERVICE_ENVIRONMENT=production``, ``CASTWISE_SERVICE_SECRET_KEY`` and
``CASTWISE_SERVICE_DATABASE_URL``. The service is imported only when the command runs.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("serve", help="run the Castwise web service (needs the service extra)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--access-log", action="store_true",
                        help="log one line per request (off by default: it costs throughput and records addresses)")
    parser.set_defaults(handler=_run)
    actions = parser.add_subparsers(dest="serve_action", metavar="ACTION")
    admin = actions.add_parser("create-admin", help="create the first admin account (or promote one)")
    admin.add_argument("--email", required=True)
    admin.add_argument("--username", required=True)
    admin.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    admin.set_defaults(handler=_create_admin)
    prune = actions.add_parser("prune", help="remove old live events and idempotency records now "
                               "(workers also do it hourly; see CASTWISE_SERVICE_EVENT_RETENTION_DAYS)")
    prune.set_defaults(handler=_prune)
    backup = actions.add_parser("backup", help="copy the live SQLite database (online backup)")
    backup.add_argument("target", help="file to write")
    backup.set_defaults(handler=_backup)


def _service_error(error: Exception) -> int:
    import sys

    print(f"castwise serve: {error}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    try:
        from service.server import serve
        from service.settings import SettingsError
    except ModuleNotFoundError as error:
        return _service_error(Exception(f"the service needs the service extra (pip install 'castwise[service]'): {error.name}"))
    if args.workers < 1 or not 0 < args.port < 65536:
        return _service_error(ValueError("--workers must be at least 1 and --port within 1-65535"))
    try:
        return serve(host=args.host, port=args.port, workers=args.workers, access_log=args.access_log)
    except SettingsError as error:
        return _service_error(error)


def _create_admin(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from service.server import create_admin
    from service.settings import SettingsError

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    try:
        return create_admin(email=args.email, username=args.username, password=password)
    except SettingsError as error:
        return _service_error(error)


def _backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from service.server import backup_sqlite
    from service.settings import SettingsError

    try:
        return backup_sqlite(target=Path(args.target))
    except SettingsError as error:
        return _service_error(error)


def _prune(_args: argparse.Namespace) -> int:
    from service.server import prune_interactions
    from service.settings import SettingsError

    try:
        return prune_interactions()
    except SettingsError as error:
        return _service_error(error)
