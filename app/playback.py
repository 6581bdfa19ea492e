"""Playback wired into the library (no Qt): what the controller needs, and where its hooks go.

:class:`PlaybackStore` turns library rows into the player's plain data and stores what the
controller reports:

- :meth:`PlaybackStore.media_for`: an episode as :class:`player.controller.EpisodeMedia` (the
  downloaded file when complete, else the enclosure URL; the saved position unless the episode
  was finished; chapters from the feed or the file; the podcast's and the episode's speed).
- :meth:`PlaybackStore.save_checkpoint`: ``playback_states`` (position in milliseconds, played,
  completed_at), one short transaction each, so a killed process loses at most the time since
  the last checkpoint (the controller saves at least every 2 s of playback).
- :meth:`PlaybackStore.record_event`: ``listening_events`` rows for the recommender.
- :meth:`PlaybackStore.load_queue` / :meth:`PlaybackStore.save_queue`: ``queue_entries``.

:func:`connect` hooks a controller (and its queue) to a store; :func:`fetch_remote_chapters` gives
episodes whose feed names a ``podcast:chapters`` document (and has no inline chapters) their
chapters once it is fetched in the background; :func:`create_engine` builds the VLC engine,
falling back to the silent null engine when VLC is missing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from library.db.engine import Library
from library.db.lookup import resolve_episode
from library.db.models import Episode, ListeningEvent, ListeningEventKind, PlaybackState, Podcast, QueueEntry
from library.errors import CastwiseError, ErrorKind
from player.controller import EpisodeMedia, PlaybackController, PositionCheckpoint
from player.controller import ListeningEvent as PlayerEvent
from player.engine import Engine, validate_rate
from player.queue import PlayQueue

if TYPE_CHECKING:
    from library.episode_documents import EpisodeDocuments

log = logging.getLogger(__name__)

RATINGS: dict[str, ListeningEventKind] = {
    "like": ListeningEventKind.LIKE,
    "not-interested": ListeningEventKind.NOT_INTERESTED,
    "clear": ListeningEventKind.CLEAR_RATING,
}
"""The words ``castwise rate`` accepts and the listening event each records."""


class LiveEpisodeError(CastwiseError):
    """The listener asked to play a ``podcast:liveItem`` stream: Castwise does not play live
    episodes yet. ``str(error)`` says so in words a listener reads."""

    kind = ErrorKind.BAD_INPUT


class PlaybackStore:
    """Reads and writes the library's playback tables; every method is one short transaction."""

    def __init__(self, library: Library) -> None:
        self.library = library

    # -- episodes -> player data ---------------------------------------------------------------

    def resolve(self, reference: str) -> int:
        """The episode id for ``reference`` (id, guid or enclosure URL); NotFoundError otherwise."""
        with self.library.session() as session:
            return resolve_episode(session, reference).id

    def title_of(self, episode_id: int) -> str:
        with self.library.session() as session:
            episode = session.get(Episode, episode_id)
            return episode.title if episode is not None else f"episode {episode_id}"

    def media_to_play(self, episode_id: int) -> EpisodeMedia | None:
        """:meth:`media_for` for a listener's explicit Play: a live item raises
        :class:`LiveEpisodeError` (the reason to show) instead of quietly giving None."""
        with self.library.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is not None and episode.live_status is not None:
                raise LiveEpisodeError(
                    f"\u201c{episode.title}\u201d is a live episode: live episodes are not supported yet."
                )
        return self.media_for(episode_id)

    def media_for(self, episode_id: int) -> EpisodeMedia | None:
        """The episode as the player's plain data, or None if it is gone, has no audio, or is a
        live stream (``podcast:liveItem``: not supported yet, so Up Next skips it)."""
        from library.downloads.episodes import local_path_for

        with self.library.session() as session:
            episode = session.get(Episode, episode_id)
            if episode is None or episode.live_status is not None:
                return None
            local = local_path_for(episode, session)
            location = str(local) if local is not None else episode.enclosure_url
            if not location:
                return None
            state = session.get(PlaybackState, episode_id)
            podcast = session.get(Podcast, episode.podcast_id)
            start_ms = 0
            if state is not None and not state.played:
                start_ms = max(0, state.position_ms)
            return EpisodeMedia(
                episode_id=episode.id,
                location=location,
                start_ms=start_ms,
                duration_ms=episode.duration_ms,
                chapters=_chapters(episode.chapters, local),
                podcast_rate=podcast.default_speed if podcast is not None else None,
                episode_rate=state.speed if state is not None else None,
                title=episode.title,
            )

    # -- what the controller reports -------------------------------------------------------------

    def save_checkpoint(self, checkpoint: PositionCheckpoint) -> None:
        """Store the position; a completed episode is marked played (and restarts next time)."""
        with self.library.transaction() as session:
            state = session.get(PlaybackState, checkpoint.episode_id)
            if state is None:
                if session.get(Episode, checkpoint.episode_id) is None:
                    return  # deleted while playing: nothing to keep
                state = PlaybackState(episode_id=checkpoint.episode_id)
                session.add(state)
            state.position_ms = max(0, checkpoint.position_ms)
            if checkpoint.completed and not state.played:
                state.played = True
                state.completed_at = datetime.now(UTC)
            elif not checkpoint.completed and state.played and checkpoint.position_ms > 0:
                # Listening again after finishing: in progress (not played) until it ends again.
                state.played = False

    def record_event(self, event: PlayerEvent) -> None:
        """Store one listening event (play, pause, seek, skip, rate_change, complete)."""
        with self.library.transaction() as session:
            if session.get(Episode, event.episode_id) is None:
                return
            session.add(
                ListeningEvent(
                    episode_id=event.episode_id,
                    kind=ListeningEventKind(event.kind.value),
                    position_ms=event.position_ms,
                    from_ms=event.from_ms,
                    to_ms=event.to_ms,
                    rate=event.rate,
                    at=datetime.fromtimestamp(event.at, UTC),
                )
            )

    def rate(self, episode_id: int, rating: str) -> ListeningEventKind:
        """Record the listener's ``like``, ``not-interested`` or ``clear`` for an episode."""
        kind = RATINGS.get(rating)
        if kind is None:
            raise CastwiseError(f"Unknown rating {rating!r}; use one of: {', '.join(RATINGS)}.", kind=ErrorKind.BAD_INPUT)
        with self.library.transaction() as session:
            session.add(ListeningEvent(episode_id=episode_id, kind=kind))
        return kind

    def set_episode_speed(self, episode_id: int, rate: float | None) -> None:
        """Store (or clear, with None) an episode's own speed, 0.5-3.0 times normal."""
        if rate is not None:
            try:
                rate = validate_rate(rate)
            except ValueError as error:
                raise CastwiseError(str(error).capitalize() + ".", kind=ErrorKind.BAD_INPUT) from error
        with self.library.transaction() as session:
            state = session.get(PlaybackState, episode_id)
            if state is None:
                state = PlaybackState(episode_id=episode_id)
                session.add(state)
            state.speed = rate

    def set_podcast_speed(self, podcast_id: int, rate: float | None) -> None:
        """Store (or clear, with None) a podcast's default speed for its episodes, 0.5-3.0."""
        if rate is not None:
            try:
                rate = validate_rate(rate)
            except ValueError as error:
                raise CastwiseError(str(error).capitalize() + ".", kind=ErrorKind.BAD_INPUT) from error
        with self.library.transaction() as session:
            podcast = session.get(Podcast, podcast_id)
            if podcast is None:
                raise CastwiseError(f"No podcast with id {podcast_id}.", kind=ErrorKind.BAD_INPUT)
            podcast.default_speed = rate

    def position_of(self, episode_id: int) -> tuple[int, bool]:
        """The stored (position in milliseconds, played) of an episode; (0, False) if never played."""
        with self.library.session() as session:
            state = session.get(PlaybackState, episode_id)
            return (state.position_ms, state.played) if state is not None else (0, False)

    # -- the queue ---------------------------------------------------------------------------

    def load_queue(self) -> list[int]:
        """Episode ids of "up next", in order."""
        with self.library.session() as session:
            return list(session.scalars(select(QueueEntry.episode_id).order_by(QueueEntry.position)))

    def save_queue(self, episode_ids: Sequence[int]) -> None:
        """Replace the stored queue with ``episode_ids`` (ids no longer in the library are dropped)."""
        with self.library.transaction() as session:
            known = set(session.scalars(select(Episode.id).where(Episode.id.in_(list(episode_ids)))))
            existing = {entry.episode_id: entry for entry in session.scalars(select(QueueEntry))}
            kept = [episode_id for episode_id in episode_ids if episode_id in known]
            for episode_id, entry in existing.items():
                if episode_id not in kept:
                    session.delete(entry)
            session.flush()
            # Two passes so the unique positions never collide while rows move.
            for offset, episode_id in enumerate(kept):
                found = existing.get(episode_id)
                if found is None:
                    session.add(QueueEntry(episode_id=episode_id, position=len(kept) + offset))
                else:
                    found.position = len(kept) + offset
            session.flush()
            for position, entry in enumerate(
                sorted(session.scalars(select(QueueEntry)), key=lambda row: row.position)
            ):
                entry.position = position

    def queue(self) -> PlayQueue:
        """The stored queue as a :class:`PlayQueue` whose every change is stored."""
        play_queue = PlayQueue(self.load_queue())
        play_queue.changed.connect(self.save_queue)
        return play_queue


def _chapters(inline: list[object] | None, local: Path | None) -> list[tuple[int, str]]:
    """Chapters as (start ms, title): the feed's inline ones, else those embedded in the file."""
    chapters: list[tuple[int, str]] = []
    for item in inline or []:
        if isinstance(item, dict) and isinstance(item.get("start_ms"), int):
            chapters.append((item["start_ms"], str(item.get("title") or "")))
    if not chapters and local is not None:
        try:
            from library.audio_chapters import read_embedded_chapters

            chapters = [(cue.start_ms, cue.title) for cue in read_embedded_chapters(local)]
        except Exception as error:  # a damaged tag must not stop playback
            log.info("no chapters read from %s: %s", local.name, error)
    return chapters


def connect(controller: PlaybackController, store: PlaybackStore) -> None:
    """Store the controller's positions and listening events in the library."""
    controller.position_checkpointed.connect(store.save_checkpoint)
    controller.listening_event_occurred.connect(store.record_event)


def fetch_remote_chapters(controller: PlaybackController, documents: EpisodeDocuments) -> None:
    """When an episode without chapters starts, fetch its ``podcast:chapters`` document (through
    the document cache, with the feed limits) on a background thread and hand the chapters to
    the controller: playback never waits for the network, and a document that cannot be had
    only costs the chapters (logged)."""

    def started(media: EpisodeMedia) -> None:
        if media.chapters:
            return  # the feed's inline chapters or the file's own come first
        threading.Thread(target=load, args=(media.episode_id,), name=f"chapters-{media.episode_id}",
                         daemon=True).start()

    def load(episode_id: int) -> None:
        try:
            marks = documents.chapter_marks(episode_id)
        except CastwiseError as error:
            log.info("chapters of episode %s not loaded: %s", episode_id, error.message)
            return
        except Exception:  # a bug here must not reach the listener: the episode plays on
            log.exception("chapters of episode %s not loaded", episode_id)
            return
        if marks:
            controller.set_chapters(episode_id, marks)

    controller.episode_started.connect(started)


def build_controller(
    library: Library, engine: Engine, *, documents: EpisodeDocuments | None = None, **options: object
) -> tuple[PlaybackController, PlaybackStore]:
    """A controller over ``engine`` with the stored queue, resolving episodes from the library
    and storing what it reports; with ``documents``, chapters documents are fetched in the
    background (:func:`fetch_remote_chapters`). ``options`` go to :class:`PlaybackController`."""
    store = PlaybackStore(library)
    controller = PlaybackController(
        engine,
        play_queue=store.queue(),
        resolve=store.media_for,
        **options,  # type: ignore[arg-type]
    )
    connect(controller, store)
    if documents is not None:
        fetch_remote_chapters(controller, documents)
    return controller, store


def create_engine(*, audio_output: str | None = None) -> Engine:
    """The VLC engine (``audio_output`` picks VLC's output module, e.g. ``adummy`` for silence),
    or the null engine when VLC (libvlc) is not installed."""
    options = (f"--aout={audio_output}",) if audio_output else ()
    try:
        from player.vlc_engine import VlcEngine

        return VlcEngine(extra_options=options)
    except (ImportError, OSError, NameError, RuntimeError) as error:
        log.warning("VLC is not available (%s); playing silently", error)
        from player.null_engine import NullEngine

        return NullEngine()
