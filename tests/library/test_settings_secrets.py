"""Typed settings stored in the library; secrets in the keyring (or plain text only with consent);
URL redaction."""

from __future__ import annotations

import stat
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

from library.db import open_library
from library.db.models import Setting as SettingRow
from library.paths import resolve_paths
from library.redact import has_credentials, public_url, redact_text, redact_url
from library.secrets import PLAINTEXT_FILE, SecretStorageError, SecretStore, keyring_available
from library.settings import (
    DELETE_PLAYED_AFTER_DAYS,
    PLAYBACK_SPEED,
    REGISTRY,
    SKIP_FORWARD_S,
    THEME,
    SettingError,
    Settings,
)


def test_settings_default_typed_and_persisted() -> None:
    with open_library() as library:
        settings = Settings(library)
        assert settings.get(SKIP_FORWARD_S) == 30
        assert settings.get(DELETE_PLAYED_AFTER_DAYS) is None
        settings.set(PLAYBACK_SPEED, 2)  # an int is a fine float
        settings.set(THEME, "dark")
        settings.set(DELETE_PLAYED_AFTER_DAYS, 7)
    with open_library() as library:
        settings = Settings(library)
        assert settings.get(PLAYBACK_SPEED) == 2.0 and isinstance(settings.get(PLAYBACK_SPEED), float)
        assert settings.get(THEME) == "dark"
        assert settings.get(DELETE_PLAYED_AFTER_DAYS) == 7
        settings.reset(THEME)
        assert settings.get(THEME) == "system"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (PLAYBACK_SPEED, 5.0, "at most 3"),
        (PLAYBACK_SPEED, "fast", "must be float"),
        (SKIP_FORWARD_S, True, "must be int"),
        (THEME, "purple", "one of system, light, dark"),
        (SKIP_FORWARD_S, None, "needs a value"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_stored(setting: object, value: object, message: str) -> None:
    with open_library() as library:
        settings = Settings(library)
        with pytest.raises(SettingError, match=message):
            settings.set(setting, value)  # type: ignore[arg-type]
        with library.session() as session:
            assert session.query(SettingRow).count() == 0


def test_invalid_stored_values_fall_back_to_defaults_with_a_note() -> None:
    with open_library() as library:
        with library.transaction() as session:
            session.add(SettingRow(key=SKIP_FORWARD_S.key, value="thirty"))
            session.add(SettingRow(key=PLAYBACK_SPEED.key, value=1.25))
            session.add(SettingRow(key="from.a.newer.castwise", value=[1, 2]))
        settings = Settings(library)
        assert settings.get(SKIP_FORWARD_S) == 30
        assert settings.get(PLAYBACK_SPEED) == 1.25
        assert len(settings.problems) == 1 and settings.problems[0].startswith("playback.skip_forward_s must be int")


def test_every_declared_setting_is_described() -> None:
    for key, setting in REGISTRY.items():
        assert setting.description.strip(), key
        setting.validate(setting.default)


def test_secrets_live_in_the_keyring(memory_keyring: object) -> None:
    store = SecretStore(resolve_paths().config)
    assert keyring_available()
    store.set("feed:1", "hunter22")
    assert store.get("feed:1") == "hunter22"
    assert memory_keyring.store == {("Castwise", "feed:1"): "hunter22"}  # type: ignore[attr-defined]
    store.delete("feed:1")
    store.delete("feed:1")  # forgetting twice is fine
    assert store.get("feed:1") is None
    assert not (resolve_paths().config / PLAINTEXT_FILE).exists()


@pytest.fixture
def no_keyring() -> object:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def test_without_a_keyring_nothing_is_stored_unless_the_listener_agrees(no_keyring: object) -> None:
    folder = resolve_paths().config
    questions: list[str] = []
    assert not keyring_available()
    with pytest.raises(SecretStorageError, match="nothing was saved"):
        SecretStore(folder).set("feed:1", "hunter22")  # nobody to ask
    declining = SecretStore(folder, confirm_plaintext=lambda message: questions.append(message) or False)
    with pytest.raises(SecretStorageError):
        declining.set("feed:1", "hunter22")
    assert "No system keyring" in questions[0]
    assert not (folder / PLAINTEXT_FILE).exists()

    agreeing = SecretStore(folder, confirm_plaintext=lambda message: True)
    agreeing.set("feed:1", "hunter22")
    path: Path = folder / PLAINTEXT_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert agreeing.get("feed:1") == "hunter22"
    agreeing.delete("feed:1")
    assert agreeing.get("feed:1") is None


def test_urls_lose_credentials_and_tokens() -> None:
    url = "https://ann:pa55@example.org/rss/creator?auth=abc123&amp;ep=5&token=xyz"
    assert has_credentials(url)
    assert not has_credentials("https://example.org/feed.xml?format=mp3")
    assert public_url(url) == "https://example.org/rss/creator?ep=5"
    assert redact_url(url) == "https://***@example.org/rss/creator?auth=***&amp;ep=***&token=***"
    assert public_url("https://example.org/f?Key=1&x=2") == "https://example.org/f?x=2"
    text = f"GET {url} failed; password pa55word was wrong"
    cleaned = redact_text(text, secrets=["pa55word"])
    assert "abc123" not in cleaned and "xyz" not in cleaned and "pa55" not in cleaned
    assert cleaned.endswith("password *** was wrong")


def test_logged_urls_mask_every_query_value_even_unknown_token_names() -> None:
    # Supercast-style tokens travel under names no list can know; public_url keeps them (the feed
    # needs them and they are not known secrets), but a log line never shows them.
    supercast = "https://castwise-show.supercast.com/feeds/Xk29sLm0Qz8?subscriber=u7Hh3kLq91"
    assert public_url(supercast) == supercast
    assert redact_url(supercast) == "https://castwise-show.supercast.com/feeds/Xk29sLm0Qz8?subscriber=***"
    assert "u7Hh3kLq91" not in redact_text(f"refresh of {supercast} failed")
    assert redact_url("https://user:pw@host.test/feed?auth=abc&x=") == "https://***@host.test/feed?auth=***&x="
    assert redact_url("http://host.test:8080/f?token") == "http://host.test:8080/f?***"
    assert redact_url("https://host.test/f#access=abc") == "https://host.test/f#***"
    assert "pw" not in redact_url("https://user:pw@host.test/")
    assert redact_url("garbage with spaces") == "***"
    assert redact_url("") == ""
