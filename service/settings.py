"""The service's settings, declared once with type, default and description, validated on load.

Every setting comes from a ``CASTWISE_SERVICE_<NAME>`` environment variable. With no
configuration at all the service runs in *development*: SQLite and a generated secret kept in
its data folder. In *production* the secret key must be set and must not be a placeholder.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from service.interactive.retention import Retention

ENV_PREFIX = "CASTWISE_SERVICE_"
PLACEHOLDER_SECRETS = frozenset({"", "changethis", "change-me", "changeme", "secret", "dev", "development", "test"})
MIN_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message names it and says what to do."""


def default_data_dir() -> Path:
    """``$CASTWISE_HOME/service`` when set, else the platform's user data folder + ``service``."""
    home = os.environ.get("CASTWISE_HOME")
    if home:
        return Path(home).expanduser().resolve() / "service"
    import platformdirs

    return Path(platformdirs.user_data_dir("Castwise", appauthor=False)) / "service"


@dataclass(frozen=True)
class Settings:
    """Validated service settings. Build with :func:`load_settings` (environment) or directly in tests."""

    environment: Literal["development", "production"] = "development"
    """``production`` refuses missing or placeholder secrets."""
    data_dir: Path = field(default_factory=default_data_dir)
    """SQLite database (by default), development secret, signing key, media, mail outbox."""
    database_url: str = ""
    """SQLAlchemy URL; empty means SQLite in ``data_dir``. PostgreSQL: ``postgresql+psycopg://...``."""
    secret_key: str = ""
    """Signs access tokens, private feed and media URLs. Empty in development: generated and kept."""
    public_url: str = "http://127.0.0.1:8000"
    """How listeners reach the service; used to build private feed and media URLs."""
    access_token_ttl_s: int = 900
    """Lifetime of an access token in seconds."""
    refresh_token_ttl_s: int = 60 * 60 * 24 * 60
    """Lifetime of an unused refresh token (and so of an idle session) in seconds."""
    media_url_ttl_s: int = 60 * 60 * 6
    """How long a signed premium media URL stays valid, in seconds."""
    signin_limit: int = 10
    """Failed sign-ins allowed per account and per client address in ``rate_window_s``."""
    signup_limit: int = 5
    """Sign-ups allowed per client address in ``rate_window_s``."""
    rate_window_s: int = 300
    mailer: Literal["outbox", "smtp"] = "outbox"
    """``outbox`` writes messages as files to ``data_dir/outbox``; ``smtp`` sends them."""
    smtp_host: str = "localhost"
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = "Castwise <no-reply@localhost>"
    payment_provider: Literal["test"] = "test"
    """Only the built-in test provider ships; a real one implements ``service.payments.PaymentProvider``."""
    webhook_secret: str = ""
    """Signs payment webhooks; empty in development: derived from ``secret_key``."""
    allow_internal_fetch: bool = False
    """Allow fetching feeds from loopback/private addresses (tests and local development only)."""
    fetch_timeout_s: float = 10.0
    fetch_max_bytes: int = 5 * 1024 * 1024
    media_storage: Literal["local", "s3"] = "local"
    """Where premium uploads go: ``local`` (``data_dir/media``) or an S3-compatible bucket."""
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_endpoint_url: str = ""
    """Empty for AWS; the server's URL for MinIO, Ceph, R2 and other S3-compatible stores."""
    s3_region: str = ""
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    max_upload_bytes: int = 500 * 1024 * 1024
    max_body_bytes: int = 1024 * 1024
    """Largest JSON/form request body accepted, in bytes (uploads have their own limit)."""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    event_retention_days: int = 30
    """Live events older than this are pruned (a listener resuming from before re-reads instead)."""
    idempotency_retention_days: int = 30
    """Stored ``Idempotency-Key`` outcomes older than this are pruned (retries must come sooner)."""

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'castwise-service.sqlite3'}"

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @property
    def effective_webhook_secret(self) -> str:
        if self.webhook_secret:
            return self.webhook_secret
        import hashlib

        return hashlib.sha256(b"castwise-webhook:" + self.secret_key.encode()).hexdigest()

    @property
    def retention(self) -> Retention:
        """How long the interactive layer's live events and idempotency outcomes are kept."""
        from service.interactive.retention import Retention

        return Retention(events=timedelta(days=self.event_retention_days),
                         idempotency_keys=timedelta(days=self.idempotency_retention_days))

    def validated(self) -> Settings:
        """Return settings with a usable secret, or raise :class:`SettingsError`.

        Development with no secret gets one generated once and kept in ``data_dir/secret_key``
        (mode 0600), so tokens survive restarts.
        """
        secret = self.secret_key
        if secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < MIN_SECRET_LENGTH:
            if not self.is_development:
                raise SettingsError(
                    f"{ENV_PREFIX}SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                    "characters in production (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            secret = _development_secret(self.data_dir)
        if not self.is_development and self.webhook_secret.strip().lower() in PLACEHOLDER_SECRETS - {""}:
            raise SettingsError(f"{ENV_PREFIX}WEBHOOK_SECRET is a placeholder")
        if self.media_storage == "s3" and not self.s3_bucket:
            raise SettingsError(f"{ENV_PREFIX}S3_BUCKET is required when {ENV_PREFIX}MEDIA_STORAGE is s3")
        if self.event_retention_days < 1 or self.idempotency_retention_days < 1:
            raise SettingsError(f"{ENV_PREFIX}EVENT_RETENTION_DAYS and {ENV_PREFIX}IDEMPOTENCY_RETENTION_DAYS "
                                "must be at least 1 day")
        if not self.is_development and self.allow_internal_fetch:
            raise SettingsError(f"{ENV_PREFIX}ALLOW_INTERNAL_FETCH is for development and tests only")
        return _replace(self, secret_key=secret)


def _replace(settings: Settings, **changes: object) -> Settings:
    from dataclasses import replace

    return replace(settings, **changes)  # type: ignore[arg-type]


def _development_secret(data_dir: Path) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= MIN_SECRET_LENGTH:
            return value
    value = secrets.token_urlsafe(48)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def load_settings(environ: dict[str, str] | None = None, **overrides: object) -> Settings:
    """Read ``CASTWISE_SERVICE_*`` variables (then ``overrides``) and validate them."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    for item in fields(Settings):
        raw = environ.get(ENV_PREFIX + item.name.upper())
        if raw is None:
            continue
        values[item.name] = _convert(item.name, item.type, raw)
    values.update(overrides)
    try:
        settings = Settings(**values)  # type: ignore[arg-type]
    except TypeError as error:
        raise SettingsError(str(error)) from None
    if settings.environment not in ("development", "production"):
        raise SettingsError(f"{ENV_PREFIX}ENVIRONMENT must be development or production")
    if settings.media_storage not in ("local", "s3"):
        raise SettingsError(f"{ENV_PREFIX}MEDIA_STORAGE must be local or s3")
    return settings.validated()


def _convert(name: str, annotation: object, raw: str) -> object:
    kind = str(annotation)
    try:
        if kind == "bool":
            if raw.strip().lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.strip().lower() in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw).expanduser()
    except ValueError:
        raise SettingsError(f"{ENV_PREFIX}{name.upper()} has an invalid value") from None
    return raw
