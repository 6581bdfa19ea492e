"""Podcast directory search: the iTunes Search API and Podcast Index, merged.

Runs on a worker thread (through the task helper). Base addresses are settable so tests serve
recorded real responses from 127.0.0.1. Podcast Index needs an API key and secret
(``CASTWISE_PODCASTINDEX_KEY`` / ``CASTWISE_PODCASTINDEX_SECRET``); without them only iTunes is asked.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from typing import Any

ITUNES_URL = "https://itunes.apple.com/search"
PODCASTINDEX_URL = "https://api.podcastindex.org/api/1.0/search/byterm"
TIMEOUT_S = 10.0


@dataclass
class DirectorySearch:
    itunes_url: str = ITUNES_URL
    podcastindex_url: str = PODCASTINDEX_URL
    podcastindex_key: str | None = None
    podcastindex_secret: str | None = None

    def __post_init__(self) -> None:
        self.podcastindex_key = self.podcastindex_key or os.environ.get("CASTWISE_PODCASTINDEX_KEY")
        self.podcastindex_secret = self.podcastindex_secret or os.environ.get("CASTWISE_PODCASTINDEX_SECRET")

    def search(self, query: str) -> tuple[list[tuple[str, str, str]], list[str]]:
        """Results as (title, author, feed URL), deduplicated by feed URL, and readable errors."""
        import httpx  # imported on first use, not at start-up

        results: list[tuple[str, str, str]] = []
        errors: list[str] = []
        seen: set[str] = set()
        with httpx.Client(timeout=TIMEOUT_S, follow_redirects=True, headers={"User-Agent": "Castwise"}) as client:
            for name, fetch in (("iTunes", self._itunes), ("Podcast Index", self._podcastindex)):
                try:
                    found = fetch(client, query)
                except (httpx.HTTPError, ValueError) as error:
                    errors.append(f"{name}: {error.__class__.__name__}: {error}")
                    continue
                for title, author, url in found:
                    if url and url not in seen:
                        seen.add(url)
                        results.append((title, author, url))
        return results, errors

    def _itunes(self, client: Any, query: str) -> list[tuple[str, str, str]]:
        response = client.get(self.itunes_url, params={"media": "podcast", "term": query, "limit": 50})
        response.raise_for_status()
        data = response.json()
        return [
            (item.get("collectionName") or item.get("trackName") or "", item.get("artistName") or "", item.get("feedUrl") or "")
            for item in data.get("results", [])
            if isinstance(item, dict)
        ]

    def _podcastindex(self, client: Any, query: str) -> list[tuple[str, str, str]]:
        if not (self.podcastindex_key and self.podcastindex_secret):
            return []
        now = str(int(time.time()))
        digest = hashlib.sha1((self.podcastindex_key + self.podcastindex_secret + now).encode()).hexdigest()
        headers = {"X-Auth-Key": self.podcastindex_key, "X-Auth-Date": now, "Authorization": digest}
        response = client.get(self.podcastindex_url, params={"q": query}, headers=headers)
        response.raise_for_status()
        data = response.json()
        return [
            (item.get("title") or "", item.get("author") or "", item.get("url") or "")
            for item in data.get("feeds", [])
            if isinstance(item, dict)
        ]
