"""The interaction panel follows the episode live, against the real service on 127.0.0.1: comments
and the creator's replies appear as they are posted, answers the creator publishes are listed, the
listener replies to a comment and edits or deletes their own; and interactions the service could
not give when the episode started arrive once it answers again (retried with backoff, or at once
when the account's live stream reconnects)."""

from __future__ import annotations

from PySide6.QtCore import Qt

import app.adapters.interactive as interactive_adapter
from tests.account.liveservice import LiveService
from tests.app.interactive_gui import gui, lane_marks, service, subscribe_and_play, world
from tests.app.test_account import WAIT_MS, Gui, sign_in
from tests.interactive.helpers import ALICE_PASSWORD, visible_comments
from tests.service.interactive.world import World

__all__ = ["gui", "service", "world"]


def shown(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.comments_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def pinned_shown(panel) -> list[str]:  # type: ignore[no-untyped-def]
    model = panel.comments_box.pinned_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def test_comments_replies_and_published_answers_arrive_live_and_own_comments_change(
        qtbot, gui: Gui, service: LiveService, world: World) -> None:
    question = world.question(service.api, anchor_ms=600_000, prompt="Where do you listen?")
    answers = f"/api/v1/questions/{question['id']}/answers"
    early = service.json("POST", answers, world.bob.access_token, json={"text": "On the bus", "share_consent": True})
    service.json("POST", f"/api/v1/interactions/{early['id']}/moderation", world.creator.access_token,
                 json={"action": "pin"})
    sign_in(qtbot, gui, "alice", ALICE_PASSWORD).hide()
    subscribe_and_play(qtbot, gui, world, start_ms=58_000)
    panel = gui.features.panel
    box = panel.comments_box
    # The answer published before the episode started is listed with its question.
    qtbot.waitUntil(lambda: pinned_shown(panel) == ["“Where do you listen?” bob: On the bus"], timeout=WAIT_MS)
    assert box.pinned_view.isVisibleTo(panel)

    # Bob comments near the moment: it appears without asking.
    bobs = world.comment(service.api, world.bob, "Great start", 59_000).json()
    qtbot.waitUntil(lambda: shown(panel) == ["0:59  bob: Great start"], timeout=WAIT_MS)

    # Alice replies to it from the panel; her reply carries the moment playing.
    assert box.select_comment(bobs["id"])
    qtbot.mouseClick(box.reply_button, Qt.MouseButton.LeftButton)
    assert box.target_label.text() == "Replying to bob: Great start"
    assert box.comment_button.text().startswith("Reply at ")
    qtbot.keyClicks(panel.comment_edit, "Agreed")
    qtbot.mouseClick(panel.comment_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your comment was posted.", timeout=WAIT_MS)
    [reply] = [item for item in visible_comments(service, world) if item["author"] == "alice"]
    assert reply["parent_id"] == bobs["id"]
    qtbot.waitUntil(lambda: shown(panel) == ["0:59  bob: Great start", "  ↳ 0:58  alice (you): Agreed"],
                    timeout=WAIT_MS)
    assert box.comment_button.text().startswith("Comment at ")  # back to new comments

    # The creator answers Alice's reply: it shows in the thread and Alice is told.
    world.comment(service.api, world.creator, "Thanks both!", 60_000, parent_id=reply["id"])
    qtbot.waitUntil(lambda: "    ↳ 1:00  creator (creator): Thanks both!" in shown(panel), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.status_label.text() == "The creator replied to your comment: Thanks both!",
                    timeout=WAIT_MS)

    # Alice edits her reply (Edit is offered for her own comment only); it then says it was edited.
    assert box.select_comment(bobs["id"]) and not box.edit_button.isEnabled() and not box.delete_button.isEnabled()
    assert box.select_comment(reply["id"]) and box.edit_button.isEnabled() and box.delete_button.isEnabled()
    qtbot.mouseClick(box.edit_button, Qt.MouseButton.LeftButton)
    assert panel.comment_edit.text() == "Agreed" and box.comment_button.text() == "Save change"
    panel.comment_edit.setText("Agreed, a great start")
    qtbot.mouseClick(panel.comment_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your comment was changed.", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "  ↳ 0:58  alice (you): Agreed, a great start  (edited)" in shown(panel),
                    timeout=WAIT_MS)
    assert [item["text"] for item in visible_comments(service, world) if item["author"] == "alice"] == [
        "Agreed, a great start"]

    # The creator publishes Alice's answer to the question while she listens.
    mine = service.json("POST", answers, world.alice.access_token, json={"text": "At home", "share_consent": True})
    service.json("POST", f"/api/v1/interactions/{mine['id']}/moderation", world.creator.access_token,
                 json={"action": "pin"})
    qtbot.waitUntil(lambda: pinned_shown(panel) == ["“Where do you listen?” bob: On the bus",
                                                    "“Where do you listen?” alice: At home"], timeout=WAIT_MS)
    assert panel.status_label.text() == "The creator published your answer."
    service.json("POST", f"/api/v1/interactions/{early['id']}/moderation", world.creator.access_token,
                 json={"action": "unpin"})
    qtbot.waitUntil(lambda: pinned_shown(panel) == ["“Where do you listen?” alice: At home"], timeout=WAIT_MS)

    # Alice deletes her reply: it goes, with the creator's answer to it, here and on the service.
    assert box.select_comment(reply["id"])
    qtbot.mouseClick(box.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your comment was deleted.", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: shown(panel) == ["0:59  bob: Great start"], timeout=WAIT_MS)
    assert [item["author"] for item in visible_comments(service, world)] == ["bob"]

    # Bob edits his comment elsewhere: Alice's list shows the new words, marked edited, live.
    assert "(edited)" not in shown(panel)[0]
    service.json("PATCH", f"/api/v1/interactions/{bobs['id']}", world.bob.access_token,
                 json={"text": "Great start, and a better middle"})
    qtbot.waitUntil(lambda: shown(panel) == ["0:59  bob: Great start, and a better middle  (edited)"],
                    timeout=WAIT_MS)

    # Bob deletes his comment elsewhere: Alice's list drops it live, and the lane counts nothing.
    service.json("DELETE", f"/api/v1/interactions/{bobs['id']}", world.bob.access_token)
    qtbot.waitUntil(lambda: shown(panel) == [], timeout=WAIT_MS)
    lane = gui.window.now_playing.timeline_lane
    qtbot.waitUntil(lambda: sum(item.comments for item in lane.density()) == 0, timeout=WAIT_MS)


def test_interactions_arrive_when_the_service_starts_after_playback_began(
        qtbot, gui: Gui, service: LiveService, world: World) -> None:
    world.poll(service.api, anchor_ms=60_000)
    still = world.comment(service.api, world.bob, "Still hear", 59_000).json()
    service.json("PATCH", f"/api/v1/interactions/{still['id']}", world.bob.access_token, json={"text": "Still here"})
    service.stop()
    try:
        subscribe_and_play(qtbot, gui, world, start_ms=58_000)
        interactive = gui.features.interactive
        # The first attempt failed; another waits (signed out: no live stream to say it is back).
        qtbot.waitUntil(lambda: interactive.retry_pending, timeout=WAIT_MS)
        assert lane_marks(gui) == [] and not gui.window.now_playing.interactions_button.isVisible()
    finally:
        service.start()
    qtbot.waitUntil(lambda: len(lane_marks(gui)) == 1, timeout=WAIT_MS)
    assert gui.window.now_playing.interactions_button.isVisible()
    panel = gui.features.panel
    # Loaded from the service, bob's corrected comment says it was edited.
    qtbot.waitUntil(lambda: shown(panel) == ["0:59  bob: Still here  (edited)"], timeout=WAIT_MS)
    # From here on the episode is live as usual: crossing the poll's moment offers it.
    gui.clock.advance(3.0)
    qtbot.waitUntil(lambda: panel.isVisible() and panel.prompt_label.text() == "Best segment?", timeout=WAIT_MS)


def test_the_account_stream_reconnecting_loads_the_episode_at_once(
        qtbot, gui: Gui, service: LiveService, world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Backoff alone would wait ten minutes: only the reconnection can bring the interactions in time.
    monkeypatch.setattr(interactive_adapter, "RETRY_FIRST_MS", 600_000)
    world.poll(service.api, anchor_ms=60_000)
    sign_in(qtbot, gui, "alice", ALICE_PASSWORD).hide()
    account = gui.features.account
    qtbot.waitUntil(lambda: account._live is not None, timeout=WAIT_MS)  # following the account
    service.stop()
    try:
        subscribe_and_play(qtbot, gui, world, start_ms=58_000)
        qtbot.waitUntil(lambda: gui.features.interactive.retry_pending, timeout=WAIT_MS)
        assert lane_marks(gui) == []
    finally:
        service.start()
    qtbot.waitUntil(lambda: len(lane_marks(gui)) == 1, timeout=WAIT_MS)
    assert not gui.features.interactive.retry_pending


def test_after_an_outage_the_panel_catches_up_with_what_it_missed(
        qtbot, gui: Gui, service: LiveService, world: World) -> None:
    question = world.question(service.api, anchor_ms=600_000, prompt="Where do you listen?")
    subscribe_and_play(qtbot, gui, world, start_ms=58_000)
    qtbot.waitUntil(lambda: len(lane_marks(gui)) == 1, timeout=WAIT_MS)
    panel = gui.features.panel
    service.stop()  # the live stream drops before it saw any event: nothing to resume from
    try:
        world.comment(service.api, world.bob, "Posted during the outage", 59_000)
        answer = service.json("POST", f"/api/v1/questions/{question['id']}/answers", world.bob.access_token,
                              json={"text": "In the car", "share_consent": True})
        service.json("POST", f"/api/v1/interactions/{answer['id']}/moderation", world.creator.access_token,
                     json={"action": "pin"})
    finally:
        service.start()
    # Reconnected, the stream cannot replay what it missed: the panel reads it afresh.
    qtbot.waitUntil(lambda: shown(panel) == ["0:59  bob: Posted during the outage"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: pinned_shown(panel) == ["“Where do you listen?” bob: In the car"], timeout=WAIT_MS)
