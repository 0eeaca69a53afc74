"""On a 429 the worker backs off the throttled records and pauses instead of sending the rest."""

from __future__ import annotations

from models import OutboxStatus, SyncEntity
from resolvers.sync.config import SyncConfig
from resolvers.sync.worker import OutboxWorker
from tests.conftest import Sandbox
from tests.resolvers.sync.conftest import Ats, Clock, pushed
from tests.resolvers.sync.test_crash_safety import three_candidates_with_applications


async def test_a_429_pauses_the_worker_and_the_rest_of_the_batch_is_sent_after_the_pause(
    ats: Ats, worker: OutboxWorker, sandbox: Sandbox, clock: Clock, sync_config: SyncConfig
) -> None:
    # given: LinkedIn throttles the candidate batch
    application_ids = await three_candidates_with_applications(ats)
    await sandbox.admin("POST", "faults", {"endpoint": "atsCandidates", "status": 429, "count": 1})
    await worker.run_once()
    after_429 = {(r.entity_type, r.status, r.attempts) for r in await ats.outbox()}
    paused = await worker.run_once()
    # when
    clock.advance(sync_config.throttle_pause_s)
    await worker.run_until_idle()
    # then
    assert after_429 == {
        (SyncEntity.JOB, OutboxStatus.PENDING, 0),  # submitted, waiting for its task
        (SyncEntity.CANDIDATE, OutboxStatus.PENDING, 1),  # throttled: backed off
        (SyncEntity.APPLICATION, OutboxStatus.PENDING, 0),  # never sent: handed back untouched
    }
    assert paused.claimed == 0
    assert [c["endpoint"] for c in await sandbox.admin("GET", "calls")].count("atsApplications") == 1
    state = await pushed(sandbox)
    assert (len(state["candidates"]), sorted(state["applications"])) == (3, sorted(map(str, application_ids)))
