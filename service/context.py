"""The service's object graph, built once per application by :func:`build_context`.

Routes reach it through ``deps.ContextDep``; tests build their own with their own settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.db import make_engine, make_sessionmaker
from service.events import EventHub, PostgresFanout
from service.mailer import Mailer, OutboxMailer, SmtpMailer
from service.payments import TestPaymentProvider
from service.security import PasswordHashing, TokenSigner
from service.settings import Settings
from service.signing import EntitlementSigner, UrlSigner
from service.storage import LocalFolderStorage, MediaStorage, S3Storage


@dataclass
class ServiceContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    passwords: PasswordHashing
    tokens: TokenSigner
    urls: UrlSigner
    entitlement_signer: EntitlementSigner
    mailer: Mailer
    storage: MediaStorage
    payments: TestPaymentProvider
    events: EventHub

    def close(self) -> None:
        """Stop background listeners and close database connections."""
        self.events.close()
        self.engine.dispose()


def build_context(settings: Settings, *, engine: Engine | None = None) -> ServiceContext:
    """Wire settings -> database -> collaborators. ``settings`` must already be validated."""
    engine = engine or make_engine(settings.database)
    mailer: Mailer
    if settings.mailer == "smtp":
        mailer = SmtpMailer(host=settings.smtp_host, port=settings.smtp_port, user=settings.smtp_user,
                            password=settings.smtp_password, sender=settings.mail_from)
    else:
        mailer = OutboxMailer(settings.data_dir / "outbox")
    return ServiceContext(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        passwords=PasswordHashing(time_cost=settings.argon2_time_cost, memory_kib=settings.argon2_memory_kib),
        tokens=TokenSigner(settings.secret_key),
        urls=UrlSigner(settings.secret_key),
        entitlement_signer=EntitlementSigner.load_or_create(settings.data_dir / "entitlement_signing_key.pem"),
        mailer=mailer,
        storage=_storage(settings),
        payments=TestPaymentProvider(secret=settings.effective_webhook_secret, public_url=settings.public_url),
        events=EventHub(fanout=_fanout(engine)),
    )


def _storage(settings: Settings) -> MediaStorage:
    if settings.media_storage == "s3":
        return S3Storage(bucket=settings.s3_bucket, prefix=settings.s3_prefix, endpoint_url=settings.s3_endpoint_url,
                         region=settings.s3_region, access_key_id=settings.s3_access_key_id,
                         secret_access_key=settings.s3_secret_access_key)
    return LocalFolderStorage(settings.data_dir / "media")


def _fanout(engine: Engine) -> PostgresFanout | None:
    if engine.dialect.name != "postgresql":
        return None
    return PostgresFanout(engine.url.set(drivername="postgresql").render_as_string(hide_password=False))
