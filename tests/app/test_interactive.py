"""Polls, questions and comments of the playing episode in the real window, against the real
service on 127.0.0.1: the lane shows the poll's mark, crossing its moment offers it, the vote goes
through the outbox and counts exactly once, live tallies reach the panel; signed out, the panel
explains that voting needs an account."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from app.widgets.timeline import TimelineMark
from interactive.outbox import OUTBOX_FILE, Outbox
from library.paths import resolve_paths
from tests.account.liveservice import LiveService
from tests.app.interactive_gui import gui, lane_marks, service, subscribe_and_play, world
from tests.app.test_account import WAIT_MS, Gui, sign_in
from tests.interactive.helpers import ALICE_PASSWORD, poll_as, visible_comments
from tests.service.interactive.world import World

__all__ = ["gui", "service", "world"]


def test_vote_in_a_poll_reached_during_playback(qtbot, gui: Gui, service: LiveService, world: World) -> None:
    poll = world.poll(service.api, anchor_ms=60_000)
    question = world.question(service.api, anchor_ms=600_000)
    world.comment(service.api, world.bob, "The intro is great", 61_000)
    sign_in(qtbot, gui, "alice", ALICE_PASSWORD).hide()
    subscribe_and_play(qtbot, gui, world, start_ms=58_000)

    # The lane under the seek bar shows the poll's and the question's marks and the comment.
    qtbot.waitUntil(lambda: len(lane_marks(gui)) == 2, timeout=WAIT_MS)
    assert lane_marks(gui) == [TimelineMark(60_000, "Best segment?", "poll"),
                               TimelineMark(600_000, "What should we cover next?", "question")]
    lane = gui.window.now_playing.timeline_lane
    qtbot.waitUntil(lambda: sum(item.comments for item in lane.density()) == 1, timeout=WAIT_MS)
    bar, panel = gui.window.now_playing, gui.features.panel
    assert bar.interactions_button.isVisible() and not panel.isVisible()

    # Playback crosses the poll's moment: the panel opens and offers it, no results before voting.
    gui.clock.advance(3.0)
    qtbot.waitUntil(lambda: panel.isVisible() and len(panel.option_buttons()) == 3, timeout=WAIT_MS)
    assert panel.prompt_label.text() == "Best segment?"
    assert panel.stack.currentWidget() is panel.poll_page
    assert panel.results_text() == []
    interview = poll["options"][1]["id"]
    choice = panel.option_buttons()[interview]
    qtbot.waitUntil(lambda: choice.isVisible() and choice.width() > 20, timeout=WAIT_MS)  # laid out
    qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=QPoint(8, choice.height() // 2))  # on its circle
    assert choice.isChecked()
    qtbot.mouseClick(panel.vote_button, Qt.MouseButton.LeftButton)
    assert not panel.vote_button.isEnabled()  # one vote per poll from here

    # The vote went through the outbox; the results (and live tallies) show it.
    qtbot.waitUntil(lambda: "Interview: 1" in panel.results_text(), timeout=WAIT_MS)
    assert panel.results_text() == ["Intro: 0", "Interview: 1", "Outro: 0"]
    assert panel.total_label.text() == "Votes in all: 1"
    assert panel.status_label.text() == "Your vote counted."
    counted = poll_as(service, world, poll["id"])
    assert (counted["total_votes"], counted["my_option_ids"]) == (1, [interview])
    with Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id) as outbox:
        assert [(item.kind, item.state) for item in outbox.items()] == [("vote", "delivered")]

    # Another listener votes: the live stream brings the new tally to the panel.
    response = service.api.post(f"/api/v1/polls/{poll['id']}/votes", headers=world.bob.headers,
                                json={"option_ids": [poll["options"][0]["id"]]})
    assert response.status_code == 201, response.text
    qtbot.waitUntil(lambda: panel.results_text() == ["Intro: 1", "Interview: 1", "Outro: 0"], timeout=WAIT_MS)
    assert panel.total_label.text() == "Votes in all: 2"
    assert poll_as(service, world, poll["id"])["total_votes"] == 2

    # The comment near this moment can be read (fetched as playback goes); a new one is posted at
    # the current moment.
    qtbot.waitUntil(lambda: panel.comments_model.rowCount() == 1, timeout=WAIT_MS)
    assert panel.comments_model.index(0, 0).data() == "1:01  bob: The intro is great"
    at_ms = gui.application.services.playback.position_ms()
    qtbot.keyClicks(panel.comment_edit, "Agreed, the interview was better")
    qtbot.mouseClick(panel.comment_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your comment was posted.", timeout=WAIT_MS)
    posted = [item for item in visible_comments(service, world) if item["author"] == "alice"]
    assert [item["text"] for item in posted] == ["Agreed, the interview was better"]
    assert abs(posted[0]["at_ms"] - at_ms) < 1_000

    # Bob's comment is reported from the panel; the creator sees one report.
    panel.comments_requested.emit(61_000)
    qtbot.waitUntil(lambda: panel.comments_model.rowCount() == 2, timeout=WAIT_MS)
    panel.comments_view.setCurrentIndex(panel.comments_model.index(0, 0))
    panel.report_menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: panel.status_label.text().startswith("Thank you"), timeout=WAIT_MS)
    queue = service.json("GET", f"/api/v1/interactive-episodes/{world.episode_id}/comments",
                         world.creator.access_token)
    reports = {item["text"]: item.get("report_count") for item in queue}
    assert reports["The intro is great"] == 1

    # The question's moment: an answer with consent to publish it.
    gui.application.services.playback.seek(599_000)
    qtbot.waitUntil(lambda: gui.application.services.playback.position_ms() >= 599_000, timeout=WAIT_MS)
    gui.clock.advance(2.0)
    qtbot.waitUntil(lambda: panel.stack.currentWidget() is panel.question_page, timeout=WAIT_MS)
    assert panel.prompt_label.text() == "What should we cover next?"
    qtbot.keyClicks(panel.answer_edit, "More interviews please")
    panel.consent_check.setChecked(True)
    qtbot.mouseClick(panel.send_answer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your answer reached the creator.", timeout=WAIT_MS)
    answers = service.json("GET", f"/api/v1/questions/{question['id']}/answers", world.creator.access_token)
    assert [(item["text"], item["share_consent"]) for item in answers] == [("More interviews please", True)]


def test_a_vote_made_while_the_service_is_down_counts_once_when_it_is_back(
        qtbot, gui: Gui, service: LiveService, world: World) -> None:
    poll = world.poll(service.api, anchor_ms=60_000)
    sign_in(qtbot, gui, "alice", ALICE_PASSWORD).hide()
    subscribe_and_play(qtbot, gui, world, start_ms=58_000)
    qtbot.waitUntil(lambda: len(lane_marks(gui)) == 1, timeout=WAIT_MS)
    panel = gui.features.panel
    gui.clock.advance(3.0)
    qtbot.waitUntil(lambda: len(panel.option_buttons()) == 3, timeout=WAIT_MS)
    outro = poll["options"][2]["id"]

    service.stop()
    try:
        choice = panel.option_buttons()[outro]
        qtbot.waitUntil(lambda: choice.isVisible() and choice.width() > 20, timeout=WAIT_MS)
        qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=QPoint(8, choice.height() // 2))
        with qtbot.waitSignal(gui.window.message_shown, timeout=WAIT_MS,
                              check_params_cb=lambda text: "cannot be reached" in text):
            qtbot.mouseClick(panel.vote_button, Qt.MouseButton.LeftButton)
        assert "kept and sent when it is back" in panel.status_label.text()
        with Outbox(resolve_paths().data / OUTBOX_FILE, service_url=service.url, account_id=world.alice.id) as outbox:
            assert [(item.kind, item.state) for item in outbox.items()] == [("vote", "pending")]
        # The account dialog, offline, still knows who is signed in and what waits to be sent.
        dialog = gui.features.show_account()
        qtbot.waitUntil(lambda: "1 votes, answers or comments waiting to be sent" in dialog.signed_in_label.text(),
                        timeout=WAIT_MS)
        assert dialog.signed_in_label.text().startswith("Signed in as alice")
        dialog.hide()
    finally:
        service.start()

    # Back online: the stored vote is sent by itself (the worker retries) and counts once.
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your vote counted.", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "Outro: 1" in panel.results_text(), timeout=WAIT_MS)
    counted = poll_as(service, world, poll["id"])
    assert (counted["total_votes"], counted["my_option_ids"]) == (1, [outro])


def test_signed_out_the_panel_explains_and_offers_sign_in(qtbot, gui: Gui, service: LiveService,
                                                          world: World) -> None:
    poll = world.poll(service.api, anchor_ms=60_000)
    world.question(service.api, anchor_ms=None, prompt="Where do you listen?")  # for any time: no mark
    subscribe_and_play(qtbot, gui, world, start_ms=58_000)
    qtbot.waitUntil(lambda: lane_marks(gui) == [TimelineMark(60_000, "Best segment?", "poll")], timeout=WAIT_MS)
    panel = gui.features.panel
    # The any-time question waits in the panel from the start (behind the button).
    qtbot.waitUntil(lambda: panel.prompt_label.text() == "Where do you listen?", timeout=WAIT_MS)
    assert gui.window.now_playing.interactions_button.isVisible() and not panel.isVisible()
    gui.clock.advance(3.0)
    qtbot.waitUntil(lambda: panel.isVisible() and panel.prompt_label.text() == "Best segment?", timeout=WAIT_MS)
    assert panel.stack.currentWidget() is panel.signed_out_page
    assert "need a Castwise account" in panel.signed_out_label.text()
    assert not panel.comment_edit.isEnabled()
    qtbot.mouseClick(panel.sign_in_button, Qt.MouseButton.LeftButton)
    dialog = gui.features.account_dialog()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert dialog.stack.currentWidget() is dialog.sign_in_page
    # Signed in from there, the same poll is on offer with its options, ready for a vote.
    sign_in(qtbot, gui, "alice", ALICE_PASSWORD).hide()
    qtbot.waitUntil(lambda: panel.stack.currentWidget() is panel.poll_page and len(panel.option_buttons()) == 3,
                    timeout=WAIT_MS)
    assert panel.prompt_label.text() == "Best segment?" and panel.vote_button.isEnabled()
    assert panel.comment_edit.isEnabled()
    # The creator closes the poll: the live stream says so and the panel stops offering the vote.
    service.json("POST", f"/api/v1/polls/{poll['id']}/close", world.creator.access_token)
    qtbot.waitUntil(lambda: panel.status_label.text() == "This poll is closed.", timeout=WAIT_MS)
    assert not panel.vote_button.isEnabled()
    assert not any(button.isEnabled() for button in panel.option_buttons().values())

    # The creator approves every comment first: the panel says the comment waits for that.
    service.json("PUT", f"/api/v1/interactive-episodes/{world.episode_id}/moderation", world.creator.access_token,
                 json={"approval": "all"})
    qtbot.keyClicks(panel.comment_edit, "Hello from the panel")
    qtbot.mouseClick(panel.comment_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status_label.text() == "Your comment waits for the creator's approval.",
                    timeout=WAIT_MS)
    assert visible_comments(service, world) == []


def test_comments_model_passes_the_model_tester(qtmodeltester) -> None:
    from datetime import UTC, datetime

    from app.components.interaction_comments import CommentRole, CommentsModel
    from protocol.interactive import InteractionPublic

    def comment(number: int, at_ms: int, text: str) -> InteractionPublic:
        return InteractionPublic(id=number, episode_id=1, kind="comment", text=text, at_ms=at_ms, parent_id=None,
                                 author="bob", by_creator=number == 3, pinned=False, visibility="visible",
                                 share_consent=False, created_at=datetime.now(UTC))

    model = CommentsModel()
    model.set_comments([comment(1, 90_000, "later"), comment(2, 5_000, "<b>early</b>\nline two"),
                        comment(3, 30_000, "from the host")])
    qtmodeltester.check(model, force_py=True)
    assert [model.index(row, 0).data(CommentRole.ID) for row in range(3)] == [2, 3, 1]
    assert model.index(0, 0).data() == "0:05  bob: <b>early</b> line two"  # plain text, one line
    assert model.index(1, 0).data() == "0:30  bob (creator): from the host"
    assert not model.index(2, 0).data(CommentRole.EDITED)

    # An edited comment says so, in the listener's language too.
    from PySide6.QtWidgets import QApplication

    from app.i18n import install_translator

    model.upsert(comment(1, 90_000, "later, corrected").model_copy(update={"edited_at": datetime.now(UTC)}))
    assert model.index(2, 0).data() == "1:30  bob: later, corrected  (edited)"
    assert model.index(2, 0).data(CommentRole.EDITED)
    assert install_translator(QApplication.instance(), "zh_CN") is not None
    try:
        assert model.index(2, 0).data() == "1:30  bob: later, corrected  （已编辑）"
    finally:
        install_translator(QApplication.instance(), "en")


def test_comment_threads_and_published_answers_pass_the_model_tester(qtmodeltester) -> None:
    from datetime import UTC, datetime

    from app.adapters.interactive import PinnedAnswer
    from app.components.interaction_comments import CommentRole, CommentsModel, PinnedAnswersModel
    from protocol.interactive import InteractionPublic

    def item(number: int, at_ms: int, author: str, *, parent: int | None = None, kind: str = "comment",
             creator: bool = False) -> InteractionPublic:
        return InteractionPublic(id=number, episode_id=1, kind=kind, text=f"text {number}",  # type: ignore[arg-type]
                                 at_ms=at_ms, parent_id=parent, author=author, by_creator=creator, pinned=False,
                                 visibility="visible", share_consent=False, created_at=datetime.now(UTC))

    model = CommentsModel()
    model.set_own_name("alice")
    # Replies follow their comment whatever their moment; a reply whose comment is not shown stands alone.
    model.set_comments([item(1, 10_000, "bob"), item(2, 90_000, "alice"), item(3, 95_000, "host", parent=1,
                                                                               creator=True),
                        item(4, 5_000, "alice", parent=3), item(5, 50_000, "carol", parent=99)])
    qtmodeltester.check(model, force_py=True)
    assert [model.index(row, 0).data() for row in range(5)] == [
        "0:10  bob: text 1", "  ↳ 1:35  host (creator): text 3", "    ↳ 0:05  alice (you): text 4",
        "  ↳ 0:50  carol: text 5", "1:30  alice (you): text 2"]
    assert [model.index(row, 0).data(CommentRole.MINE) for row in range(5)] == [False, False, True, False, True]
    model.upsert(item(6, 11_000, "dave", parent=1))
    model.remove([3, 4])  # hidden, or deleted with its reply
    assert [model.index(row, 0).data(CommentRole.ID) for row in range(model.rowCount())] == [1, 6, 5, 2]

    pinned = PinnedAnswersModel()
    pinned.set_answers([PinnedAnswer("Where?", item(7, 0, "bob", parent=8, kind="answer")),
                        PinnedAnswer("", item(9, 0, "eve", kind="answer"))])
    qtmodeltester.check(pinned, force_py=True)
    assert [pinned.index(row, 0).data() for row in range(2)] == ["“Where?” bob: text 7", "eve: text 9"]
