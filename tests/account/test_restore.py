"""Restore purchases: sign in on a new machine, fetch and verify the signed entitlement list,
subscribe the private feed from the service with its secret only in the keyring."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select

from account.client import ServiceClient
from account.entitlements import EntitlementStore, KeyPins
from account.errors import EntitlementVerificationError
from library.db.models import AuthKind, Episode, Podcast
from library.paths import resolve_paths
from library.secrets import SERVICE, SecretStore
from library.subscriptions import Subscriptions
from protocol.store import PublicKeyPublic
from service.payments import CHARGE_REFUNDED
from tests.account.helpers import LISTENER_PASSWORD, client_for, machine, premium_world, purchases_for
from tests.account.liveservice import LiveService
from tests.service.world import deliver
from tests.support.httpserver import LocalHTTPServer


def _premium_podcasts(library) -> list[tuple[Podcast, list[str]]]:
    with library.session() as session:
        podcasts = session.scalars(select(Podcast).order_by(Podcast.id)).all()
        return [(podcast, [episode.title for episode in session.scalars(
            select(Episode).where(Episode.podcast_id == podcast.id))]) for podcast in podcasts]


def test_restore_on_a_second_machine_subscribes_the_private_feed(
        service: LiveService, http_server: LocalHTTPServer, library, memory_keyring, monkeypatch,
        tmp_path: Path) -> None:
    world = premium_world(service, http_server)
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        first = purchases_for(client, library).restore()
    assert [report.outcome for report in first.added] == ["updated"]
    assert [titles for _podcast, titles in _premium_podcasts(library)] == [["Bonus episode"]]
    library.close()

    second = machine(tmp_path / "laptop", type(memory_keyring), monkeypatch)
    try:
        with client_for(service) as client:
            client.sign_in("listener@example.org", LISTENER_PASSWORD, device_name="laptop")
            report = purchases_for(client, second).restore()
            assert [item.show_id for item in purchases_for(client, second).premium.feeds()] == [world.show_id]
        ((podcast, titles),) = _premium_podcasts(second)
        assert titles == ["Bonus episode"] and report.added[0].podcast_id == podcast.id
        # The secret is in the keyring only: the database holds the stand-in address.
        assert podcast.feed_url.endswith(f"/feeds/{world.listener.id}/{world.show_id}/private.xml")
        assert podcast.auth_kind is AuthKind.URL_TOKEN
        private_url = json.loads(SecretStore().get(podcast.auth_ref or ""))["url"]
        token = private_url.rsplit("/", 1)[-1].removesuffix(".xml")
        assert len(token) > 20
        for path in resolve_paths().data.rglob("*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes(), path
        # A second restore changes nothing.
        with client_for(service) as client:
            again = purchases_for(client, second).restore()
        assert again.added == [] and [feed.show_id for feed in again.kept] == [world.show_id]
        assert len(_premium_podcasts(second)) == 1
    finally:
        second.close()


def test_a_refund_revokes_the_show_on_the_next_restore(service: LiveService, http_server: LocalHTTPServer,
                                                       library) -> None:
    world = premium_world(service, http_server)
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        purchases = purchases_for(client, library)
        purchases.restore()
        deliver(service.api, service.context, CHARGE_REFUNDED, world.reference)
        report = purchases.restore()
        assert [feed.show_id for feed in report.revoked] == [world.show_id]
        ((podcast, titles),) = _premium_podcasts(library)
        assert titles == ["Bonus episode"]  # what was there stays
        assert podcast.last_error is not None and "access to this premium show ended" in podcast.last_error
        assert SecretStore().get(podcast.auth_ref or "") is None
        assert purchases.premium.revoked_podcast_ids() == {podcast.id}
        # The library can no longer fetch it: no private address is left to ask with.
        (refreshed,) = Subscriptions(library).refresh([podcast.id])
        assert refreshed.outcome == "failed"
        # ...and the listener still reads why, rather than an error page's status.
        assert refreshed.message is not None and "access to this premium show ended" in refreshed.message
        ((podcast, _titles),) = _premium_podcasts(library)
        assert podcast.last_error is not None and "access to this premium show ended" in podcast.last_error


class _Tamperer(httpx.BaseTransport):
    """Someone between the app and the service who rewrites entitlement lists."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != "/api/v1/entitlements" or response.status_code != 200:
            return response
        body = json.loads(response.read())
        body["payload"] = body["payload"].replace('"show_id":', '"show_id":1', 1)
        return httpx.Response(200, json=body)


def test_a_tampered_list_is_refused_and_changes_nothing(service: LiveService, http_server: LocalHTTPServer,
                                                       library) -> None:
    premium_world(service, http_server)
    with ServiceClient(service.url, transport=_Tamperer()) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        with pytest.raises(EntitlementVerificationError, match="altered"):
            purchases_for(client, library).restore()
    assert _premium_podcasts(library) == []


def test_the_offline_cache_is_verified_again(service: LiveService, http_server: LocalHTTPServer, library,
                                             memory_keyring) -> None:
    world = premium_world(service, http_server)
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        store = EntitlementStore(client, pins=KeyPins(resolve_paths().data / "pins.json"))
        fetched = store.fetch()
        service.stop()  # offline from here on
        cached = store.current()
        assert cached.offline and cached.entitlements == fetched.entitlements
        assert [item.show_id for item in cached.entitlements.entitlements] == [world.show_id]
        key = (SERVICE, f"entitlements:{service.url}")
        document = json.loads(memory_keyring.store[key])
        document["payload"] = document["payload"].replace(f'"account_id":{world.listener.id}', '"account_id":999')
        memory_keyring.store[key] = json.dumps(document)
        with pytest.raises(EntitlementVerificationError):
            store.current()


def test_a_service_presenting_another_key_is_refused(service: LiveService, http_server: LocalHTTPServer,
                                                     library) -> None:
    premium_world(service, http_server)
    impostor = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    import base64

    pins = KeyPins(resolve_paths().data / "pins.json")
    pins.pin(service.url, PublicKeyPublic(key_id="0123456789abcdef",
                                          public_key=base64.urlsafe_b64encode(impostor).decode().rstrip("=")))
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        with pytest.raises(EntitlementVerificationError, match="not the pinned key"):
            EntitlementStore(client, pins=pins).fetch()


def test_private_addresses_stay_out_of_logs_and_sign_out_clears_the_account_secrets(
        service: LiveService, http_server: LocalHTTPServer, library, memory_keyring, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    premium_world(service, http_server)
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        purchases_for(client, library).restore()
        Subscriptions(library).refresh()
        ((podcast, _titles),) = _premium_podcasts(library)
        private_url = json.loads(SecretStore().get(podcast.auth_ref or ""))["url"]
        token = private_url.rsplit("/", 1)[-1].removesuffix(".xml")
        assert not [record.getMessage() for record in caplog.records if token in record.getMessage()]
        assert client.sign_out() is True
    left = {key for _service, key in memory_keyring.store}
    assert left == {podcast.auth_ref}  # the premium feed keeps working; the account is forgotten


class _Replayer(httpx.BaseTransport):
    """Someone who recorded an earlier (correctly signed) entitlement list and serves it again."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.recorded: bytes | None = None
        self.replay = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path != "/api/v1/entitlements":
            return response
        body = response.read()
        if self.replay and self.recorded is not None:
            return httpx.Response(200, content=self.recorded, headers={"content-type": "application/json"})
        self.recorded = self.recorded or body
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})


def test_a_replayed_older_list_is_refused(service: LiveService, http_server: LocalHTTPServer, library) -> None:
    world = premium_world(service, http_server)
    replayer = _Replayer()
    with ServiceClient(service.url, transport=replayer) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        purchases = purchases_for(client, library)
        purchases.restore()  # recorded while the show was bought
        deliver(service.api, service.context, CHARGE_REFUNDED, world.reference)
        assert [feed.show_id for feed in purchases.restore().revoked] == [world.show_id]
        replayer.replay = True
        with pytest.raises(EntitlementVerificationError, match="older"):
            purchases.restore()
    assert purchases.premium.revoked_podcast_ids() != set()


def test_a_premium_show_the_listener_removed_comes_back_only_on_an_explicit_restore(
        service: LiveService, http_server: LocalHTTPServer, library) -> None:
    premium_world(service, http_server)
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        purchases = purchases_for(client, library)
        purchases.restore()
        ((podcast, _titles),) = _premium_podcasts(library)
        Subscriptions(library, secrets=SecretStore()).unsubscribe(podcast.id)
        assert purchases.restore(readd_removed=False).added == []  # what the live stream does
        assert _premium_podcasts(library) == []
        assert [report.title for report in purchases.restore().added] == ["Deep Dives"]


def test_an_unreachable_service_never_writes_the_private_feed_token_to_the_library(
        service: LiveService, http_server: LocalHTTPServer, library) -> None:
    premium_world(service, http_server)
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        purchases_for(client, library).restore()
    ((podcast, _titles),) = _premium_podcasts(library)
    private_url = json.loads(SecretStore().get(podcast.auth_ref or ""))["url"]
    token = private_url.rsplit("/", 1)[-1].removesuffix(".xml")
    service.close()  # the service is down: the refresh fails and records why

    (report,) = Subscriptions(library).refresh([podcast.id])

    assert report.outcome == "failed" and report.message
    assert token not in report.message
    with library.session() as session:
        stored = session.get(Podcast, podcast.id)
        assert stored is not None and stored.last_error
        assert token not in stored.last_error
    library.close()
    for path in resolve_paths().data.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
