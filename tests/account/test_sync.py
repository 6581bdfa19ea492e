"""Cross-device sync through the service's gpodder.net API: subscriptions and progress follow the
listener from one machine to another; private feeds never leave the machine."""

from __future__ import annotations

from pathlib import Path

import keyring
from sqlalchemy import select

from account.sync import GpodderSync
from library.db.engine import Library
from library.db.models import Episode, PlaybackState, Podcast
from library.paths import resolve_paths
from library.secrets import SecretStore
from library.subscriptions import Subscriptions
from service.models import EpisodeAction, SubscriptionChange
from tests.account.helpers import LISTENER_PASSWORD, client_for, machine, premium_world, purchases_for
from tests.account.liveservice import LiveService
from tests.support.httpserver import LocalHTTPServer, Resource

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Open Show</title><link>https://example.org/</link><description>d</description>
<item><title>Pilot</title><guid>open-1</guid><enclosure url="https://media.example.org/pilot.mp3" length="1000"
 type="audio/mpeg"/><itunes:duration xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">1800</itunes:duration>
</item></channel></rss>"""


def _sync(service: LiveService, library: Library, device: str) -> GpodderSync:
    client = client_for(service)
    if client.session is None:
        client.sign_in("listener", LISTENER_PASSWORD, device_name=device)
    return GpodderSync(client, library, Subscriptions(library, secrets=SecretStore()),
                       state_path=resolve_paths().data / "account.sqlite3", device_name=device)


def _position(library: Library, guid: str) -> tuple[int, bool] | None:
    with library.session() as session:
        episode = session.scalars(select(Episode).where(Episode.guid == guid)).one()
        state = session.get(PlaybackState, episode.id)
        return (state.position_ms, state.played) if state else None


def _feeds(library: Library) -> list[str]:
    with library.session() as session:
        return list(session.scalars(select(Podcast.feed_url).order_by(Podcast.id)))


def test_subscriptions_and_progress_follow_the_listener_to_another_machine(
        service: LiveService, http_server: LocalHTTPServer, library, memory_keyring, monkeypatch,
        tmp_path: Path, castwise_home: Path) -> None:
    world = premium_world(service, http_server)
    feed_url = http_server.add("/open.xml", Resource(body=FEED, content_type="application/rss+xml"))
    desktop_keyring = memory_keyring

    def on_desktop() -> GpodderSync:
        keyring.set_keyring(desktop_keyring)
        monkeypatch.setenv("CASTWISE_HOME", str(castwise_home))
        return _sync(service, library, "desktop")

    desktop = on_desktop()
    purchases_for(desktop.client, library).restore()  # a premium show: must never be synced
    Subscriptions(library).subscribe(feed_url)
    with library.transaction() as session:
        episode = session.scalars(select(Episode).where(Episode.guid == "open-1")).one()
        session.add(PlaybackState(episode_id=episode.id, position_ms=90_500))
    first = desktop.run()
    assert first.uploaded_subscriptions == [feed_url] and first.uploaded_actions == 1

    laptop_library = machine(tmp_path / "laptop", type(memory_keyring), monkeypatch)
    laptop_keyring = keyring.get_keyring()
    try:
        laptop = _sync(service, laptop_library, "laptop")
        report = laptop.run()
        assert [item.url for item in report.subscribed] == [feed_url] and report.applied_actions == 1
        assert _feeds(laptop_library) == [feed_url]
        assert _position(laptop_library, "open-1") == (90_000, False)
        with laptop_library.transaction() as session:  # finished on the laptop
            episode = session.scalars(select(Episode).where(Episode.guid == "open-1")).one()
            state = session.get(PlaybackState, episode.id)
            assert state is not None
            state.position_ms, state.played = 1_800_000, True
        assert laptop.run().uploaded_actions == 1

        desktop = on_desktop()
        assert desktop.run().applied_actions == 1
        assert _position(library, "open-1") == (1_800_000, True)

        keyring.set_keyring(laptop_keyring)
        monkeypatch.setenv("CASTWISE_HOME", str(tmp_path / "laptop"))
        with laptop_library.session() as session:
            podcast_id = session.scalars(select(Podcast.id).where(Podcast.feed_url == feed_url)).one()
        Subscriptions(laptop_library).unsubscribe(podcast_id)  # then unsubscribed on the laptop
        laptop.run()
    finally:
        laptop_library.close()

    desktop = on_desktop()
    assert desktop.run().removed_remotely == [feed_url]
    with service.context.sessions() as db:
        uploaded = list(db.scalars(select(SubscriptionChange.url))) + list(db.scalars(select(EpisodeAction.episode)))
    assert uploaded and not [url for url in uploaded if "/feeds/" in url or "/media/" in url]
    # The premium show stayed on the desktop only.
    assert _feeds(library) == [f"{service.url}/feeds/{world.listener.id}/{world.show_id}/private.xml"]
