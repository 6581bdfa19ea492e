"""The Castwise account in the real window, against the real service on 127.0.0.1: sign in
through the account dialog, restore a purchase (the premium show is subscribed through its
private feed), see a refunded show's access end, and read clear messages for a wrong password
or an unreachable service."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.bootstrap import Application, build
from app.models.podcasts import PodcastRole
from player.null_engine import ManualClock, NullEngine
from service.models import User
from service.payments import CHARGE_REFUNDED
from tests.account.conftest import service
from tests.account.helpers import LISTENER_PASSWORD, premium_world
from tests.account.helpers import sign_up as sign_up_on_service
from tests.account.liveservice import LiveService, free_port
from tests.service.world import deliver
from tests.support.httpserver import LocalHTTPServer, Resource

__all__ = ["service"]

WAIT_MS = 30_000
EPISODE_LENGTH_MS = 30 * 60 * 1000


@dataclass
class Gui:
    application: Application
    clock: ManualClock

    @property
    def window(self):  # type: ignore[no-untyped-def]
        return self.application.window

    @property
    def features(self):  # type: ignore[no-untyped-def]
        return self.application.window.account_features


def start_gui(qtbot, service_url: str, monkeypatch) -> Iterator[Gui]:  # type: ignore[no-untyped-def]
    """The real window over a fresh library, playing with a manual clock, pointed at ``service_url``."""
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service_url)
    clock = ManualClock()
    application = build(engine=NullEngine(clock=clock, default_duration_ms=EPISODE_LENGTH_MS), log_to_file=False)
    window = application.window
    qtbot.addWidget(window)
    window.show()
    window.load(refresh=False)
    window.account_features.install()  # at once, not after the start-up delay
    try:
        yield Gui(application, clock)
    finally:
        window.close()  # stops the live stream and the outbox worker first
        application.close()


running_gui = contextlib.contextmanager(start_gui)
"""``with running_gui(qtbot, url, monkeypatch) as gui:`` for a test that needs its own address."""


@pytest.fixture
def gui(qtbot, service: LiveService, monkeypatch) -> Iterator[Gui]:  # type: ignore[no-untyped-def]
    yield from start_gui(qtbot, service.url, monkeypatch)


def open_dialog(qtbot, gui: Gui):  # type: ignore[no-untyped-def]
    """The account dialog, once it has checked whether this computer is signed in (its buttons
    wait meanwhile)."""
    dialog = gui.features.show_account()
    qtbot.waitUntil(dialog.sign_in_button.isEnabled, timeout=WAIT_MS)
    return dialog


def sign_in(qtbot, gui: Gui, login: str, password: str):  # type: ignore[no-untyped-def]
    """Sign in through the account dialog, as a listener would; returns the dialog."""
    dialog = open_dialog(qtbot, gui)
    account = gui.features.account
    assert dialog.isVisible() and dialog.stack.currentWidget() is dialog.sign_in_page
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, password)
    with qtbot.waitSignal(account.status_changed, timeout=WAIT_MS, check_params_cb=lambda status: status is not None):
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.password_edit.text() == ""  # the password is not kept in the form
    return dialog


def purchases(dialog) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(row.title, row.state) for row in dialog.purchases_model.rows()]


def podcast_titles(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.library_page.podcast_model
    return [model.data(model.index(row, 0), PodcastRole.ROW).title for row in range(model.rowCount())]


def test_sign_in_restore_a_purchase_and_see_access_end_after_a_refund(
        qtbot, gui: Gui, service: LiveService, http_server: LocalHTTPServer) -> None:
    world = premium_world(service, http_server)
    window = gui.window
    dialog = sign_in(qtbot, gui, "listener", LISTENER_PASSWORD)
    assert dialog.stack.currentWidget() is dialog.account_page
    assert "listener <listener@example.org>" in dialog.signed_in_label.text()
    # Signed in, the account's live stream subscribes the show bought earlier by itself.
    qtbot.waitUntil(lambda: podcast_titles(window) == ["Deep Dives"], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: purchases(dialog) == [("Deep Dives", "subscribed")], timeout=WAIT_MS)

    # Unsubscribed, it stays away until the listener restores purchases.
    podcast_id = window.library_page.podcast_model.data(window.library_page.podcast_model.index(0, 0),
                                                        PodcastRole.ROW).podcast_id
    window.unsubscribe(podcast_id)
    qtbot.waitUntil(lambda: podcast_titles(window) == [], timeout=WAIT_MS)
    gui.features.account.load_purchases()
    qtbot.waitUntil(lambda: purchases(dialog) == [("Deep Dives", "available")], timeout=WAIT_MS)
    with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS,
                          check_params_cb=lambda text: "premium shows added" in text) as shown:
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert shown.args == ["1 premium shows added, 0 already here, 0 no longer available."]
    qtbot.waitUntil(lambda: podcast_titles(window) == ["Deep Dives"], timeout=WAIT_MS)
    assert purchases(dialog) == [("Deep Dives", "subscribed")]
    # The premium show's episode came through the private feed; its secret address stays in the keyring.
    from sqlalchemy import select

    from library.db.models import Episode, Podcast
    with gui.application.library.session() as session:
        (podcast,) = session.scalars(select(Podcast)).all()
        titles = session.scalars(select(Episode.title).where(Episode.podcast_id == podcast.id)).all()
    assert titles == ["Bonus episode"]
    assert podcast.feed_url.endswith("/private.xml")

    # The purchase is refunded while the app runs: access ends at once, and the list says so.
    with qtbot.waitSignal(window.message_shown, timeout=WAIT_MS,
                          check_params_cb=lambda text: "ended" in text) as told:
        deliver(service.api, service.context, CHARGE_REFUNDED, world.reference)
    assert told.args == ["Your access to Deep Dives ended; it is no longer refreshed."]
    qtbot.waitUntil(lambda: purchases(dialog) == [("Deep Dives", "ended")], timeout=WAIT_MS)
    assert dialog.purchases_model.index(0, 0).data() == "Deep Dives — access ended (refunded)"

    # Signing out goes back to the sign-in form and forgets the session.
    with qtbot.waitSignal(gui.features.account.status_changed, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.sign_out_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.sign_in_page
    assert gui.features.account.client().session is None


def test_a_wrong_password_says_so_and_stays_signed_out(qtbot, gui: Gui, service: LiveService,
                                                       http_server: LocalHTTPServer) -> None:
    premium_world(service, http_server)
    dialog = open_dialog(qtbot, gui)
    qtbot.keyClicks(dialog.login_edit, "listener")
    qtbot.keyClicks(dialog.password_edit, "not the password at all")
    with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS) as shown:
        qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert shown.args == ["Wrong e-mail address or password."]
    assert dialog.message_label.text() == "Wrong e-mail address or password."
    assert dialog.stack.currentWidget() is dialog.sign_in_page
    assert gui.features.account.client().session is None
    # After the service's limit of failed attempts, the listener is told to wait.
    messages = []
    for _attempt in range(10):
        qtbot.keyClicks(dialog.password_edit, "still not the password")
        with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS) as shown:
            qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        messages.append(shown.args[0])
        qtbot.waitUntil(dialog.sign_in_button.isEnabled, timeout=WAIT_MS)
    assert messages[:9] == ["Wrong e-mail address or password."] * 9
    assert messages[-1] == "Too many attempts. Try again in 5 minutes."


def test_create_an_account_then_use_it(qtbot, gui: Gui) -> None:
    dialog = open_dialog(qtbot, gui)
    qtbot.mouseClick(dialog.create_account_button, Qt.MouseButton.LeftButton)
    assert dialog.stack.currentWidget() is dialog.sign_up_page
    qtbot.keyClicks(dialog.email_edit, "newcomer@example.org")
    qtbot.keyClicks(dialog.username_edit, "newcomer")
    qtbot.keyClicks(dialog.new_password_edit, "short")
    with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS) as shown:
        qtbot.mouseClick(dialog.sign_up_button, Qt.MouseButton.LeftButton)
    assert "at least 10 characters" in shown.args[0]
    qtbot.keyClicks(dialog.new_password_edit, "a long enough password")
    with qtbot.waitSignal(gui.features.account.status_changed, timeout=WAIT_MS,
                          check_params_cb=lambda status: status is not None) as signed_in:
        qtbot.mouseClick(dialog.sign_up_button, Qt.MouseButton.LeftButton)
    assert signed_in.args[0].username == "newcomer"
    assert dialog.stack.currentWidget() is dialog.account_page
    qtbot.waitUntil(dialog.no_purchases_label.isVisible, timeout=WAIT_MS)
    assert dialog.purchases_model.rowCount() == 0


def test_a_taken_username_says_so_and_creates_nothing(qtbot, gui: Gui, service: LiveService) -> None:
    sign_up_on_service(service, "newcomer")
    dialog = open_dialog(qtbot, gui)
    qtbot.mouseClick(dialog.create_account_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.email_edit, "someone-else@example.org")
    qtbot.keyClicks(dialog.username_edit, "NewComer")
    qtbot.keyClicks(dialog.new_password_edit, "a long enough password")
    with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS) as shown:
        qtbot.mouseClick(dialog.sign_up_button, Qt.MouseButton.LeftButton)
    assert shown.args[0] == "That e-mail address or username already has an account. Sign in instead."
    assert gui.features.account.status is None
    with service.context.sessions() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 1


def test_an_unreachable_service_is_explained(qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with running_gui(qtbot, nowhere, monkeypatch) as gui:
        dialog = open_dialog(qtbot, gui)
        qtbot.keyClicks(dialog.login_edit, "listener")
        qtbot.keyClicks(dialog.password_edit, LISTENER_PASSWORD)
        with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS) as shown:
            qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
        assert shown.args == [f"The Castwise service at {nowhere} cannot be reached. Check the address in Settings "
                              "and your connection."]


def test_devices_can_be_signed_out_and_subscriptions_sync(qtbot, gui: Gui, service: LiveService,
                                                           http_server: LocalHTTPServer) -> None:
    premium_world(service, http_server)
    window = gui.window
    # Another device of the same account.
    laptop = service.api.post("/api/v1/auth/signin", json={"login": "listener", "password": LISTENER_PASSWORD,
                                                           "device_name": "Old laptop"}).json()
    dialog = sign_in(qtbot, gui, "listener", LISTENER_PASSWORD)
    dialog.tabs.setCurrentIndex(1)  # Devices
    model = dialog.devices_model
    # The listener's world signed in once from "laptop" already; then "Old laptop", then this computer.
    qtbot.waitUntil(lambda: model.rowCount() == 3, timeout=WAIT_MS)

    def shown() -> list[str]:
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    assert shown()[0].startswith("Castwise on ") and shown()[0].endswith("(this computer)")
    assert shown()[1].startswith("Old laptop, last used ") and shown()[2].startswith("laptop, last used ")
    dialog.devices_view.setCurrentIndex(model.index(0, 0))
    assert not dialog.sign_out_device_button.isEnabled()  # this computer signs out with "Sign out"
    dialog.devices_view.setCurrentIndex(model.index(1, 0))
    qtbot.mouseClick(dialog.sign_out_device_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    assert not any(text.startswith("Old laptop") for text in shown())
    refused = service.api.get("/api/v1/account", headers={"Authorization": f"Bearer {laptop['access_token']}"})
    assert refused.status_code == 401

    # Sync now: a show subscribed here goes to the account; the premium show's private feed does not.
    qtbot.waitUntil(lambda: podcast_titles(window) == ["Deep Dives"], timeout=WAIT_MS)
    from tests.app.conftest import podcast_feed
    open_feed = http_server.add("/open.xml", Resource(body=podcast_feed(http_server.url(""), [("Pilot", "/p.mp3", 60)],
                                                                        title="Open Show"),
                                                      content_type="application/rss+xml"))
    with qtbot.waitSignal(window.message_shown, timeout=WAIT_MS, check_params_cb=lambda text: "new episodes" in text):
        window.subscribe(open_feed)
    with qtbot.waitSignal(dialog.message_shown, timeout=WAIT_MS, check_params_cb=lambda text: text.startswith("Synced")):
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert dialog.message_label.text().startswith("Synced: 1 subscriptions sent, 0 received, 0 removed;")
    from sqlalchemy import select

    from service.models.sync import SubscriptionChange
    with service.context.sessions() as db:
        assert list(db.scalars(select(SubscriptionChange.url))) == [open_feed]


def test_the_service_address_comes_from_settings(qtbot, service: LiveService, http_server: LocalHTTPServer,
                                                monkeypatch) -> None:  # type: ignore[no-untyped-def]
    premium_world(service, http_server)
    monkeypatch.delenv("CASTWISE_SERVICE_URL", raising=False)
    with running_gui(qtbot, "", monkeypatch) as gui:
        dialog = open_dialog(qtbot, gui)
        assert dialog.message_label.text() == ("No Castwise service address is set. Enter it in Settings "
                                               "(Castwise service address).")
        editor = gui.window.settings_page.editors["service.url"]
        editor.setText(service.url)
        editor.editingFinished.emit()
        sign_in(qtbot, gui, "listener", LISTENER_PASSWORD)
        assert dialog.service_label.text() == f"Castwise service: {service.url}"
        qtbot.waitUntil(lambda: purchases(dialog) == [("Deep Dives", "subscribed")], timeout=WAIT_MS)


def test_purchases_model_passes_the_model_tester(qtmodeltester) -> None:
    from app.adapters.account import PurchaseRow
    from app.components.account_purchases import PurchaseRole, PurchasesModel

    model = PurchasesModel()
    model.set_rows([PurchaseRow(2, "Zeta Talks", "ended", "refunded"), PurchaseRow(1, "alpha hour", "subscribed"),
                    PurchaseRow(3, "Mid Show", "available")])
    qtmodeltester.check(model, force_py=True)
    assert [model.index(row, 0).data(PurchaseRole.STATE) for row in range(3)] == ["subscribed", "available", "ended"]
    assert model.index(2, 0).data() == "Zeta Talks — access ended (refunded)"


def test_start_up_loads_neither_the_account_nor_the_interactive_client(castwise_home) -> None:  # type: ignore[no-untyped-def]
    """Until the window is up (and a few seconds after), nothing of account/ or interactive/ is
    imported, so nothing can contact the service; the Account menu is there all the same."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.bootstrap import build
from player.null_engine import NullEngine
application = build(engine=NullEngine(), log_to_file=False)
window = application.window
window.show()
window.load(refresh=False)
for _ in range(20):
    app.processEvents()
print([action.text() for action in window.menuBar().actions()])
print(sorted(name for name in sys.modules if name.split(".")[0] in ("account", "interactive")))
application.close()
"""
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "CASTWISE_SERVICE_URL": "http://127.0.0.1:9"}
    result = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).resolve().parents[2], check=False)
    assert result.returncode == 0, result.stderr
    menus, loaded = result.stdout.strip().splitlines()[-2:]
    assert menus == "['&File', '&Account', '&Help']"
    assert loaded == "[]"


def test_devices_model_passes_the_model_tester(qtmodeltester) -> None:
    from datetime import UTC, datetime, timedelta

    from app.components.account_devices import DeviceRole, DevicesModel
    from protocol.accounts import SessionPublic

    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def device(number: int, name: str, hours_ago: int, current: bool = False) -> SessionPublic:
        return SessionPublic(id=number, device_name=name, created_at=now - timedelta(days=9),
                             last_used_at=now - timedelta(hours=hours_ago), current=current)

    model = DevicesModel()
    model.set_devices([device(1, "Phone", 5), device(2, "Desk", 9, current=True), device(3, "Tablet", 1)])
    qtmodeltester.check(model, force_py=True)
    assert [model.index(row, 0).data(DeviceRole.SESSION_ID) for row in range(3)] == [2, 3, 1]
    assert model.index(0, 0).data() == "Desk (this computer)"
    assert model.index(1, 0).data() == "Tablet, last used 2026-11-23 11:00 UTC"


def test_the_account_and_the_panel_speak_chinese(qtbot, castwise_home) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from account.errors import SignUpDetailsError
    from app.i18n import install_translator
    from app.preferences import LANGUAGE, Preferences
    from library.db import open_library

    with open_library() as library:
        Preferences(library).set(LANGUAGE, "zh_CN")
    application = build(engine=NullEngine(), log_to_file=False)
    try:
        window = application.window
        qtbot.addWidget(window)
        assert [action.text() for action in window.menuBar().actions()][1] == "账户(&A)"
        features = window.account_features
        features.install()
        dialog = features.account_dialog()
        assert dialog.sign_in_button.text() == "登录" and dialog.restore_button.text() == "恢复购买"
        panel = features.panel
        assert panel.vote_button.text() == "投票"
        assert panel.consent_check.text() == "允许创作者公开我的回答"
        assert window.now_playing.interactions_button.text() == "投票和评论"
        box = panel.comments_box
        assert (box.reply_button.text(), box.edit_button.text(), box.delete_button.text()) == ("回复", "编辑", "删除")
        assert box.pinned_label.text() == "创作者公开的回答"
        assert features.account.describe(SignUpDetailsError("x", field="password")) == "密码至少需要 10 个字符。"
        window.close()
    finally:
        application.close()
        install_translator(QApplication.instance(), "en")
