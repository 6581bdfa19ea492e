"""Secrets (private feed credentials and tokens, account tokens) in the OS keyring.

Each secret is a string stored under Castwise's service name and a key such as ``feed:3f2a...``.
When no usable keyring backend exists (a headless Linux box without Secret Service, say),
:class:`SecretStore` does not fall back silently: it calls ``confirm_plaintext(message)`` and
stores the secret in a plain-text file readable only by the listener (mode 0600) when, and only
when, the listener agrees. Without a callback, or when the listener declines, it raises
:class:`SecretStorageError` and stores nothing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from library.errors import CastwiseError, ErrorKind

log = logging.getLogger(__name__)

SERVICE = "Castwise"
"""The keyring service name every Castwise secret is filed under."""

PLAINTEXT_FILE = "secrets-plaintext.json"
"""File name (in the config folder) used only after the listener agreed to plain-text storage."""

ConfirmPlaintext = Callable[[str], bool]
"""Asked before storing a secret outside a keyring; gets a message, returns the listener's answer."""


class SecretStorageError(CastwiseError):
    """A secret could not be stored or read; nothing was written in plain text."""

    kind = ErrorKind.FATAL


def keyring_available() -> bool:
    """True when the active keyring backend can store secrets (not the fail/null backends)."""
    try:
        import keyring
        from keyring.backends import chainer, fail
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring) or type(backend).__module__.endswith("backends.null"):
        return False
    # The chainer with nothing to chain is what keyring picks when no real backend exists.
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


class SecretStore:
    """Get, set and delete secrets by key. Keyring first; plain text only with consent.

    ``plaintext_folder`` is where the consented plain-text file lives (normally
    ``Paths.config``); ``confirm_plaintext`` asks the listener (the CLI prompts, the GUI shows a
    dialog).
    """

    def __init__(
        self,
        plaintext_folder: Path | None = None,
        *,
        confirm_plaintext: ConfirmPlaintext | None = None,
    ) -> None:
        self.plaintext_folder = plaintext_folder
        self.confirm_plaintext = confirm_plaintext

    @property
    def _plaintext_path(self) -> Path | None:
        return None if self.plaintext_folder is None else self.plaintext_folder / PLAINTEXT_FILE

    def _read_plaintext(self) -> dict[str, str]:
        path = self._plaintext_path
        if path is None or not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise SecretStorageError(f"The secrets file {path} cannot be read: {error}") from error
        return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}

    def _write_plaintext(self, secrets: dict[str, str]) -> None:
        path = self._plaintext_path
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        # Created with 0600 from the start: the secret is never readable by others, not even briefly.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(secrets, handle)
        os.replace(temporary, path)

    def set(self, key: str, secret: str) -> None:
        """Store ``secret`` under ``key`` (replacing any previous one).

        Raises :class:`SecretStorageError` when no keyring works and the listener did not agree
        to plain-text storage.
        """
        if keyring_available():
            import keyring
            from keyring.errors import KeyringError

            try:
                keyring.set_password(SERVICE, key, secret)
                return
            except KeyringError as error:
                log.warning("the keyring refused a secret (%s)", type(error).__name__)
        message = (
            "No system keyring is available to keep this password or private feed token safe. "
            "Store it in a plain-text file readable only by you?"
        )
        if self._plaintext_path is None or self.confirm_plaintext is None or not self.confirm_plaintext(message):
            raise SecretStorageError(
                "No system keyring is available and storing the secret in plain text was not allowed; "
                "nothing was saved. Install or unlock a keyring (e.g. GNOME Keyring, KWallet) and try again."
            )
        secrets = self._read_plaintext()
        secrets[key] = secret
        self._write_plaintext(secrets)

    def get(self, key: str) -> str | None:
        """The secret stored under ``key``, or ``None``."""
        if keyring_available():
            import keyring
            from keyring.errors import KeyringError

            try:
                found = keyring.get_password(SERVICE, key)
            except KeyringError as error:
                raise SecretStorageError(f"The keyring could not be read ({type(error).__name__}).") from error
            if found is not None:
                return found
        return self._read_plaintext().get(key)

    def delete(self, key: str) -> None:
        """Forget ``key`` everywhere it may be; no error when it was not stored."""
        if keyring_available():
            import keyring
            from keyring.errors import KeyringError, PasswordDeleteError

            try:
                keyring.delete_password(SERVICE, key)
            except PasswordDeleteError:
                pass
            except KeyringError as error:
                log.warning("the keyring refused to delete a secret (%s)", type(error).__name__)
        secrets = self._read_plaintext()
        if secrets.pop(key, None) is not None:
            self._write_plaintext(secrets)
