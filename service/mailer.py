"""Outgoing mail behind one small interface: a file outbox (development, tests) or SMTP.

Messages carry one-time links; the mailer never logs their bodies.
"""

from __future__ import annotations

import json
import os
import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol


class Mailer(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> None:
        """Deliver one plain-text message or raise ``OSError``."""


class OutboxMailer:
    """Writes each message as a JSON file into ``folder`` (newest sorts last)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, *, to: str, subject: str, body: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}.json"
        temporary = self.folder / (name + ".part")
        temporary.write_text(json.dumps({"to": to, "subject": subject, "body": body}), encoding="utf-8")
        temporary.replace(self.folder / name)

    def messages(self) -> list[dict[str, str]]:
        """Every delivered message, oldest first (what tests and developers read)."""
        if not self.folder.is_dir():
            return []
        return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(self.folder.glob("*.json"))]


class SmtpMailer:
    """Sends through an SMTP server with STARTTLS (port 587) or implicit TLS (port 465)."""

    def __init__(self, *, host: str, port: int, user: str, password: str, sender: str) -> None:
        self._host, self._port, self._user, self._password, self._sender = host, port, user, password, sender

    def send(self, *, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self._sender, to, subject
        message.set_content(body)
        if self._port == 465:
            with smtplib.SMTP_SSL(self._host, self._port, timeout=30) as client:
                self._deliver(client, message)
        else:
            with smtplib.SMTP(self._host, self._port, timeout=30) as client:
                client.starttls()
                self._deliver(client, message)

    def _deliver(self, client: smtplib.SMTP, message: EmailMessage) -> None:
        if self._user:
            client.login(self._user, self._password)
        client.send_message(message)
