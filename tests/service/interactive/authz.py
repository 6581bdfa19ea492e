"""The interactive routes' part of the authorization matrix of ``tests/service/test_authorization.py``
(which walks the application's route table, so a new route without an entry fails there):
``victim_ids``, ``BODIES`` and ``EXEMPT`` (public routes, with the reason).

The victim's world: the store creator's show gets an interactive episode with a poll and a
question; the victim listener answers the question privately. The ``interaction_id`` is that
private answer, so reporting or moderating it must look exactly like a missing object.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

_PUBLIC = "public by design: any listener may read or take part; privacy of results, answers and the " \
          "approval queue is tested in tests/service/interactive"

EXEMPT: dict[str, str] = {
    "/api/v1/interactive-episodes/{interactive_episode_id}": _PUBLIC,
    "/api/v1/interactive-episodes/{interactive_episode_id}/comments": _PUBLIC,
    "/api/v1/interactive-episodes/{interactive_episode_id}/timeline": _PUBLIC,
    "/api/v1/interactive-episodes/{interactive_episode_id}/live": _PUBLIC + " (an endless stream)",
    "/interactions/{interactive_episode_id}.json": "the open interactions document, linked from public feeds",
    "/api/v1/polls/{poll_id}": _PUBLIC,
    "/api/v1/polls/{poll_id}/votes": _PUBLIC,
    "/api/v1/questions/{question_id}": _PUBLIC,
    "/api/v1/questions/{question_id}/answers": _PUBLIC,
}

BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/shows/{show_id}/interactive-episodes": {"json": {"guid": "taken-over", "title": "Mine now"}},
    "PUT /api/v1/interactive-episodes/{interactive_episode_id}/moderation": {"json": {"approval": "all"}},
    "POST /api/v1/interactive-episodes/{interactive_episode_id}/blocks": {"json": {"username": "listener"}},
    "POST /api/v1/interactive-episodes/{interactive_episode_id}/polls": {"json": {"prompt": "x", "options": ["a", "b"]}},
    "POST /api/v1/interactive-episodes/{interactive_episode_id}/questions": {"json": {"prompt": "x"}},
    "POST /api/v1/interactions/{interaction_id}/reports": {"json": {"reason": "spam"}},
    "PATCH /api/v1/interactions/{interaction_id}": {"json": {"text": "taken over"}},
    "POST /api/v1/interactions/{interaction_id}/moderation": {"json": {"action": "pin"}},
    "POST /creator/interactive/{interactive_episode_id}/polls": {"data": {"prompt": "x", "options": "a\nb"}},
    "POST /creator/interactive/{interactive_episode_id}/questions": {"data": {"prompt": "x"}},
    "POST /creator/interactive/{interactive_episode_id}/moderation": {"data": {"approval": "all"}},
    "POST /creator/interactions/{interaction_id}/moderation": {"data": {"action": "pin"}},
    "POST /creator/polls/{poll_id}/close": {"data": {}},
}


def victim_ids(client: TestClient, _context: Any, store: Any) -> dict[str, str]:
    """Build the victim's interactive objects; returns the path parameters that name them."""
    creator_headers, listener_headers = store.creator.headers, store.listener.headers
    episode = client.post(f"/api/v1/shows/{store.show_id}/interactive-episodes", headers=creator_headers,
                          json={"guid": "victim-episode", "title": "Victim's episode"}).json()
    base = f"/api/v1/interactive-episodes/{episode['id']}"
    poll = client.post(f"{base}/polls", headers=creator_headers, json={"prompt": "p", "options": ["a", "b"]}).json()
    question = client.post(f"{base}/questions", headers=creator_headers, json={"prompt": "q"}).json()
    answer = client.post(f"/api/v1/questions/{question['id']}/answers", headers=listener_headers,
                         json={"text": "my private answer", "share_consent": True}).json()
    return {"interactive_episode_id": str(episode["id"]), "poll_id": str(poll["id"]),
            "question_id": str(question["id"]), "interaction_id": str(answer["id"])}
