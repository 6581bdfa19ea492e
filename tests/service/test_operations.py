"""What an operator relies on: settings that refuse unsafe secrets, ``castwise serve`` with no
configuration, an admin command, backups, durability across a killed worker, and logs that never
hold secrets."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from service.settings import SettingsError, load_settings
from tests.service.conftest import LiveServer, sign_up
from tests.service.test_gpodder import app_password, basic
from tests.service.world import build_store
from tests.support.httpserver import LocalHTTPServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("secret", ["", "changethis", "secret", "short-but-not-placeholder"])
def test_production_refuses_missing_or_placeholder_secrets(secret: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings({"CASTWISE_SERVICE_ENVIRONMENT": "production", "CASTWISE_SERVICE_SECRET_KEY": secret,
                       "CASTWISE_SERVICE_DATA_DIR": str(tmp_path)})


def test_production_accepts_a_real_secret_and_refuses_internal_fetching(tmp_path: Path) -> None:
    env = {"CASTWISE_SERVICE_ENVIRONMENT": "production", "CASTWISE_SERVICE_SECRET_KEY": "k" * 40 + "Zq81",
           "CASTWISE_SERVICE_DATA_DIR": str(tmp_path)}
    assert load_settings(env).secret_key == "k" * 40 + "Zq81"
    with pytest.raises(SettingsError, match="ALLOW_INTERNAL_FETCH"):
        load_settings({**env, "CASTWISE_SERVICE_ALLOW_INTERNAL_FETCH": "true"})
    with pytest.raises(SettingsError, match="PORT"):
        load_settings({**env, "CASTWISE_SERVICE_SMTP_PORT": "many"})


def test_development_generates_a_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = load_settings({"CASTWISE_SERVICE_DATA_DIR": str(tmp_path)})
    second = load_settings({"CASTWISE_SERVICE_DATA_DIR": str(tmp_path)})
    assert len(first.secret_key) >= 32 and first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_serve_in_production_without_a_secret_says_so_without_a_traceback(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASTWISE_SERVICE_")}
    env.update(CASTWISE_HOME=str(tmp_path), CASTWISE_SERVICE_ENVIRONMENT="production")
    result = subprocess.run([sys.executable, "-m", "app.cli.main", "serve", "--port", str(_free_port())], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "CASTWISE_SERVICE_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(home: Path, port: int, *options: str) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASTWISE_SERVICE_")}
    env.update(CASTWISE_HOME=str(home), CASTWISE_SERVICE_ARGON2_TIME_COST="1", CASTWISE_SERVICE_ARGON2_MEMORY_KIB="1024")
    process = subprocess.Popen([sys.executable, "-m", "app.cli.main", "serve", "--port", str(port), *options], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError("castwise serve did not start: " + (process.stdout.read() if process.stdout else b"").decode())


@pytest.mark.slow
def test_serve_with_no_configuration_and_a_killed_worker_loses_no_acknowledged_write(tmp_path: Path) -> None:
    port = _free_port()
    process = _start(tmp_path, port)
    try:
        data = tmp_path / "service"
        assert (data / "secret_key").exists() and (data / "castwise-service.sqlite3").exists()
        with socket.socket() as probe:  # bound to loopback only
            assert probe.connect_ex(("127.0.0.1", port)) == 0
        created = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/signup",
                             json={"email": "a@example.org", "username": "alice", "password": "long-password-1"})
        assert created.status_code == 201
    finally:
        process.send_signal(signal.SIGKILL)  # no clean shutdown: only what was committed survives
        process.wait(timeout=30)
    # No access lines by default; --access-log adds one per request.
    assert b"/api/v1/auth/signup" not in (process.stdout.read() if process.stdout else b"")
    process = _start(tmp_path, port, "--access-log")
    try:
        signed_in = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/signin",
                               json={"login": "alice", "password": "long-password-1"})
        assert signed_in.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert b'"POST /api/v1/auth/signin HTTP/1.1" 200' in (process.stdout.read() if process.stdout else b"")


def test_create_admin_and_online_backup_commands(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CASTWISE_SERVICE_")}
    env.update(CASTWISE_HOME=str(tmp_path), CASTWISE_SERVICE_ARGON2_TIME_COST="1", CASTWISE_SERVICE_ARGON2_MEMORY_KIB="1024")
    created = subprocess.run([sys.executable, "-m", "app.cli.main", "serve", "create-admin", "--email", "root@example.org",
                              "--username", "root", "--password-stdin"], input="a-long-admin-password\n", cwd=ROOT,
                             env=env, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stderr
    backup = tmp_path / "backup.sqlite3"
    copied = subprocess.run([sys.executable, "-m", "app.cli.main", "serve", "backup", str(backup)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert copied.returncode == 0, copied.stderr
    with sqlite3.connect(backup) as connection:
        assert connection.execute("SELECT username, is_admin, email_verified FROM users").fetchall() == [("root", 1, 1)]


def test_logs_never_hold_passwords_tokens_or_private_urls(client: TestClient, live_server: LiveServer,
                                                          http_server: LocalHTTPServer,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("uvicorn.access").setLevel(logging.INFO)
    logging.getLogger("uvicorn.access").propagate = True
    context = live_server.context
    store = build_store(client, context, http_server)
    secrets_seen = [store.listener.password, store.listener.access_token, store.listener.refresh_token]
    with httpx.Client(base_url=live_server.url) as web:
        signed = web.get("/api/v1/entitlements", headers=store.listener.headers).json()
        feed_url = json.loads(signed["payload"])["entitlements"][0]["private_feed_url"]
        path = feed_url.removeprefix("http://testserver")
        feed = web.get(path)
        assert feed.status_code == 200
        media = feed.text.split('url="http://testserver', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        assert web.get(media).status_code == 200
        web.post("/api/v1/auth/signin", json={"login": "listener", "password": "wrong-guess-password"})
        sync_password = app_password(client, store.listener)
        web.get("/api/2/devices/listener.json", headers=basic("listener", sync_password))
        web.get(f"/api/v1/account?access_token={store.listener.access_token}")
    secrets_seen += [path.rsplit("/", 1)[1].removesuffix(".xml"), media.split("sig=")[1], sync_password,
                     "wrong-guess-password"]
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /feeds/" in text and "/media/" in text, "the access log was not captured; the test would prove nothing"
    for secret in secrets_seen:
        assert secret not in text


def test_uvicorn_access_lines_are_masked_and_still_format() -> None:
    from uvicorn.logging import AccessFormatter

    from service.redaction import RedactingFilter

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d', (
        "127.0.0.1:5000", "GET", "/media/3?u=1&exp=9&sig=SECRETSIGNATURE", "1.1", 200), None)
    assert RedactingFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert line == '127.0.0.1:5000 - "GET /media/3?u=1&exp=9&sig=*** HTTP/1.1" 200 OK'


def test_oversized_and_malformed_bodies_get_a_clear_4xx(client: TestClient) -> None:
    alice = sign_up(client, "alice")
    huge = client.post("/api/v1/claims", headers={**alice.headers, "Content-Type": "application/json"},
                       content=b'{"feed_url": "' + b"a" * 2_000_000 + b'"}')
    assert huge.status_code == 413
    broken = client.post("/api/v1/claims", headers={**alice.headers, "Content-Type": "application/json"}, content=b"{")
    assert broken.status_code == 422
    wrong_type = client.post("/api/v1/checkout", headers=alice.headers, json={"price_id": "seven"})
    assert wrong_type.status_code == 422
    bad_token = client.get("/api/v1/account", headers={"Authorization": "Bearer not.a-token"})
    assert bad_token.status_code == 401
