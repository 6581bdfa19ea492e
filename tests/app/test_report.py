"""The log file and "Report a problem" never carry secrets or private feed addresses."""

from __future__ import annotations

import logging

from app.logs import problem_report, setup_logging


def test_log_file_and_report_are_redacted(tmp_path) -> None:
    log_file = tmp_path / "castwise.log"
    handler = setup_logging(log_file)
    try:
        logging.getLogger("castwise.test").warning(
            "fetch failed for https://listener:hunter2@feeds.example.org/private.xml?auth=s3cr3tT0ken&x=1"
        )
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    written = log_file.read_text(encoding="utf-8")
    assert "fetch failed" in written
    for secret in ("hunter2", "s3cr3tT0ken"):
        assert secret not in written
    report = problem_report(log_file)
    assert report.startswith("Castwise ")
    assert "Python " in report and "fetch failed" in report
    assert "hunter2" not in report and "s3cr3tT0ken" not in report


def test_report_dialog_from_the_window(qtbot, app_window, tmp_path) -> None:
    window = app_window.window
    logging.getLogger("castwise.test").warning("token leak check https://x.example/feed?auth=abcdef123456")
    dialog = window.show_problem_report()
    qtbot.addWidget(dialog)
    text = dialog.text_view.toPlainText()
    assert "Castwise" in text and "token leak check" in text
    assert "abcdef123456" not in text
    dialog.save_to(tmp_path / "report.txt")
    assert (tmp_path / "report.txt").read_text(encoding="utf-8") == text
