"""``castwise --demo``: a fresh library with the demo podcast, served locally, playable."""

from __future__ import annotations

import os

from app.demo import start_demo


def test_demo_serves_a_podcast_the_window_subscribes_to(qtbot, monkeypatch) -> None:
    monkeypatch.setenv("CASTWISE_HOME", os.environ["CASTWISE_HOME"])  # restored after the test
    session = start_demo()
    try:
        assert os.environ["CASTWISE_HOME"] == str(session.home)
        from app.bootstrap import build
        from player.null_engine import NullEngine

        application = build(engine=NullEngine(), log_to_file=False)
        window = application.window
        qtbot.addWidget(window)
        window.load(refresh=False)
        session.populate(application)
        page = window.library_page
        qtbot.waitUntil(lambda: page.podcast_model.rowCount() == 1, timeout=20_000)
        qtbot.waitUntil(lambda: page.episode_model.rowCount() == 3, timeout=10_000)
        titles = {page.episode_model.row_at(r).title for r in range(3)}
        assert "Welcome to Castwise" in titles
        assert all(page.episode_model.row_at(r).media_kind.value == "audio" for r in range(3))  # espeak-ng + sox made audio
        application.close()
    finally:
        session.close()
    assert not session.home.exists()
