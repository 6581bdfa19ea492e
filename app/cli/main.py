"""The ``castwise`` command: the GUI with no arguments, subcommands otherwise.

Start-up cost matters here (``castwise feed parse`` is scripted), so this module imports nothing
heavy: each subcommand lives in its own module under ``app.cli`` that imports only ``argparse`` at
module level and does its real imports inside ``run``. Qt is imported only for the GUI and the
service only for ``castwise serve``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol

# Each entry is a module of app.cli providing ``register(subparsers)``; the parsers it adds set
# ``handler`` (a callable taking the parsed arguments and returning an exit status).
COMMAND_MODULES: tuple[str, ...] = (
    "app.cli.feed",
    "app.cli.library",
    "app.cli.opml",
    "app.cli.playback",
    "app.cli.downloads",
    "app.cli.recommend",
    "app.cli.account",
    "app.cli.serve",
)


class _CommandModule(Protocol):
    def register(self, subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None: ...


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="castwise",
        description="Castwise, the podcast player. With no command, the desktop app starts.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start the app on a fresh temporary library with a demo podcast",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module: _CommandModule = importlib.import_module(name)  # type: ignore[assignment]
        except ModuleNotFoundError as error:
            if error.name != name:  # a real import error inside the module: surface it
                raise
            continue  # not built yet in this checkout
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"castwise {version('castwise')}")
        except PackageNotFoundError:
            print("castwise (source checkout)")
        return 0
    handler = getattr(args, "handler", None)
    if handler is None:
        if args.command is not None:  # a command group such as "feed" without its subcommand
            parser.parse_args([args.command, "--help"])
        return _start_gui(demo=args.demo)
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130


def _start_gui(*, demo: bool) -> int:
    try:
        gui = importlib.import_module("app.gui")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("PySide6"):
            print("castwise: the desktop app needs PySide6 (pip install PySide6-Essentials)", file=sys.stderr)
            return 2
        raise
    return int(gui.run(demo=demo))


if __name__ == "__main__":
    sys.exit(main())
