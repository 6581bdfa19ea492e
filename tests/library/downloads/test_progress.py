"""Rate, ETA and retry delays: the numbers a listener sees while a download runs."""

from __future__ import annotations

from library.downloads import RetryPolicy
from library.downloads.progress import RateMeter, eta_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_rate_follows_the_last_few_seconds_not_the_whole_download() -> None:
    clock = Clock()
    meter = RateMeter(window_s=3.0, clock=clock)
    meter.reset(0)
    for second in range(1, 11):  # ten seconds at 1 MB/s
        clock.now += 1
        rate = meter.update(second * 1_000_000)
    assert rate == 1_000_000
    done = 10_000_000
    for _ in range(5):  # then five seconds at 100 kB/s
        clock.now += 1
        done += 100_000
        rate = meter.update(done)
    assert 99_000 <= rate <= 101_000


def test_a_reset_after_a_pause_does_not_count_the_pause() -> None:
    clock = Clock()
    meter = RateMeter(clock=clock)
    meter.reset(0)
    clock.now += 1
    meter.update(500_000)
    clock.now += 600  # paused ten minutes
    meter.reset(500_000)
    clock.now += 1
    assert meter.update(1_000_000) == 500_000


def test_eta_is_the_remaining_bytes_at_the_current_rate() -> None:
    assert eta_seconds(25_000_000, 100_000_000, 1_500_000) == 50.0
    assert eta_seconds(0, None, 1_000_000) is None  # no length announced
    assert eta_seconds(0, 1000, 0.0) is None  # stalled


def test_retry_delays_double_up_to_a_cap_and_honour_retry_after() -> None:
    policy = RetryPolicy(base_delay_s=1.0, max_delay_s=30.0)
    assert [policy.delay_s(failures) for failures in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert policy.delay_s(1, retry_after_s=12.0) == 12.0
    assert policy.delay_s(1, retry_after_s=3600.0) == 30.0
