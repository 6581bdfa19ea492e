"""Signing in and out against the real service: tokens in the keyring, refresh with rotation,
device sessions, and clear errors for a wrong password, a dead service or an ended session."""

from __future__ import annotations

import dataclasses
import json

import pytest

from account.client import ServiceClient
from account.errors import (
    NotSignedInError,
    ServiceUnavailableError,
    SessionExpiredError,
    WrongCredentialsError,
)
from library.secrets import SERVICE
from tests.account.helpers import PASSWORD, client_for, sign_up
from tests.account.liveservice import LiveService, free_port


def test_sign_in_keeps_tokens_in_the_keyring_and_nowhere_else(service: LiveService, memory_keyring, castwise_home) -> None:
    sign_up(service, "ada")
    with client_for(service) as client:
        stored = client.sign_in("ada@example.org", PASSWORD, device_name="Ada's laptop")
        assert client.me().username == "ada"
    entry = json.loads(memory_keyring.store[(SERVICE, f"account:{service.url}")])
    assert entry["refresh_token"] == stored.refresh_token and entry["access_token"] == stored.access_token
    for path in castwise_home.rglob("*"):  # no token, and never the password, on disk
        if path.is_file():
            content = path.read_bytes()
            assert stored.refresh_token.encode() not in content and PASSWORD.encode() not in content


def test_a_wrong_password_is_a_clear_error_and_stores_nothing(service: LiveService, memory_keyring) -> None:
    sign_up(service, "ada")
    with client_for(service) as client, pytest.raises(WrongCredentialsError, match="Wrong e-mail address or password"):
        client.sign_in("ada@example.org", "not the password", device_name="laptop")
    assert memory_keyring.store == {}


def test_an_unreachable_service_is_a_temporary_error() -> None:
    with ServiceClient(f"http://127.0.0.1:{free_port()}") as client, \
            pytest.raises(ServiceUnavailableError, match="cannot be reached") as caught:
        client.sign_in("ada@example.org", PASSWORD, device_name="laptop")
    assert caught.value.kind == "temporary"


def test_an_expiring_access_token_is_refreshed_and_the_refresh_token_rotated(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as client:
        first = client.sign_in("ada", PASSWORD, device_name="laptop")
        # The access token's lifetime has run out by this machine's clock: refreshed before use.
        client.sessions.save(dataclasses.replace(first, access_expires_at_s=0.0))
        assert client.me().username == "ada"
        second = client.session
        assert second is not None
        # (The access token may be byte-identical: same claims within the same second.)
        assert second.refresh_token != first.refresh_token and second.access_expires_at_s > 1e9
        assert second.session_id == first.session_id


def test_an_access_token_the_service_calls_expired_is_refreshed_once(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as client:
        first = client.sign_in("ada", PASSWORD, device_name="laptop")
        expired = service.context.tokens.issue(user_id=client.me().id, session_id=first.session_id, ttl_s=-60)
        # The clocks disagree: this machine thinks the token is good for an hour more.
        client.sessions.save(dataclasses.replace(first, access_token=expired))
        assert [session.current for session in client.device_sessions()] == [True]
        assert client.session is not None and client.session.refresh_token != first.refresh_token


def test_a_replayed_refresh_token_ends_the_session_for_everyone(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as client:
        first = client.sign_in("ada", PASSWORD, device_name="laptop")
        client.sessions.save(dataclasses.replace(first, access_expires_at_s=0.0))
        client.me()  # rotates
        # Someone copied the old tokens: their refresh presents the rotated token again.
        thief = dataclasses.replace(first, access_expires_at_s=0.0)
        client.sessions.save(thief)
        with pytest.raises(SessionExpiredError, match="sign in again"):
            client.me()
        assert client.session is None
    with client_for(service) as other:
        other.sessions.save(dataclasses.replace(first, access_expires_at_s=0.0))
        with pytest.raises(SessionExpiredError):
            other.me()


def test_sessions_are_listed_and_another_device_can_be_signed_out(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as laptop:
        laptop.sign_in("ada", PASSWORD, device_name="laptop")
        phone_tokens = service.json("POST", "/api/v1/auth/signin",
                                    json={"login": "ada", "password": PASSWORD, "device_name": "phone"})
        sessions = laptop.device_sessions()
        assert [(item.device_name, item.current) for item in sessions] == [("laptop", True), ("phone", False)]
        laptop.revoke_session(phone_tokens["session_id"])
        assert [item.device_name for item in laptop.device_sessions()] == ["laptop"]
    refused = service.api.get("/api/v1/account", headers={"Authorization": f"Bearer {phone_tokens['access_token']}"})
    assert refused.status_code == 401


def test_sign_out_ends_the_session_on_the_service_and_forgets_it_here(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as client:
        stored = client.sign_in("ada", PASSWORD, device_name="laptop")
        assert client.sign_out() is True
        assert client.session is None
        with pytest.raises(NotSignedInError):
            client.me()
    refused = service.api.get("/api/v1/account", headers={"Authorization": f"Bearer {stored.access_token}"})
    assert refused.status_code == 401


def test_a_session_revoked_elsewhere_asks_to_sign_in_again(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as client:
        stored = client.sign_in("ada", PASSWORD, device_name="laptop")
        other = service.json("POST", "/api/v1/auth/signin", json={"login": "ada", "password": PASSWORD})
        service.json("DELETE", f"/api/v1/sessions/{stored.session_id}", token=other["access_token"])
        with pytest.raises(SessionExpiredError, match="sign in again"):
            client.me()
        assert client.session is None


def test_two_processes_refreshing_one_session_do_not_trip_reuse_detection(service: LiveService) -> None:
    sign_up(service, "ada")
    with client_for(service) as gui, client_for(service) as command_line:
        first = gui.sign_in("ada", PASSWORD, device_name="laptop")
        expired = dataclasses.replace(first, access_expires_at_s=0.0)
        gui.sessions.save(expired)
        assert command_line.session == expired  # both processes hold the same expiring tokens
        assert gui.me().username == "ada"  # the GUI rotates first
        # The command line's copy is stale; presenting its refresh token again would end the session.
        assert command_line.session is not None and command_line.session.refresh_token == first.refresh_token
        assert command_line.me().username == "ada"
        assert command_line.session.refresh_token == gui.session.refresh_token != first.refresh_token
        assert [item.device_name for item in gui.device_sessions()] == ["laptop"]
