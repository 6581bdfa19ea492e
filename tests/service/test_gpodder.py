"""gpodder.net API v2 as sync clients use it, including the real mygpoclient library against a
real server. App passwords only; they open sync and nothing else."""

from __future__ import annotations

import base64

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Account, LiveServer, sign_up


def app_password(client: TestClient, account: Account) -> str:
    response = client.post("/api/v1/app-passwords", headers=account.headers, json={"name": "AntennaPod"})
    assert response.status_code == 201
    return str(response.json()["password"])


def basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


@pytest.fixture
def alice(client: TestClient) -> tuple[Account, dict[str, str]]:
    account = sign_up(client, "alice")
    return account, basic("alice", app_password(client, account))


def test_unauthenticated_requests_get_a_basic_realm_and_account_passwords_do_not_work(
        client: TestClient, alice: tuple[Account, dict[str, str]]) -> None:
    account, _ = alice
    anonymous = client.get("/api/2/devices/alice.json")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Basic realm=")
    with_account_password = client.get("/api/2/devices/alice.json", headers=basic("alice", account.password))
    assert with_account_password.status_code == 401


def test_app_passwords_never_open_purchases_or_the_account(client: TestClient,
                                                           alice: tuple[Account, dict[str, str]]) -> None:
    _, headers = alice
    for path in ("/api/v1/account", "/api/v1/purchases", "/api/v1/entitlements", "/api/v1/account/export"):
        assert client.get(path, headers=headers).status_code == 401


def test_login_sets_a_session_cookie_that_works_until_logout(client: TestClient,
                                                              alice: tuple[Account, dict[str, str]]) -> None:
    _, headers = alice
    login = client.post("/api/2/auth/alice/login.json", headers=headers)
    assert login.status_code == 200
    assert "sessionid" in login.cookies
    assert client.get("/api/2/devices/alice.json").status_code == 200  # the cookie alone suffices
    assert client.post("/api/2/auth/alice/logout.json").status_code == 200
    client.cookies.clear()
    assert client.get("/api/2/devices/alice.json").status_code == 401


def test_subscription_deltas_follow_since_and_sync_groups_merge_devices(
        client: TestClient, alice: tuple[Account, dict[str, str]]) -> None:
    _, headers = alice
    assert client.post("/api/2/devices/alice/phone.json", headers=headers,
                       json={"caption": "Phone", "type": "mobile"}).status_code == 200
    first = client.post("/api/2/subscriptions/alice/phone.json", headers=headers,
                        json={"add": ["http://a.example/feed", " http://b.example/feed "], "remove": []}).json()
    assert first["update_urls"] == [[" http://b.example/feed ", "http://b.example/feed"]]
    delta = client.get("/api/2/subscriptions/alice/phone.json?since=0", headers=headers).json()
    assert delta["add"] == ["http://a.example/feed", "http://b.example/feed"] and delta["remove"] == []

    client.post("/api/2/subscriptions/alice/phone.json", headers=headers, json={"add": [], "remove": ["http://a.example/feed"]})
    later = client.get(f"/api/2/subscriptions/alice/phone.json?since={delta['timestamp']}", headers=headers).json()
    assert later["remove"] == ["http://a.example/feed"]

    both = client.post("/api/2/subscriptions/alice/phone.json", headers=headers,
                       json={"add": ["http://x.example/"], "remove": ["http://x.example/"]})
    assert both.status_code == 400

    client.post("/api/2/subscriptions/alice/laptop.json", headers=headers, json={"add": ["http://c.example/feed"]})
    status = client.post("/api/2/sync-devices/alice.json", headers=headers,
                         json={"synchronize": [["phone", "laptop"]], "stop-synchronize": []}).json()
    assert status == {"synchronized": [["laptop", "phone"]], "not-synchronized": []}
    merged = client.get("/api/2/subscriptions/alice/laptop.json?since=0", headers=headers).json()
    assert merged["add"] == ["http://b.example/feed", "http://c.example/feed"]
    devices = {row["id"]: row for row in client.get("/api/2/devices/alice.json", headers=headers).json()}
    assert devices["phone"]["caption"] == "Phone" and devices["phone"]["subscriptions"] == 2


def test_episode_actions_filter_on_receipt_time_and_tolerate_duplicates(
        client: TestClient, alice: tuple[Account, dict[str, str]]) -> None:
    _, headers = alice
    play = {"podcast": "http://a.example/feed", "episode": "http://a.example/1.mp3", "device": "phone",
            "action": "PLAY", "timestamp": "2026-01-02T03:04:05.123+01:00", "started": 0, "position": 120, "total": 600}
    download = {"podcast": "http://b.example/feed", "episode": "http://b.example/9.mp3", "action": "download",
                "timestamp": "2026-01-02T00:00:00"}
    uploaded = client.post("/api/2/episodes/alice.json", headers=headers, json=[play, download, play]).json()
    assert uploaded["update_urls"] == []
    client.post("/api/2/episodes/alice.json", headers=headers, json=[play])  # a retried upload
    everything = client.get("/api/2/episodes/alice.json?since=0", headers=headers).json()["actions"]
    assert everything == [
        {"podcast": "http://a.example/feed", "episode": "http://a.example/1.mp3", "device": "phone", "action": "play",
         "timestamp": "2026-01-02T02:04:05", "started": 0, "position": 120, "total": 600},
        {"podcast": "http://b.example/feed", "episode": "http://b.example/9.mp3", "action": "download",
         "timestamp": "2026-01-02T00:00:00"},
    ]
    # An action that happened long ago but arrives now (an offline device) is still "new".
    late = dict(play, position=300, timestamp="2020-01-01T00:00:00", device="tablet")
    client.post("/api/2/episodes/alice.json", headers=headers, json=[late])
    fresh = client.get(f"/api/2/episodes/alice.json?since={uploaded['timestamp']}", headers=headers).json()["actions"]
    assert {action["position"] for action in fresh if action["action"] == "play"} >= {300}
    only_b = client.get("/api/2/episodes/alice.json?podcast=http://b.example/feed", headers=headers).json()["actions"]
    assert [a["episode"] for a in only_b] == ["http://b.example/9.mp3"]
    tablet = client.get("/api/2/episodes/alice.json?device=tablet", headers=headers).json()["actions"]
    assert [a["position"] for a in tablet] == [300]
    aggregated = client.get("/api/2/episodes/alice.json?aggregated=true", headers=headers).json()["actions"]
    assert sorted((a["episode"], a.get("position")) for a in aggregated) == [
        ("http://a.example/1.mp3", 300), ("http://b.example/9.mp3", None)]


def test_malformed_episode_actions_store_nothing(client: TestClient, alice: tuple[Account, dict[str, str]]) -> None:
    _, headers = alice
    good = {"podcast": "http://a.example/feed", "episode": "http://a.example/1.mp3", "action": "download"}
    for bad in ({"action": "explode"}, {"action": "play", "position": -5}, {"action": "play", "timestamp": "yesterday"},
                {"action": "play", "position": "12"}):
        response = client.post("/api/2/episodes/alice.json", headers=headers, json=[good, {**good, **bad}])
        assert response.status_code == 400, bad
    assert client.post("/api/2/episodes/alice.json", headers=headers, content=b"{not json").status_code == 400
    assert client.get("/api/2/episodes/alice.json", headers=headers).json()["actions"] == []


def test_simple_api_round_trips_opml_json_and_text(client: TestClient, alice: tuple[Account, dict[str, str]]) -> None:
    _, headers = alice
    urls = ["http://a.example/feed", "https://b.example/feed?x=1&y=2"]
    assert client.put("/subscriptions/alice/desk.json", headers=headers, json=urls).status_code == 200
    assert client.get("/subscriptions/alice/desk.json", headers=headers).json() == urls
    assert client.get("/subscriptions/alice/desk.txt", headers=headers).text == "".join(u + "\n" for u in urls)
    opml = client.get("/subscriptions/alice.opml", headers=headers)
    assert opml.status_code == 200 and 'xmlUrl="https://b.example/feed?x=1&amp;y=2"' in opml.text
    assert client.put("/subscriptions/alice/desk.opml", headers=headers, content=opml.content).status_code == 200
    assert client.put("/subscriptions/alice/desk.txt", headers=headers, content=b"http://c.example/\n").status_code == 200
    assert client.get("/subscriptions/alice.json", headers=headers).json() == ["http://c.example/"]
    assert client.get("/subscriptions/alice/desk.xml", headers=headers).status_code == 404


def test_mygpoclient_round_trips_subscriptions_and_episode_actions(client: TestClient, live_server: LiveServer) -> None:
    from mygpoclient import api

    account = sign_up(client, "alice")
    password = app_password(client, account)
    remote = api.MygPodderClient("alice", password, live_server.url)
    remote.update_device_settings("antennapod", caption="Pixel", type="mobile")
    assert [(d.device_id, d.caption, d.type) for d in remote.get_devices()] == [("antennapod", "Pixel", "mobile")]

    result = remote.update_subscriptions("antennapod", ["http://a.example/feed", "http://b.example/feed"], [])
    assert result.update_urls == []
    changes = remote.pull_subscriptions("antennapod", 0)
    assert sorted(changes.add) == ["http://a.example/feed", "http://b.example/feed"] and changes.remove == []

    actions = [
        api.EpisodeAction("http://a.example/feed", "http://a.example/1.mp3", "play", device="antennapod",
                          timestamp="2026-03-04T05:06:07", started=10, position=70, total=1800),
        api.EpisodeAction("http://b.example/feed", "http://b.example/2.mp3", "download", device="antennapod",
                          timestamp="2026-03-04T05:06:08"),
        api.EpisodeAction("http://b.example/feed", "http://b.example/3.mp3", "delete", device="antennapod",
                          timestamp="2026-03-04T05:06:09"),
        api.EpisodeAction("http://b.example/feed", "http://b.example/4.mp3", "new", device="antennapod",
                          timestamp="2026-03-04T05:06:10"),
    ]
    remote.upload_episode_actions(actions)
    downloaded = remote.download_episode_actions(0)
    assert [a.to_dictionary() for a in downloaded.actions] == [a.to_dictionary() for a in actions]

    simple = __import__("mygpoclient.simple", fromlist=["SimpleClient"]).SimpleClient("alice", password, live_server.url)
    simple.put_subscriptions("kasts", ["http://k.example/feed"])
    assert simple.get_subscriptions("kasts") == ["http://k.example/feed"]
    wrong = api.MygPodderClient("alice", "not-the-password", live_server.url)
    from mygpoclient.http import Unauthorized

    with pytest.raises(Unauthorized):
        wrong.get_devices()


def test_concurrent_first_uploads_from_one_new_device_all_succeed(live_server: LiveServer, client: TestClient) -> None:
    """AntennaPod may fire subscription and episode uploads at once for a device it just named."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    account = sign_up(client, "alice")
    auth = ("alice", app_password(client, account))

    def upload(index: int) -> int:
        with httpx.Client(base_url=live_server.url, auth=auth, timeout=30) as web:
            return web.post("/api/2/subscriptions/alice/newphone.json",
                            json={"add": [f"http://feed{index}.example/rss"]}).status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(upload, range(6))) == [200] * 6
    with httpx.Client(base_url=live_server.url, auth=auth) as web:
        assert len(web.get("/api/2/subscriptions/alice/newphone.json").json()["add"]) == 6
        assert [d["id"] for d in web.get("/api/2/devices/alice.json").json()] == ["newphone"]
