"""The per-account live stream applies a purchase and a refund at once, and comes back after the
service was down."""

from __future__ import annotations

import queue

from sqlalchemy import select

from account.live import AccountLive
from account.premium import RestoreReport
from library.db.models import Episode, Podcast
from service.payments import CHARGE_REFUNDED
from tests.account.helpers import LISTENER_PASSWORD, client_for, premium_world, purchases_for
from tests.account.liveservice import LiveService
from tests.service.world import buy, claim_show, deliver, upload
from tests.support.httpserver import LocalHTTPServer

WAIT_S = 30


def _titles(library) -> dict[str, list[str]]:
    with library.session() as session:
        return {podcast.title: sorted(session.scalars(select(Episode.title).where(Episode.podcast_id == podcast.id)))
                for podcast in session.scalars(select(Podcast).order_by(Podcast.id))}


def test_a_purchase_and_a_refund_take_effect_while_the_app_runs(service: LiveService, http_server: LocalHTTPServer,
                                                               library) -> None:
    world = premium_world(service, http_server)
    _claim, second_show = claim_show(service.api, http_server, world.creator, title="Second Show", path="/second.xml")
    upload(service.api, world.creator, second_show, title="Members-only special")
    price = service.json("POST", f"/api/v1/shows/{second_show}/prices", world.creator.access_token,
                         json={"amount_cents": 700})
    applied: queue.Queue[RestoreReport] = queue.Queue()
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        live = AccountLive(purchases_for(client, library), on_applied=applied.put).start()
        try:
            first = applied.get(timeout=WAIT_S)  # on connecting: the show bought earlier
            assert [report.title for report in first.added] == ["Deep Dives"]

            _purchase, reference = buy(service.api, service.context, world.listener, price["id"])
            granted = applied.get(timeout=WAIT_S)
            assert [report.title for report in granted.added] == ["Second Show"]
            assert _titles(library)["Second Show"] == ["Members-only special"]

            deliver(service.api, service.context, CHARGE_REFUNDED, reference)
            revoked = applied.get(timeout=WAIT_S)
            assert [(feed.show_title, feed.reason) for feed in revoked.revoked] == [("Second Show", "refunded")]
            with library.session() as session:
                podcast = session.scalars(select(Podcast).where(Podcast.title == "Second Show")).one()
                assert podcast.last_error is not None and "refunded" in podcast.last_error
            assert live.purchases.premium.revoked_podcast_ids() == {podcast.id}
        finally:
            live.stop()
    assert not live.stream.running


def test_the_stream_reconnects_after_the_service_was_down_and_catches_up(
        service: LiveService, http_server: LocalHTTPServer, library) -> None:
    world = premium_world(service, http_server)
    applied: queue.Queue[RestoreReport] = queue.Queue()
    with client_for(service) as client:
        client.sign_in("listener", LISTENER_PASSWORD, device_name="desktop")
        live = AccountLive(purchases_for(client, library), on_applied=applied.put).start()
        try:
            assert [report.title for report in applied.get(timeout=WAIT_S).added] == ["Deep Dives"]
            service.stop()
            # Refunded while this app could not hear it.
            deliver(service.api, service.context, CHARGE_REFUNDED, world.reference)
            service.start()
            caught_up = applied.get(timeout=WAIT_S)
            assert [feed.show_title for feed in caught_up.revoked] == ["Deep Dives"]
            assert live.stream.connections == 2
        finally:
            live.stop()
