"""simpleJobPostings batch_create and simpleJobPostingTasks, whose state follows the config clock."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from linkedin.sandbox import validation
from linkedin.sandbox.restli import RestliError, error_body, json_body, simple_ids
from linkedin.sandbox.state import JobTask, SandboxState

Json = dict[str, Any]
# A job whose title carries this marker is accepted, then its task FAILS (to exercise the failure path).
FAIL_MARKER = "[fail]"


async def create(request: Request, state: SandboxState) -> Response:
    """POST batch_create: one task id per valid element, a per-element 400 otherwise, in request order."""
    body = await json_body(request)
    elements = body.get("elements")
    if not isinstance(elements, list):
        raise RestliError(400, "Body must contain an 'elements' list")
    if len(elements) > state.config.max_batch:
        raise RestliError(
            400, f"Batch of {len(elements)} records exceeds the limit of {state.config.max_batch}"
        )
    state.charge_records("simpleJobPostings", len(elements))
    out: list[Json] = []
    for job in elements:
        problem = validation.job(job) if isinstance(job, dict) else "Element must be a JSON object"
        if problem:
            out.append({"status": 400, "message": problem})
            continue
        task = JobTask(
            id=state.next_id("task"),
            job=job,
            created_ms=state.config.now_ms(),
            fails=FAIL_MARKER in job["title"].lower(),
            job_posting_id=f"urn:li:jobPosting:{900_000 + state.counter}",
        )
        state.tasks[task.id] = task
        if not task.fails:
            state.jobs[(job["integrationContext"], job["externalJobPostingId"])] = job
        out.append({"status": 201, "id": task.id})
    return JSONResponse({"elements": out})


async def tasks(request: Request, state: SandboxState) -> Response:
    """GET simpleJobPostingTasks?ids=: IN_PROGRESS until `job_task_delay_ms` has passed, then the outcome."""
    ids = simple_ids(request.query_params)
    if not ids:
        raise RestliError(400, "Missing required parameter 'ids'")
    now = state.config.now_ms()
    results: dict[str, Json] = {}
    errors: dict[str, Json] = {}
    for task_id in ids:
        task = state.tasks.get(task_id)
        if task is None:
            errors[task_id] = error_body(404, f"Unknown task {task_id!r}")
        elif now - task.created_ms < state.config.job_task_delay_ms:
            results[task_id] = {"status": "IN_PROGRESS"}
        elif task.fails:
            results[task_id] = {"status": "FAILED", "message": "Job posting was rejected by LinkedIn"}
        else:
            results[task_id] = {"status": "SUCCEEDED", "jobPostingId": task.job_posting_id}
    return JSONResponse({"results": results, "errors": errors})
