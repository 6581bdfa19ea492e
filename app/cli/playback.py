"""Playback commands: ``play`` (headless, in the terminal), ``rate`` and ``queue``.

``castwise play EPISODE [--from SECONDS] [--rate R]`` plays through VLC with a progress line. On a
terminal, keys control it: space pauses/resumes, left/right skip back/forward, n/p jump to the
next/previous chapter, +/- change the speed, q quits. When standard input is not a terminal it
plays to the end. The position is saved at least every 2 s and on pause, seek, quit, Ctrl-C and
SIGTERM, so playing resumes where it stopped (even after a ``kill -9``, within a few seconds).

EPISODE is the id ``castwise episodes`` prints, the episode's guid or its enclosure URL. Errors
print one line on stderr and exit with status 1. Only argparse is imported at module level.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.playback import PlaybackStore
    from library.db.engine import Library
    from player.controller import EpisodeMedia, PlaybackController

TICK_S = 0.25
"""How often the command line's loop reads the position and the keys (seconds)."""

KEYS_HELP = "keys: space pause/resume, left/right skip, n/p chapter, +/- speed, q quit"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    play = subparsers.add_parser("play", help="play an episode in the terminal (no window)")
    play.add_argument("episode", metavar="EPISODE", help="library id, guid or enclosure URL")
    play.add_argument(
        "--from", dest="from_s", type=float, metavar="SECONDS", help="start here instead of the saved position"
    )
    play.add_argument("--rate", type=float, metavar="R", help="speed for this episode, 0.5 to 3.0 (kept for it)")
    play.add_argument("--queue", action="store_true", help="go on with the queue (up next) after this episode")
    play.add_argument("--aout", metavar="MODULE", help="VLC audio output module (adummy: play silently)")
    play.set_defaults(handler=_play)

    rate = subparsers.add_parser("rate", help="tell Castwise you like an episode, or are not interested")
    rate.add_argument("episode", metavar="EPISODE", help="library id, guid or enclosure URL")
    rate.add_argument("rating", choices=["like", "not-interested", "clear"])
    rate.set_defaults(handler=_rate)

    queue = subparsers.add_parser("queue", help="show or change the queue (up next)")
    queue.set_defaults(handler=_queue_list, json=False)
    actions = queue.add_subparsers(dest="queue_command", metavar="ACTION")
    listing = actions.add_parser("list", help="show the queue in play order")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_queue_list)
    add = actions.add_parser("add", help="add episodes at the end (or first with --next)")
    add.add_argument("episodes", metavar="EPISODE", nargs="+")
    add.add_argument("--next", action="store_true", help="play these next")
    add.set_defaults(handler=_queue_add)
    remove = actions.add_parser("remove", help="take episodes out of the queue")
    remove.add_argument("episodes", metavar="EPISODE", nargs="+")
    remove.set_defaults(handler=_queue_remove)
    move = actions.add_parser("move", help="move an episode to a place in the queue (1 is next)")
    move.add_argument("episode", metavar="EPISODE")
    move.add_argument("position", type=int, metavar="POSITION")
    move.set_defaults(handler=_queue_move)
    clear = actions.add_parser("clear", help="empty the queue")
    clear.set_defaults(handler=_queue_clear)


def _with_store(body: Callable[[PlaybackStore], int]) -> int:
    from app.cli.library import run_with_library
    from app.playback import PlaybackStore

    def run(library: Library) -> int:
        return body(PlaybackStore(library))

    return run_with_library(run)


# -- rate and queue -------------------------------------------------------------------------------


def _rate(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        episode_id = store.resolve(args.episode)
        store.rate(episode_id, args.rating)
        said = {"like": "liked", "not-interested": "not interesting", "clear": "not rated"}[args.rating]
        print(f"Marked {store.title_of(episode_id)!r} (id {episode_id}) as {said}")
        return 0

    return _with_store(body)


def _queue_list(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        import json

        ids = store.load_queue()
        rows = [{"position": n, "id": episode_id, "title": store.title_of(episode_id)} for n, episode_id in enumerate(ids, 1)]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        elif not rows:
            print("The queue is empty.")
        for row in [] if args.json else rows:
            print(f"{row['position']:>3}. [{row['id']}] {row['title']}")
        return 0

    return _with_store(body)


def _queue_add(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        ids = [store.resolve(reference) for reference in args.episodes]
        queue = store.queue()
        if args.next:
            for episode_id in reversed(ids):  # the first named plays first
                queue.play_next(episode_id)
        else:
            for episode_id in ids:
                queue.add(episode_id)
        print(f"Queued {len(ids)} episode(s); {len(queue)} in the queue.")
        return 0

    return _with_store(body)


def _queue_remove(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        ids = [store.resolve(reference) for reference in args.episodes]
        queue = store.queue()
        removed = sum(queue.remove(episode_id) for episode_id in ids)
        print(f"Removed {removed} episode(s); {len(queue)} in the queue.")
        return 0

    return _with_store(body)


def _queue_move(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        from library.errors import CastwiseError, ErrorKind

        episode_id = store.resolve(args.episode)
        queue = store.queue()
        if episode_id not in queue:
            raise CastwiseError(f"Episode {episode_id} is not in the queue.", kind=ErrorKind.BAD_INPUT)
        queue.move(episode_id, args.position - 1)
        print(f"Moved {store.title_of(episode_id)!r} to place {queue.items.index(episode_id) + 1}.")
        return 0

    return _with_store(body)


def _queue_clear(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        store.queue().clear()
        print("The queue is empty.")
        return 0

    return _with_store(body)


# -- play -----------------------------------------------------------------------------------------


def _play(args: argparse.Namespace) -> int:
    def body(store: PlaybackStore) -> int:
        import dataclasses

        from app.playback import build_controller, create_engine
        from library.errors import CastwiseError, ErrorKind
        from player.null_engine import NullEngine

        episode_id = store.resolve(args.episode)
        if args.rate is not None:
            store.set_episode_speed(episode_id, args.rate)
        media = store.media_to_play(episode_id)  # a live episode says why it cannot play
        if media is None:
            raise CastwiseError(f"{store.title_of(episode_id)!r} has no audio to play.", kind=ErrorKind.BAD_INPUT)
        if args.from_s is not None:
            if args.from_s < 0:
                raise CastwiseError("--from takes a number of seconds from the start, 0 or more.", kind=ErrorKind.BAD_INPUT)
            media = dataclasses.replace(media, start_ms=round(args.from_s * 1000))
        engine = create_engine(audio_output=args.aout)
        if isinstance(engine, NullEngine):  # VLC is missing: a silent engine would only pretend
            engine.close()
            raise CastwiseError("castwise play needs VLC (libvlc); install VLC 3 and try again.")
        from app.cli.library import episode_documents

        controller, _store = build_controller(store.library, engine, auto_advance=bool(args.queue),
                                              documents=episode_documents(store.library))
        return _HeadlessPlayer(controller).run(media)

    return _with_store(body)


class _HeadlessPlayer:
    """The ``play`` loop: tick the controller, draw the progress line, read keys."""

    def __init__(self, controller: PlaybackController) -> None:
        self.controller = controller
        self.finished = False
        self.status = 0
        self.announced: int | None = None
        self.last_line_s = -1
        self.interactive = sys.stdin.isatty()
        self.live_line = sys.stdout.isatty()
        controller.playback_finished.connect(self._on_finished)
        controller.error_occurred.connect(self._on_error)

    def _on_finished(self) -> None:
        self.finished = True

    def _on_error(self, episode_id: int, error: object) -> None:
        self._end_line()
        print(f"castwise: {error}", file=sys.stderr)
        self.status = 1
        if not self.controller.auto_advance or not self.controller.play_next_in_queue():
            self.finished = True

    def run(self, media: EpisodeMedia) -> int:
        import signal
        import time

        from player.engine import PlaybackState

        def on_term(_signum: int, _frame: object) -> None:
            self.finished = True

        signal.signal(signal.SIGTERM, on_term)
        keys = _Keys() if self.interactive else None
        try:
            self.controller.open(media)
            if keys:
                print(KEYS_HELP, file=sys.stderr)
            while not self.finished:
                self.controller.tick()
                if self.controller.state is PlaybackState.PLAYING:
                    self._announce()
                self._draw()
                if keys:
                    for key in keys.read(TICK_S):
                        self._on_key(key)
                else:
                    time.sleep(TICK_S)
        except KeyboardInterrupt:
            self.status = 130
        finally:
            if keys:
                keys.restore()
            self._end_line()
            self.controller.quit()
        return self.status

    def _announce(self) -> None:
        current = self.controller.current
        if current is None or self.announced == current.episode_id:
            return
        self.announced = current.episode_id
        from player.engine import format_clock

        self._end_line()
        print(
            f"Playing {current.title or current.location!r} from {format_clock(self.controller.position_ms())}"
            f" at {self.controller.rate:g}x",
            flush=True,
        )

    def _draw(self) -> None:
        from player.engine import PlaybackState, format_clock

        position = self.controller.position_ms()
        duration = self.controller.duration_ms()
        state = self.controller.state
        word = {PlaybackState.PLAYING: "playing", PlaybackState.PAUSED: "paused"}.get(state, state.value)
        chapter = ""
        index = self.controller.current_chapter()
        if index >= 0:
            chapter = f"  [{self.controller.chapters[index].title}]"
        total = format_clock(duration) if duration else "?"
        line = f"{word:<8} {format_clock(position)} / {total}  {self.controller.rate:g}x{chapter}"
        if self.live_line:
            sys.stdout.write("\r" + line[:100].ljust(100))
            sys.stdout.flush()
        elif position // 1000 != self.last_line_s and state is PlaybackState.PLAYING:
            # Not a terminal: one line per second of playback.
            self.last_line_s = position // 1000
            print(line, flush=True)

    def _end_line(self) -> None:
        if self.live_line:
            sys.stdout.write("\n")
            sys.stdout.flush()

    def _on_key(self, key: str) -> None:
        controller = self.controller
        if key == " ":
            controller.toggle()
        elif key == "left":
            controller.skip_back()
        elif key == "right":
            controller.skip_forward()
        elif key == "n":
            controller.next_chapter()
        elif key == "p":
            controller.previous_chapter()
        elif key in ("+", "-"):
            step = 0.25 if key == "+" else -0.25
            controller.set_rate(min(3.0, max(0.5, controller.rate + step)))
        elif key in ("q", "Q"):
            self.finished = True


class _Keys:
    """Single key presses from a terminal (cbreak mode, restored on exit); arrows as names."""

    def __init__(self) -> None:
        import termios
        import tty

        self._fd = sys.stdin.fileno()
        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)

    def read(self, timeout_s: float) -> list[str]:
        import os
        import select

        ready, _, _ = select.select([self._fd], [], [], timeout_s)
        if not ready:
            return []
        data = os.read(self._fd, 64).decode("utf-8", "replace")
        keys: list[str] = []
        while data:
            if data.startswith(("\x1b[D", "\x1bOD")):
                keys.append("left")
                data = data[3:]
            elif data.startswith(("\x1b[C", "\x1bOC")):
                keys.append("right")
                data = data[3:]
            else:
                keys.append(data[0])
                data = data[1:]
        return keys

    def restore(self) -> None:
        import termios

        termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
