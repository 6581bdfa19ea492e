"""``castwise account``: sign in with a password that is never echoed, status, sessions, sign out."""

from __future__ import annotations

import pytest

from app.cli.main import main
from tests.account.helpers import PASSWORD, sign_up
from tests.account.liveservice import LiveService, free_port


@pytest.fixture
def typed_password(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the listener types at the hidden password prompt (getpass), one entry per prompt."""
    answers: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    return answers


def test_sign_in_status_sessions_and_sign_out(service: LiveService, monkeypatch, capsys, typed_password) -> None:
    sign_up(service, "ada")
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    typed_password.append(PASSWORD)
    assert main(["account", "signin", "--login", "ada@example.org", "--device", "desk"]) == 0
    out = capsys.readouterr()
    assert "signed in" in out.out and "ada" in out.out
    assert PASSWORD not in out.out + out.err
    assert main(["account", "status"]) == 0
    assert "as ada <ada@example.org>" in capsys.readouterr().out
    assert main(["account", "sessions"]) == 0
    listing = capsys.readouterr().out
    assert "* " in listing and "desk" in listing
    assert main(["account", "signout"]) == 0
    assert capsys.readouterr().out.strip() == "signed out"
    assert main(["account", "status"]) == 0
    assert "not signed in" in capsys.readouterr().out


def test_a_wrong_password_says_so_in_one_line(service: LiveService, monkeypatch, capsys, typed_password) -> None:
    sign_up(service, "ada")
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    typed_password.append("wrong password!")
    assert main(["account", "signin", "--login", "ada"]) == 1
    err = capsys.readouterr().err
    assert err == "castwise account: Wrong e-mail address or password.\n"


def test_an_unreachable_service_is_explained(monkeypatch, capsys, typed_password) -> None:
    monkeypatch.setenv("CASTWISE_SERVICE_URL", f"http://127.0.0.1:{free_port()}")
    typed_password.append(PASSWORD)
    assert main(["account", "signin", "--login", "ada"]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "Traceback" not in err


def test_without_a_service_address_the_listener_learns_how_to_set_one(monkeypatch, capsys) -> None:
    monkeypatch.delenv("CASTWISE_SERVICE_URL", raising=False)
    assert main(["account", "status"]) == 1
    assert "CASTWISE_SERVICE_URL" in capsys.readouterr().err


def test_an_ended_session_asks_to_sign_in_again(service: LiveService, monkeypatch, capsys, typed_password) -> None:
    sign_up(service, "ada")
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    typed_password.append(PASSWORD)
    assert main(["account", "signin", "--login", "ada"]) == 0
    capsys.readouterr()
    other = service.json("POST", "/api/v1/auth/signin", json={"login": "ada", "password": PASSWORD})
    mine = [item for item in service.json("GET", "/api/v1/sessions", token=other["access_token"]) if not item["current"]]
    service.json("DELETE", f"/api/v1/sessions/{mine[0]['id']}", token=other["access_token"])
    assert main(["account", "status"]) == 1
    assert "sign in again" in capsys.readouterr().err


def test_restore_prints_each_premium_show_and_never_its_private_address(
        service: LiveService, http_server, monkeypatch, capsys, typed_password) -> None:
    from tests.account.helpers import LISTENER_PASSWORD, premium_world

    premium_world(service, http_server)
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    typed_password.append(LISTENER_PASSWORD)
    assert main(["account", "signin", "--login", "listener"]) == 0
    assert main(["account", "restore"]) == 0
    out = capsys.readouterr().out
    assert "Deep Dives" in out and "1 premium shows added, 0 already here" in out
    assert "/feeds/" not in out  # no private address, not even its public stand-in
    assert main(["account", "restore"]) == 0
    assert "0 premium shows added, 1 already here" in capsys.readouterr().out
    assert main(["account", "status"]) == 0
    status = capsys.readouterr().out
    assert "1 premium shows on this device (0 no longer available)" in status
    assert "0 votes, comments or answers waiting to be sent" in status


def test_sync_reports_what_it_sent(service: LiveService, http_server, monkeypatch, capsys, typed_password) -> None:
    from library.db import open_library
    from library.subscriptions import Subscriptions
    from tests.account.test_sync import FEED
    from tests.support.httpserver import Resource

    sign_up(service, "ada")
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    feed_url = http_server.add("/open.xml", Resource(body=FEED, content_type="application/rss+xml"))
    with open_library() as library:
        Subscriptions(library).subscribe(feed_url)
    typed_password.append(PASSWORD)
    assert main(["account", "signin", "--login", "ada"]) == 0
    assert main(["account", "sync"]) == 0
    assert "1 subscriptions sent, 0 received, 0 removed; 0 progress updates sent" in capsys.readouterr().out
    assert main(["account", "sync"]) == 0
    assert "0 subscriptions sent" in capsys.readouterr().out


def test_an_opml_export_leaves_premium_feeds_out(service: LiveService, http_server, monkeypatch, capsys,
                                                 typed_password) -> None:
    from tests.account.helpers import LISTENER_PASSWORD, premium_world

    premium_world(service, http_server)
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    typed_password.append(LISTENER_PASSWORD)
    assert main(["account", "signin", "--login", "listener"]) == 0
    assert main(["account", "restore"]) == 0
    capsys.readouterr()
    assert main(["opml", "export", "-"]) == 0
    exported = capsys.readouterr().out
    assert "<opml" in exported and "/feeds/" not in exported and "Deep Dives" not in exported


def test_another_device_is_signed_out_from_the_command_line(service: LiveService, monkeypatch, capsys,
                                                            typed_password) -> None:
    sign_up(service, "ada")
    monkeypatch.setenv("CASTWISE_SERVICE_URL", service.url)
    phone = service.json("POST", "/api/v1/auth/signin", json={"login": "ada", "password": PASSWORD,
                                                              "device_name": "phone"})
    typed_password.append(PASSWORD)
    assert main(["account", "signin", "--login", "ada", "--device", "desk"]) == 0
    assert main(["account", "sessions", "--revoke", str(phone["session_id"])]) == 0
    assert f"signed out session {phone['session_id']}" in capsys.readouterr().out
    assert main(["account", "sessions"]) == 0
    listing = capsys.readouterr().out
    assert "desk" in listing and "phone" not in listing
    assert main(["account", "sessions", "--revoke", "999"]) == 1
    assert "no such session" in capsys.readouterr().err
