"""The Castwise account and the episode's interactive layer, wired into the main window.

Start-up stays cheap: :class:`AccountFeatures` only adds the Account menu and a few signal
connections when the window is built. The account client, the interactive client (and the
pydantic models they bring) are imported, and the service is first contacted, when the listener
opens the account dialog, when an episode starts, or a few seconds after start (so votes and
comments an earlier run left queued are sent), whichever comes first.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QMenu

from app.preferences import SERVICE_URL

if TYPE_CHECKING:
    from app.adapters.account import AccountAdapter, AccountStatus
    from app.adapters.interactive import InteractiveAdapter, PinnedAnswer
    from app.components.account_dialog import AccountDialog
    from app.components.interaction_panel import InteractionPanel
    from app.main_window import MainWindow
    from interactive.cues import Cue
    from interactive.episodes import EpisodeInteractions
    from interactive.outbox import OutboxItem
    from player.controller import EpisodeMedia
    from protocol.interactive import TimelinePublic

log = logging.getLogger(__name__)

INSTALL_DELAY_MS = 4_000
"""Without an earlier need, the account parts are built this long after start-up."""


def _import_account_modules() -> int:
    """Import what :meth:`AccountFeatures.install` needs (only imports: no widget is created off
    the GUI thread). Returns how many modules were asked for."""
    import importlib

    names = ("app.adapters.account", "app.adapters.interactive", "app.components.interaction_panel")
    for name in names:
        importlib.import_module(name)
    return len(names)


class AccountFeatures(QObject):
    """Owns the account adapter and dialog, the interactive adapter and the interaction panel."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.account: AccountAdapter | None = None
        self.interactive: InteractiveAdapter | None = None
        self.panel: InteractionPanel | None = None
        self._dialog: AccountDialog | None = None
        self._offered: tuple[int, Cue] | None = None
        """The interactive episode's id and the poll or question the panel offers (offered again
        when the episode reloads, after signing in from the panel)."""
        menu_bar = window.menuBar()
        menu = QMenu(self.tr("&Account"), window)
        actions = menu_bar.actions()
        if actions:  # before Help, which stays last where listeners look for it
            menu_bar.insertMenu(actions[-1], menu)
        else:
            menu_bar.addMenu(menu)
        menu.addAction(self.tr("Account and purchases…"), self.show_account)
        playback = window.services.playback
        if playback is not None:
            playback.episode_changed.connect(self._on_playback_episode_changed)
        window.installEventFilter(self)
        # A child timer: it dies with the window, so it never fires into a closed one.
        self._install_timer = QTimer(self)
        self._install_timer.setSingleShot(True)
        self._install_timer.timeout.connect(self._on_install_timer_timeout)
        self._install_timer.start(INSTALL_DELAY_MS)

    def _on_install_timer_timeout(self) -> None:
        # Importing the account and interactive clients (httpx, the pydantic models) takes
        # ~0.5 s of CPU: done on a worker thread, the window keeps answering meanwhile, and only
        # the cheap part (building the adapters and the panel) runs on the GUI thread.
        self._window.services.tasks.submit(
            _import_account_modules, on_result=lambda _modules: self.install(),
            on_error=lambda _error: self.install(),
        )

    # -- building ------------------------------------------------------------------------------------
    def install(self) -> None:
        """Build the adapters, the dialog's owner and the panel (once), and check the account."""
        if self.account is not None:
            return
        from app.adapters.account import AccountAdapter
        from app.adapters.interactive import InteractiveAdapter
        from app.components.interaction_panel import InteractionPanel
        from library.paths import resolve_paths

        services = self._window.services
        library, paths = services.catalog.library, resolve_paths()
        self.account = AccountAdapter(library=library, paths=paths, subscriptions=services.subscriptions,
                                      tasks=services.tasks, parent=self)
        self.interactive = InteractiveAdapter(self.account, library=library, paths=paths, tasks=services.tasks,
                                              parent=self)
        self.panel = InteractionPanel()
        self.panel.hide()
        bar = self._window.now_playing
        bar.set_interaction_panel(self.panel)
        bar.interactions_toggled.connect(self.panel.setVisible)
        self._connect(self.account, self.interactive, self.panel)
        self._window.settings_page.preference_changed.connect(self._on_settings_preference_changed)
        link = getattr(self._window, "now_playing_link", None)
        if link is not None:
            link.position_changed.connect(self._on_now_playing_position_changed)
        self.account.check_status()

    def _connect(self, account: AccountAdapter, interactive: InteractiveAdapter, panel: InteractionPanel) -> None:
        account.status_changed.connect(self._on_account_status_changed)
        account.library_changed.connect(self._window.library_page.reload)
        account.access_ended.connect(self._on_account_access_ended)
        interactive.episode_cleared.connect(self._on_interactive_episode_cleared)
        interactive.episode_loaded.connect(self._on_interactive_episode_loaded)
        interactive.timeline_changed.connect(self._on_interactive_timeline_changed)
        interactive.cue_reached.connect(self._on_interactive_cue_reached)
        interactive.poll_loaded.connect(panel.show_poll)
        interactive.tally_changed.connect(panel.show_tally)
        interactive.comments_loaded.connect(panel.show_comments)
        interactive.comment_arrived.connect(panel.add_live_comment)
        interactive.comments_removed.connect(panel.remove_comments)
        interactive.pinned_answers_changed.connect(panel.set_pinned_answers)
        interactive.answer_pinned.connect(self._on_interactive_answer_pinned)
        interactive.action_delivered.connect(self._on_interactive_action_delivered)
        interactive.message_shown.connect(self._on_interactive_message_shown)
        panel.vote_requested.connect(interactive.vote)
        panel.answer_requested.connect(lambda question_id, text, consent: interactive.answer(
            question_id, text, share_consent=consent))
        panel.comment_requested.connect(interactive.comment)
        panel.reply_requested.connect(interactive.reply)
        panel.edit_requested.connect(interactive.edit_comment)
        panel.delete_requested.connect(interactive.delete_comment)
        panel.report_requested.connect(interactive.report)
        panel.comments_requested.connect(interactive.load_comments)
        panel.sign_in_requested.connect(self.show_account)

    def account_dialog(self) -> AccountDialog:
        """The account dialog (built on first use)."""
        self.install()
        if self._dialog is None:
            from app.components.account_dialog import AccountDialog

            assert self.account is not None
            self._dialog = AccountDialog(self.account, self._window)
        return self._dialog

    def show_account(self) -> AccountDialog:
        """Open the account dialog: sign in, create an account, purchases, sign out."""
        dialog = self.account_dialog()
        dialog.open_account()
        return dialog

    def shutdown(self) -> None:
        """Stop the live stream and the outbox worker (queued actions stay stored)."""
        if self.interactive is not None:
            self.interactive.close()
        if self.account is not None:
            self.account.close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    # -- slots ---------------------------------------------------------------------------------------
    def _on_playback_episode_changed(self, media: EpisodeMedia) -> None:
        self.install()
        assert self.interactive is not None
        self.interactive.open_episode(media.episode_id, media.duration_ms or 0, media.start_ms)

    def _on_now_playing_position_changed(self, position_ms: int) -> None:
        if self.panel is not None:
            self.panel.set_position(position_ms)
        if self.interactive is not None:
            self.interactive.on_position(position_ms)

    def _on_account_status_changed(self, status: AccountStatus | None) -> None:
        if self.panel is not None:
            self.panel.set_signed_in(status is not None, _own_name(status))

    def _on_settings_preference_changed(self, key: str) -> None:
        if key == SERVICE_URL.key and self.account is not None and self.interactive is not None:
            # Another service: another account (or none) and other interactions for the episode.
            self.account.check_status()
            self.interactive.reload()

    def _on_account_access_ended(self, title: str) -> None:
        self._window.show_message(self.tr("Your access to {title} ended; it is no longer refreshed.").format(
            title=title))

    def _on_interactive_episode_cleared(self) -> None:
        self._window.now_playing.set_interactions_available(False)
        self._window.now_playing.set_interactions([], [])
        if self.panel is not None:
            self.panel.clear()

    def _on_interactive_episode_loaded(self, interactions: EpisodeInteractions) -> None:
        self._window.now_playing.set_interactions_available(True)
        if self.panel is None or self.interactive is None:
            return
        self.panel.clear()
        status = self.account.status if self.account is not None else None
        self.panel.set_signed_in(self.interactive.can_act, _own_name(status))
        # Where playback is (it may not have moved yet): a comment made now belongs here.
        position_ms = self.interactive.position_ms
        self.panel.set_position(position_ms)
        self.interactive.load_comments(position_ms)
        offered = self._offered
        if offered is not None and offered[0] == interactions.episode_id:
            self._offer(offered[1])  # the same episode again (signed in meanwhile): still on offer
            return
        # A poll or question "for any time" has no moment to wait for: it is in the panel at once.
        anytime = interactions.cue_tracker().anytime
        if anytime:
            self._offer(anytime[0])

    def _on_interactive_timeline_changed(self, timeline: TimelinePublic) -> None:
        from app.widgets.timeline import CommentDensity, TimelineMark

        marks = [TimelineMark(mark.at_ms, mark.label, mark.kind) for mark in timeline.marks]
        density = [CommentDensity(bucket.start_ms, timeline.bucket_ms, bucket.comments) for bucket in timeline.buckets]
        self._window.now_playing.set_interactions(marks, density)

    def _on_interactive_cue_reached(self, cue: Cue) -> None:
        self._offer(cue)
        self._window.now_playing.interactions_button.setChecked(True)  # opens the panel

    def _offer(self, cue: Cue) -> None:
        """Put the poll or question of ``cue`` in the panel (a poll's options load in the background)."""
        if self.panel is None or self.interactive is None:
            return
        session = self.interactive.session
        if session is not None:
            self._offered = (session.episode_id, cue)
        if cue.kind == "poll":
            self.panel.offer_poll(int(cue.id), cue.label)
            self.interactive.load_poll(int(cue.id))
        elif cue.kind == "question":
            self.panel.offer_question(int(cue.id), cue.label)

    def _on_interactive_action_delivered(self, item: OutboxItem) -> None:
        if self.panel is None:
            return
        texts = {
            "vote": self.tr("Your vote counted."),
            "answer": self.tr("Your answer reached the creator."),
            "comment": self.tr("Your comment was posted."),
            "report": self.tr("Thank you: the creator will look at this comment."),
            "edit": self.tr("Your comment was changed."),
            "delete": self.tr("Your comment was deleted."),
        }
        if item.kind == "comment" and _visibility(item.response) == "pending":
            self.panel.show_status(self.tr("Your comment waits for the creator's approval."))
            return
        if item.kind == "edit" and _visibility(item.response) == "pending":
            self.panel.show_status(self.tr("Your changed comment waits for the creator's approval."))
            return
        self.panel.show_status(texts.get(item.kind, ""))

    def _on_interactive_answer_pinned(self, pinned: PinnedAnswer) -> None:
        if self.panel is None:
            return
        status = self.account.status if self.account is not None else None
        if pinned.answer.author == _own_name(status):
            self.panel.show_status(self.tr("The creator published your answer."))
        else:
            self.panel.show_status(self.tr("The creator published an answer from {author}.").format(
                author=pinned.answer.author))

    def _on_interactive_message_shown(self, text: str) -> None:
        if self.panel is not None:
            self.panel.show_status(text)
        self._window.show_message(text)


def _visibility(response: str | None) -> str | None:
    """The ``visibility`` of a delivered comment, from the service's JSON answer."""
    try:
        body = json.loads(response or "")
    except ValueError:
        return None
    return body.get("visibility") if isinstance(body, dict) else None


def _own_name(status: AccountStatus | None) -> str | None:
    """The signed-in listener's username as comments show it (``None`` when unknown)."""
    if status is None:
        return None
    if status.username:
        return status.username
    return status.login if "@" not in status.login else None  # offline, signed in by username
