"""Premium uploads in S3-compatible storage (a real S3 API server on 127.0.0.1, moto's): an
entitled listener is redirected to a short-lived presigned URL, a refunded one is not."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from fastapi.testclient import TestClient

from service.context import build_context
from service.main import create_app
from service.payments import CHARGE_REFUNDED
from service.redaction import redact
from service.settings import Settings
from tests.service.conftest import sign_up
from tests.service.world import AUDIO, buy, claim_show, deliver, upload
from tests.support.httpserver import LocalHTTPServer

CREDENTIALS = {"s3_access_key_id": "castwise-test", "s3_secret_access_key": "castwise-test-secret"}


@pytest.fixture
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_uploads_live_in_the_bucket_and_follow_entitlements(settings: Settings, s3_endpoint: str,
                                                             http_server: LocalHTTPServer) -> None:
    import boto3

    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                      aws_access_key_id=CREDENTIALS["s3_access_key_id"],
                      aws_secret_access_key=CREDENTIALS["s3_secret_access_key"])
    s3.create_bucket(Bucket="castwise-media")
    context = build_context(replace(settings, media_storage="s3", s3_bucket="castwise-media", s3_prefix="premium",
                                    s3_endpoint_url=s3_endpoint, s3_region="us-east-1", **CREDENTIALS))
    try:
        with TestClient(create_app(context=context)) as client:
            creator, listener = sign_up(client, "creator"), sign_up(client, "listener")
            _, show_id = claim_show(client, http_server, creator)
            upload(client, creator, show_id)
            [stored] = s3.list_objects_v2(Bucket="castwise-media")["Contents"]
            assert stored["Key"].startswith("premium/") and stored["Size"] == len(AUDIO)
            assert not (settings.data_dir / "media").exists()

            price = client.post(f"/api/v1/shows/{show_id}/prices", headers=creator.headers,
                                json={"amount_cents": 200}).json()
            _, reference = buy(client, context, listener, price["id"])
            signed = json.loads(client.get("/api/v1/entitlements", headers=listener.headers).json()["payload"])
            feed = client.get(signed["entitlements"][0]["private_feed_url"].removeprefix("http://testserver")).text
            media = re.search(r'url="http://testserver([^"]+)"', feed).group(1).replace("&amp;", "&")
            redirect = client.get(media, follow_redirects=False)
            assert redirect.status_code == 302
            location = redirect.headers["location"]
            assert location.startswith(s3_endpoint + "/castwise-media/premium/") and "X-Amz-Expires=60" in location
            assert httpx.get(location).content == AUDIO
            assert "***" in redact(location)  # presigned signatures are masked in logs

            deliver(client, context, CHARGE_REFUNDED, reference)
            assert client.get(media, follow_redirects=False).status_code == 404

            gone = client.request("DELETE", "/api/v1/account", headers=creator.headers, json={"password": creator.password})
            assert gone.status_code == 204
            assert s3.list_objects_v2(Bucket="castwise-media").get("KeyCount", 0) == 0
    finally:
        context.close()
