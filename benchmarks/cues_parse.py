"""Parsing speed of chapters, transcripts, embedded chapters and OPML on the shared corpus.

Parses every file of ``corpus/chapters`` and ``corpus/transcripts`` (``--rounds`` times),
reads the chapters of every ``corpus/audio`` file, imports the largest OPML export, and times
``CueList.at`` look-ups on the longest transcript. Times are medians over the rounds.

    python -m benchmarks.cues_parse [--rounds 20]

Last line: ``{"corpus_parse_ms": ..., "mb_per_s": ..., "largest_transcript_ms": ...,
"embedded_chapters_ms_per_file": ..., "opml_207_feeds_ms": ..., "lookup_us": ...}``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from library.audio_chapters import read_embedded_chapters
from library.cues import CueList, parse_cues
from library.opml import read_opml

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _median_ms(action: object, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)

    documents = [
        (path.read_bytes(), path.name)
        for folder in ("chapters", "transcripts")
        for path in sorted((CORPUS / folder).rglob("*"))
        if path.is_file()
    ]
    total_bytes = sum(len(data) for data, _ in documents)
    corpus_ms = _median_ms(lambda: [parse_cues(data, None, name) for data, name in documents], args.rounds)
    largest, largest_name = max(documents, key=lambda item: len(item[0]))
    largest_ms = _median_ms(lambda: parse_cues(largest, None, largest_name), args.rounds)

    audio = sorted(path for path in (CORPUS / "audio").iterdir() if path.is_file())
    audio_ms = _median_ms(lambda: [read_embedded_chapters(path) for path in audio], args.rounds) / len(audio)

    opml = (CORPUS / "opml" / "netnewswire" / "netnewswire_Subs.opml").read_bytes()
    opml_ms = _median_ms(lambda: read_opml(opml), args.rounds)

    cues = CueList(parse_cues(largest, None, largest_name))
    end = cues[-1].start_ms
    positions = [index * 997 % (end + 1) for index in range(100_000)]
    lookup_ms = _median_ms(lambda: [cues.at(position) for position in positions], max(3, args.rounds // 4))

    print(
        f"{len(documents)} documents, {total_bytes / 1e6:.2f} MB; largest {largest_name} ({len(cues)} cues)"
    )
    print(
        json.dumps(
            {
                "corpus_parse_ms": round(corpus_ms, 2),
                "mb_per_s": round(total_bytes / 1e6 / (corpus_ms / 1000), 1),
                "largest_transcript_ms": round(largest_ms, 2),
                "embedded_chapters_ms_per_file": round(audio_ms, 3),
                "opml_207_feeds_ms": round(opml_ms, 2),
                "lookup_us": round(lookup_ms * 1000 / len(positions), 3),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
