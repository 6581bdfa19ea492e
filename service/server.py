"""Running the service: migrations, then uvicorn; plus the operator commands behind ``castwise serve``.

``create_admin`` makes (or promotes) the first admin; ``backup_sqlite`` copies a live SQLite
database with SQLite's online backup API (PostgreSQL operators use ``pg_dump``; docs/backups.md).
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import select

from service.settings import Settings, load_settings

log = logging.getLogger("castwise.service")


def prepare(settings: Settings) -> None:
    """Create the data folder and signing key and bring the database schema up to date."""
    from service.context import build_context
    from service.migrate import upgrade

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    context = build_context(settings)
    upgrade(context.engine)
    context.close()


def serve(*, host: str, port: int, workers: int, access_log: bool = False) -> int:
    """Migrate, then run ``workers`` uvicorn workers until interrupted. ``access_log`` adds a line
    per request (masked like every other log line); it is off by default because at the vote
    rate it costs a share of each worker's CPU and it records listeners' addresses."""
    import uvicorn

    settings = load_settings()
    prepare(settings)
    log.info("Castwise service on http://%s:%d (%s, %d worker(s))", host, port, settings.environment, workers)
    # The factory reads the same environment in each worker; the development secret and the
    # signing key already exist on disk, so every worker agrees on them.
    uvicorn.run("service.main:create_app", factory=True, host=host, port=port, workers=workers,
                proxy_headers=False, log_level="info", server_header=False, access_log=access_log)
    return 0


def create_admin(*, email: str, username: str, password: str) -> int:
    from service import accounts
    from service.context import build_context
    from service.models import User

    settings = load_settings()
    prepare(settings)
    context = build_context(settings)
    with context.sessions() as db:
        user = db.scalar(select(User).where(User.email == email.lower()))
        if user is None:
            if len(password) < 10:
                print("castwise serve create-admin: the password needs at least 10 characters", file=sys.stderr)
                return 2
            try:
                user = accounts.sign_up(db, context, email=email, username=username, password=password)
            except accounts.AccountError as error:
                print(f"castwise serve create-admin: {error.detail}", file=sys.stderr)
                return 1
        user.is_admin = True
        user.email_verified = True
        db.commit()
        print(f"admin account {user.username} <{user.email}> is ready")
    return 0


def prune_interactions() -> int:
    """``castwise serve prune``: remove live events and idempotency outcomes past their retention
    now (workers also do it hourly)."""
    from service.context import build_context
    from service.interactive.retention import prune_now

    settings = load_settings()
    prepare(settings)
    context = build_context(settings)
    report = prune_now(context.sessions, settings.retention)
    print(f"pruned {report.events} live events older than {settings.event_retention_days} days and "
          f"{report.idempotency_keys} idempotency outcomes older than {settings.idempotency_retention_days} days")
    return 0


def backup_sqlite(*, target: Path) -> int:
    settings = load_settings()
    url = settings.database
    if not url.startswith("sqlite"):
        print("castwise serve backup: use pg_dump for PostgreSQL (see docs/backups.md)", file=sys.stderr)
        return 2
    source = sqlite3.connect(url.split("///", 1)[1])
    destination = sqlite3.connect(target)
    with destination:
        source.backup(destination)
    source.close()
    destination.close()
    print(f"backed up to {target}")
    return 0
