"""``castwise recommend``, ``castwise similar`` and ``castwise model export|info``.

Only argparse is imported here; the recommender (onnxruntime, numpy, the library database) is
imported inside the handlers so the rest of the command line starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    recommend = subparsers.add_parser(
        "recommend", help="episodes picked for you from your own listening (computed on this machine)"
    )
    recommend.add_argument("--limit", type=int, default=20, metavar="N", help="how many episodes (default 20)")
    recommend.add_argument("--explain", action="store_true", help="say why each episode was picked")
    recommend.add_argument("--json", action="store_true", help="print JSON instead of text")
    recommend.add_argument(
        "--profile", action="store_true", help="show (with --json: export) what Castwise learned about your taste"
    )
    recommend.add_argument(
        "--forget", action="store_true", help="erase the learned profile and cached embeddings"
    )
    recommend.set_defaults(handler=_recommend)

    similar = subparsers.add_parser("similar", help="episodes like the given one")
    similar.add_argument("episode", metavar="EPISODE", help="episode id (as shown by castwise episodes/search)")
    similar.add_argument("--limit", type=int, default=10, metavar="N")
    similar.add_argument("--json", action="store_true", help="print JSON instead of text")
    similar.set_defaults(handler=_similar)

    model = subparsers.add_parser("model", help="the on-device recommender model")
    model_commands = model.add_subparsers(dest="model_command", metavar="ACTION")
    export = model_commands.add_parser(
        "export", help="export the text encoder to ONNX (needs the train extra: torch + transformers)"
    )
    export.add_argument("--source", type=Path, help="a local Hugging Face model folder (default: all-MiniLM-L6-v2)")
    export.add_argument("--out", type=Path, help="where to write the model folder (default: Castwise's models folder)")
    export.set_defaults(handler=_model_export)
    personalise = model_commands.add_parser(
        "personalise", help="learn from your own listening (kept only if it ranks your recent history better)"
    )
    personalise.add_argument(
        "--encoder", action="store_true", help="also fine-tune the text encoder (needs the train extra; GPU if present)"
    )
    personalise.add_argument("--epochs", type=int, default=2, help="encoder fine-tuning passes (default 2)")
    personalise.add_argument("--json", action="store_true")
    personalise.set_defaults(handler=_model_personalise)
    info = model_commands.add_parser("info", help="show the installed model and where it runs")
    info.add_argument("--json", action="store_true")
    info.set_defaults(handler=_model_info)


def _error(message: str) -> int:
    print(f"castwise: {message}", file=sys.stderr)
    return 1


def _model_export(args: argparse.Namespace) -> int:
    try:
        from recommend.training.export import export_model
    except ModuleNotFoundError as error:
        return _error(f"exporting needs the train extra ({error.name} is missing): pip install -e '.[train]'")
    try:
        config = export_model(args.source, args.out, progress=lambda message: print(message, flush=True))
    except (FileNotFoundError, OSError) as error:
        return _error(str(error))
    print(f"exported {config.model_id} ({config.dims} dimensions, variants {', '.join(sorted(config.variants))})")
    return 0


def _model_personalise(args: argparse.Namespace) -> int:
    from library.errors import CastwiseError

    report: dict[str, Any] = {}
    try:
        with _open_service() as service:
            service.refresh_index()
            report["ranking_head"] = service.personalise()
            if args.encoder:
                if service.encoder is None:
                    return _error(service.model_message)
                try:
                    from recommend.training.finetune import fine_tune
                except ModuleNotFoundError as error:
                    return _error(f"fine-tuning needs the train extra ({error.name} is missing): pip install -e '.[train]'")
                episodes, outcomes = service.listening_history()
                result = fine_tune(episodes, outcomes, service.encoder.folder, epochs=args.epochs,
                                   progress=lambda message: print(message, file=sys.stderr, flush=True))
                report["encoder"] = result.as_dict()
    except CastwiseError as error:
        return _error(error.message)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for part, outcome in report.items():
        before, after = outcome.get("before_auc"), outcome.get("after_auc")
        figures = f" (held-out AUC {before:.3f} -> {after:.3f})" if before is not None and after is not None else ""
        verdict = "installed" if outcome.get("installed") else "not installed"
        print(f"{part.replace('_', ' ')}: {verdict}: {outcome.get('why')}{figures}")
    return 0


def _model_info(args: argparse.Namespace) -> int:
    from recommend.model_store import model_status

    status = model_status()
    if args.json:
        print(json.dumps(status.as_dict(), indent=2))
        return 0 if status.usable else 1
    print(f"folder:   {status.folder}")
    if status.config is not None:
        print(f"model:    {status.config.model_id} (from {status.config.source_model})")
        print(f"vectors:  {status.config.dims} dimensions, {status.config.pooling} pooling, "
              f"up to {status.config.max_length} tokens")
        print(f"variants: {', '.join(sorted(status.config.variants))}")
    if status.choice is not None:
        print(f"provider: {status.choice.provider} ({status.choice.variant})")
        print(f"why:      {status.choice.reason}")
        return 0
    print(f"not usable: {status.message}")
    print("recommendations fall back to recent and popular episodes of your subscriptions")
    return 1


def _open_service() -> Any:
    from recommend.service import open_service

    return open_service()


def _recommend(args: argparse.Namespace) -> int:
    from library.errors import CastwiseError

    if args.limit < 1:
        return _error("--limit must be at least 1")
    try:
        service = _open_service()
        with service:
            if args.forget:
                service.forget()
                print("erased the listening profile and the embedding cache")
                return 0
            service.refresh_index(progress=_indexing_progress)
            if args.profile:
                profile = service.profile_report()
                if args.json:
                    print(json.dumps(profile, indent=2, ensure_ascii=False))
                else:
                    _print_profile(profile)
                return 0
            result = service.for_you(limit=args.limit)
    except CastwiseError as error:
        return _error(error.message)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return 0
    if result.notice:
        print(result.notice, file=sys.stderr)
    if args.explain and result.engine:
        print(result.engine, file=sys.stderr)
    if not result.items:
        print("nothing to recommend yet: subscribe to a few podcasts and listen a while")
    for rank, item in enumerate(result.items, 1):
        print(f"{rank:>3}. [{item.episode_id}] {item.podcast_title} - {item.title}")
        if args.explain:
            print(f"       {item.reason}")
    return 0


def _indexing_progress(done: int, total: int) -> None:
    if total and sys.stderr.isatty():
        print(f"\rindexing new episodes: {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)


def _print_profile(profile: dict[str, Any]) -> None:
    print(f"events used: {profile.get('events', 0)}, episodes with a signal: {profile.get('episodes', 0)}")
    for cluster in profile.get("interests", []):
        examples = "; ".join(cluster.get("examples", []))
        print(f"interest ({cluster.get('weight', 0):.2f}): {examples}")
    preferences = profile.get("preferences", {})
    for show, figures in preferences.get("shows", {}).items():
        print(f"show {show}: finished {figures['finished_share']:.0%} of {figures['started']} started")
    if "typical_finished_length_minutes" in preferences:
        print(f"episodes you finish run about {preferences['typical_finished_length_minutes']} minutes")


def _similar(args: argparse.Namespace) -> int:
    from library.errors import CastwiseError

    try:
        episode_id = int(args.episode)
    except ValueError:
        return _error(f"{args.episode!r} is not an episode id")
    try:
        with _open_service() as service:
            service.refresh_index(progress=_indexing_progress)
            result = service.more_like_this(episode_id, limit=args.limit)
    except CastwiseError as error:
        return _error(error.message)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
        return 0
    if result.notice:
        print(result.notice, file=sys.stderr)
    for rank, item in enumerate(result.items, 1):
        print(f"{rank:>3}. [{item.episode_id}] {item.podcast_title} - {item.title}  ({item.reason})")
    return 0
