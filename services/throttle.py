"""Per-user flood throttle: how many updates one person may send before the bot stops listening.

A pure policy over an injected monotonic clock (seconds). Every update a person sends counts,
the ones dropped too, so someone who keeps hammering stays silenced until they pause; the first
update over the limit gets one polite notice, the rest of that episode is dropped silently. The
state is kept per process (a flood spread over several replicas is throttled by each one) and is
lost on restart, which is acceptable for a guard against accidents and abuse.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    """What to do with one update."""

    PASS = "pass"  # handle it
    NOTICE = "notice"  # drop it and tell the person once
    DROP = "drop"  # drop it silently


@dataclass(frozen=True)
class Window:
    """At most ``limit`` updates in any ``seconds``."""

    limit: int
    seconds: float


# A double tap, a few quick commands or a whole /kendala conversation stay far below these;
# 300 commands in 10 s trip the first after the tenth.
DEFAULT_WINDOWS = (Window(10, 10.0), Window(30, 60.0))


class Throttle:
    """Sliding-window counts per key (a user id)."""

    def __init__(
        self,
        clock: Callable[[], float],
        windows: tuple[Window, ...] = DEFAULT_WINDOWS,
        *,
        cleanup_every: int = 1000,
    ) -> None:
        if not windows or any(w.limit < 1 or w.seconds <= 0 for w in windows):
            raise ValueError("every window needs a positive limit and length")
        self._clock = clock
        self._windows = windows
        self._longest = max(w.seconds for w in windows)
        self._keep = max(w.limit for w in windows) + 1  # enough to see any window overflow
        self._seen: dict[Hashable, deque[float]] = {}
        self._noticed: set[Hashable] = set()
        self._cleanup_every = cleanup_every
        self._calls = 0

    def hit(self, key: Hashable) -> Verdict:
        """Count one update from ``key`` and say what to do with it."""
        now = self._clock()
        self._calls += 1
        if self._calls % self._cleanup_every == 0:
            self._forget_idle(now)
        times = self._seen.get(key)
        if times is None:
            times = self._seen[key] = deque(maxlen=self._keep)
        times.append(now)
        over = any(
            sum(1 for t in times if now - t < window.seconds) > window.limit
            for window in self._windows
        )
        if not over:
            self._noticed.discard(key)  # the episode, if any, is over
            return Verdict.PASS
        if key in self._noticed:
            return Verdict.DROP
        self._noticed.add(key)
        return Verdict.NOTICE

    def tracked(self) -> int:
        """How many keys the throttle remembers (memory stays bounded by active people)."""
        return len(self._seen)

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, times in self._seen.items() if now - times[-1] >= self._longest]
        for key in idle:
            del self._seen[key]
            self._noticed.discard(key)
