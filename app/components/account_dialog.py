"""The account dialog: sign in, create an account, sign out; signed in, the account's purchases
with "Restore purchases", its signed-in devices (sign one out), and "Sync now" for subscriptions
and progress across devices.

It shows what the :class:`~app.adapters.account.AccountAdapter` reports and asks it for changes;
the password fields are cleared as soon as their text was handed over.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.adapters.account import AccountAdapter, AccountStatus, PurchaseRow
from app.components.account_devices import DeviceRole, DevicesModel
from app.components.account_purchases import PurchasesModel

DEVICES_TAB = 1
"""Index of the Devices tab (its list is read when the tab is opened)."""


class AccountDialog(QDialog):
    """Non-modal; :meth:`open_account` shows it and checks the current status."""

    message_shown = Signal(str)
    """Every error or confirmation shown in the dialog (tests follow it)."""

    def __init__(self, account: AccountAdapter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self.purchases_model = PurchasesModel(self)
        self.devices_model = DevicesModel(self)
        self._setup_ui()
        account.status_changed.connect(self._on_account_status_changed)
        account.error_occurred.connect(self._on_account_error_occurred)
        account.purchases_changed.connect(self._on_account_purchases_changed)
        account.restore_finished.connect(self.show_message)
        account.busy_changed.connect(self._on_account_busy_changed)
        account.devices_changed.connect(self.devices_model.set_devices)
        account.sync_finished.connect(self.show_message)
        self._on_account_busy_changed(account.busy)  # a check may be under way already

    def _setup_ui(self) -> None:
        self.setWindowTitle(self.tr("Castwise account"))
        self.setMinimumWidth(460)
        outer = QVBoxLayout(self)
        self.service_label = QLabel()
        self.service_label.setWordWrap(True)
        outer.addWidget(self.service_label)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack, 1)

        # Sign in
        self.sign_in_page = QWidget()
        form = QFormLayout(self.sign_in_page)
        self.login_edit = QLineEdit()
        self.login_edit.setAccessibleName(self.tr("E-mail address or username"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))
        self.password_edit.returnPressed.connect(self._on_sign_in_clicked)
        form.addRow(self.tr("E-mail address or username"), self.login_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        self.sign_in_button = QPushButton(self.tr("Sign in"))
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self._on_sign_in_clicked)
        self.create_account_button = QPushButton(self.tr("Create an account…"))
        self.create_account_button.clicked.connect(self._on_create_account_clicked)
        form.addRow(_row(self.create_account_button, self.sign_in_button))
        self.stack.addWidget(self.sign_in_page)

        # Create an account
        self.sign_up_page = QWidget()
        form = QFormLayout(self.sign_up_page)
        self.email_edit = QLineEdit()
        self.email_edit.setAccessibleName(self.tr("E-mail address"))
        self.username_edit = QLineEdit()
        self.username_edit.setAccessibleName(self.tr("Username"))
        self.new_password_edit = QLineEdit()
        self.new_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password_edit.setAccessibleName(self.tr("Password (at least 10 characters)"))
        form.addRow(self.tr("E-mail address"), self.email_edit)
        form.addRow(self.tr("Username"), self.username_edit)
        form.addRow(self.tr("Password (at least 10 characters)"), self.new_password_edit)
        self.sign_up_button = QPushButton(self.tr("Create account"))
        self.sign_up_button.clicked.connect(self._on_sign_up_clicked)
        back = QPushButton(self.tr("I already have an account"))
        back.clicked.connect(lambda: self.stack.setCurrentWidget(self.sign_in_page))
        form.addRow(_row(back, self.sign_up_button))
        self.stack.addWidget(self.sign_up_page)

        # Signed in: purchases and devices
        self.account_page = QWidget()
        page_layout = QVBoxLayout(self.account_page)
        self.signed_in_label = QLabel()
        self.signed_in_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page_layout.addWidget(self.signed_in_label)
        self.tabs = QTabWidget()
        page_layout.addWidget(self.tabs, 1)
        purchases_tab = QWidget()
        layout = QVBoxLayout(purchases_tab)
        self.purchases_view = QListView()
        self.purchases_view.setAccessibleName(self.tr("Purchases"))
        self.purchases_view.setUniformItemSizes(True)
        self.purchases_view.setModel(self.purchases_model)
        layout.addWidget(self.purchases_view, 1)
        self.no_purchases_label = QLabel(self.tr("No premium shows bought with this account yet."))
        self.no_purchases_label.setWordWrap(True)
        self.no_purchases_label.hide()  # until the list was read
        layout.addWidget(self.no_purchases_label)
        self.restore_button = QPushButton(self.tr("Restore purchases"))
        self.restore_button.setToolTip(self.tr("Subscribe on this computer to every premium show you bought"))
        self.restore_button.clicked.connect(self._on_restore_clicked)
        layout.addWidget(_row(self.restore_button))
        self.tabs.addTab(purchases_tab, self.tr("Purchases"))

        devices_tab = QWidget()
        layout = QVBoxLayout(devices_tab)
        self.devices_view = QListView()
        self.devices_view.setAccessibleName(self.tr("Signed-in devices"))
        self.devices_view.setUniformItemSizes(True)
        self.devices_view.setModel(self.devices_model)
        self.devices_view.selectionModel().currentChanged.connect(self._on_devices_current_changed)
        layout.addWidget(self.devices_view, 1)
        self.sign_out_device_button = QPushButton(self.tr("Sign out that device"))
        self.sign_out_device_button.setEnabled(False)
        self.sign_out_device_button.clicked.connect(self._on_sign_out_device_clicked)
        layout.addWidget(_row(self.sign_out_device_button))
        self.tabs.addTab(devices_tab, self.tr("Devices"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.devices_model.modelReset.connect(lambda: self.sign_out_device_button.setEnabled(False))

        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setToolTip(self.tr("Sync subscriptions and listening progress with your other devices (private feeds stay here)"))
        self.sync_button.clicked.connect(self._on_sync_clicked)
        self.sign_out_button = QPushButton(self.tr("Sign out"))
        self.sign_out_button.clicked.connect(self._on_sign_out_clicked)
        page_layout.addWidget(_row(self.sign_out_button, self.sync_button))
        self.stack.addWidget(self.account_page)

        self.message_label = QLabel()
        self.message_label.setObjectName("accountMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName(self.tr("Account messages"))
        outer.addWidget(self.message_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.hide)
        outer.addWidget(buttons)
        self.stack.setCurrentWidget(self.sign_in_page)

    # -- public --------------------------------------------------------------------------------------
    def open_account(self) -> None:
        """Show the dialog and find out whether (and as whom) this computer is signed in."""
        self.message_label.clear()
        self._account.check_status()
        self.show()
        self.raise_()
        self.activateWindow()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_shown.emit(text)

    # -- slots ---------------------------------------------------------------------------------------
    def _on_sign_in_clicked(self) -> None:
        login, password = self.login_edit.text().strip(), self.password_edit.text()
        if not login or not password:
            self.show_message(self.tr("Enter your e-mail address (or username) and password."))
            return
        self.password_edit.clear()
        self.message_label.clear()
        self._account.sign_in(login, password)

    def _on_create_account_clicked(self) -> None:
        self.message_label.clear()
        self.stack.setCurrentWidget(self.sign_up_page)

    def _on_sign_up_clicked(self) -> None:
        email, username = self.email_edit.text().strip(), self.username_edit.text().strip()
        password = self.new_password_edit.text()
        if not email or not username or not password:
            self.show_message(self.tr("Fill in an e-mail address, a username and a password."))
            return
        self.new_password_edit.clear()
        self.message_label.clear()
        self._account.sign_up(email, username, password)

    def _on_sign_out_clicked(self) -> None:
        self._account.sign_out()

    def _on_restore_clicked(self) -> None:
        self.show_message(self.tr("Restoring purchases…"))
        self._account.restore_purchases()

    def _on_sync_clicked(self) -> None:
        self.show_message(self.tr("Syncing…"))
        self._account.sync_now()

    def _on_tabs_current_changed(self, index: int) -> None:
        if index == DEVICES_TAB:
            self._account.load_devices()

    def _on_devices_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.sign_out_device_button.setEnabled(current.isValid() and not current.data(DeviceRole.CURRENT))

    def _on_sign_out_device_clicked(self) -> None:
        index = self.devices_view.currentIndex()
        if index.isValid() and not index.data(DeviceRole.CURRENT):
            self.sign_out_device_button.setEnabled(False)
            self._account.sign_out_device(int(index.data(DeviceRole.SESSION_ID)))

    def _on_account_status_changed(self, status: AccountStatus | None) -> None:
        url = self._account.last_service_url
        self.service_label.setText(self.tr("Castwise service: {url}").format(url=url) if url else "")
        if status is None:
            self.purchases_model.set_rows([])
            if self.stack.currentWidget() is self.account_page:
                self.stack.setCurrentWidget(self.sign_in_page)
            return
        text = self.tr("Signed in as {name}").format(name=status.display_name)
        if status.waiting_actions:
            text += "\n" + self.tr("{count} votes, answers or comments waiting to be sent").format(
                count=status.waiting_actions)
        self.signed_in_label.setText(text)
        self.stack.setCurrentWidget(self.account_page)
        self._account.load_purchases()
        if self.tabs.currentIndex() == DEVICES_TAB:
            self._account.load_devices()

    def _on_account_error_occurred(self, text: str) -> None:
        if self.isVisible():
            self.show_message(text)

    def _on_account_purchases_changed(self, rows: list[PurchaseRow]) -> None:
        self.purchases_model.set_rows(rows)
        self.no_purchases_label.setVisible(not rows)

    def _on_account_busy_changed(self, busy: bool) -> None:
        for button in (self.sign_in_button, self.sign_up_button, self.restore_button, self.sign_out_button,
                       self.sync_button):
            button.setEnabled(not busy)


def _row(*widgets: QWidget) -> QWidget:
    """Buttons side by side, pushed to the right."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addStretch(1)
    for widget in widgets:
        layout.addWidget(widget)
    return row
