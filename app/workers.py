"""A small runner of periodic background jobs; app/jobs.py registers them, a process runs them.

Register jobs with `add()`, then `start()`; `wake()` runs a job now rather than at its next tick;
`stop()` lets runs in flight finish within a grace period, cancels what is left and waits until every
job has ended. A job that raises is logged and runs again on its next tick: a worker never dies of one
failure.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

log = logging.getLogger("rscgraph.workers")

Job = Callable[[], Awaitable[object]]
# Told after every run: the job's name, how long it ran, whether it raised (e.g. app.metrics.job_ran).
RunObserver = Callable[[str, float, bool], None]


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    """A job run every `interval_s` seconds (after each run ends), first right at start if asked."""

    name: str
    interval_s: float
    run: Job
    run_at_start: bool = True


class Workers:
    """The process's periodic jobs."""

    def __init__(self, on_run: RunObserver | None = None) -> None:
        self._on_run = on_run
        self._jobs: list[PeriodicJob] = []
        self._wakes: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    @property
    def names(self) -> list[str]:
        """The registered jobs' names, in registration order."""
        return [job.name for job in self._jobs]

    def add(self, name: str, interval_s: float, run: Job, *, run_at_start: bool = True) -> None:
        """Register a job; an interval of 0 turns it off (the setting's convention) and adds nothing."""
        if interval_s < 0:
            raise ValueError(f"{name}: the interval must not be negative")
        if interval_s == 0:
            log.info("worker %s is off (interval 0)", name)
            return
        if self._tasks:
            raise RuntimeError("register workers before start()")
        self._jobs.append(PeriodicJob(name, interval_s, run, run_at_start))
        self._wakes[name] = asyncio.Event()

    def wake(self, name: str) -> None:
        """Run the job as soon as its current run (if any) ends; nothing when it is off."""
        wake = self._wakes.get(name)
        if wake is not None:
            wake.set()

    def start(self) -> None:
        """Start every registered job in the background."""
        for job in self._jobs:
            loop = _loop(job, self._wakes[job.name], self._stopping, self._on_run)
            self._tasks.append(asyncio.create_task(loop, name=f"worker:{job.name}"))

    async def stop(self, grace_s: float = 0.0) -> None:
        """Stop every job: no new runs; a run in flight gets `grace_s` to finish, then is cancelled (its
        leases are given back as it unwinds). Returns once all have ended."""
        tasks, self._tasks = self._tasks, []
        self._stopping.set()
        if tasks and grace_s > 0:
            _, late = await asyncio.wait(tasks, timeout=grace_s)
            if late:
                log.warning(
                    "%d background jobs still running after %.0f s; cancelling them", len(late), grace_s
                )
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _loop(
    job: PeriodicJob, wake: asyncio.Event, stopping: asyncio.Event, on_run: RunObserver | None
) -> None:
    # The loop is a task of its own: this binding names the job on its log lines only.
    structlog.contextvars.bind_contextvars(job=job.name)
    if not job.run_at_start:
        await _pause(job.interval_s, wake, stopping)
    while not stopping.is_set():
        await run_job(job, on_run)
        await _pause(job.interval_s, wake, stopping)


async def run_job(job: PeriodicJob, on_run: RunObserver | None = None) -> bool:
    """One run of a job; whether it succeeded. The one place every run passes (`on_run` is told)."""
    started, ok = time.monotonic(), True
    try:
        await job.run()
    except Exception:  # CancelledError is not an Exception: shutdown still stops the loop
        ok = False
        log.exception("worker %s failed; it runs again in %.0f s", job.name, job.interval_s)
    if on_run is not None:
        on_run(job.name, time.monotonic() - started, not ok)
    return ok


async def _pause(seconds: float, wake: asyncio.Event, stopping: asyncio.Event) -> None:
    # A wake-up during the run just ended is kept, so that it gets a run of its own; a stop ends the
    # pause at once.
    waits = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stopping.wait())]
    try:
        await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
    wake.clear()
