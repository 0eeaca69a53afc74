"""`rscgraph customers offboard KEY` as an operator runs it (a subprocess): it offboards the customer
through the sandbox with progress lines (a bar on a terminal), anonymises or deletes per --data, and
refuses to go on unconfirmed without a terminal."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

import models
from app.progress_text import TextProgress
from app.settings import Settings
from linkedin.sandbox.config import SandboxConfig
from models.db import SessionFactory
from resolvers import offboarding
from resolvers.tenants import Tenant
from tests.app.test_cli_customers import rscgraph
from tests.conftest import Sandbox
from tests.resolvers.offboarding_support import linkedin_state, synced_world


@pytest.fixture(autouse=True)
def _emptied_after(engine: AsyncEngine) -> None:
    """The child process writes the test's database; the engine fixture empties it afterwards."""


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(job_task_delay_ms=0)


async def test_offboard_anonymise_reports_progress_lines_and_leaves_no_person_behind(
    tmp_path: Path, settings: Settings, sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant
) -> None:
    # given: a synced customer
    await synced_world(sessions, tenant, candidates=3, mark="acme")
    # when
    code, out, err = await rscgraph(
        tmp_path,
        settings.model_copy(update={"offboarding_batch_size": 1}),
        "customers",
        "offboard",
        "acme",
        "--data",
        "anonymise",
        "--yes",
    )
    # then: it finished, reporting each batch on its own line (no terminal), then a summary
    assert code == 0, err
    # (log lines share stderr: a progress line is "<done>/<total> <step>")
    lines = [line for line in err.splitlines() if re.match(r"\d+/\d+ [a-z]", line)]
    assert lines[0].endswith("deleting on LinkedIn")
    assert lines[-1] == f"{lines[-1].split()[0]} done"
    assert len(lines) > 3
    assert out.splitlines()[-1].startswith("customer acme offboarded: ")
    assert "local data anonymised" in out
    shown = await rscgraph(tmp_path, settings, "customers", "show", "acme")
    assert shown[0] == 0, shown[2]
    (line,) = [line for line in shown[1].splitlines() if line.startswith("offboarding:")]
    assert line.split(":", 1)[1].strip().startswith("DONE (ANONYMISE), ")
    assert line.endswith(", 0 to go, 0 refused")
    # and: LinkedIn holds nothing of it; locally the candidates are kept without any personal field
    state = await linkedin_state(sandbox, None)
    assert (state["candidates"], state["applications"]) == ([], [])
    done = await offboarding.status(sessions, tenant.id)
    assert done is not None
    assert (done.state.value, done.remaining) == ("DONE", 0)
    async with sessions() as db:
        people = (
            await db.exec(
                select(models.Candidate.first_name, models.Candidate.email).where(
                    col(models.Candidate.customer_id) == tenant.id
                )
            )
        ).all()
        notes = (await db.exec(select(models.Note.id).where(col(models.Note.customer_id) == tenant.id))).all()
        applications = (
            await db.exec(
                select(models.Application.id).where(col(models.Application.customer_id) == tenant.id)
            )
        ).all()
    assert list(people) == [(None, None)] * 3
    assert list(notes) == []
    assert len(applications) == 3


async def test_offboard_without_a_terminal_needs_yes_and_changes_nothing(
    tmp_path: Path, settings: Settings, sandbox: Sandbox, sessions: SessionFactory, tenant: Tenant
) -> None:
    code, _, err = await rscgraph(tmp_path, settings, "customers", "offboard", "acme", "--data", "delete")

    assert code == 64
    assert err.splitlines()[-2:] == [
        "rscgraph: error: offboarding acme deletes its data on LinkedIn and here",
        "  fix: add --yes",
    ]
    assert await offboarding.status(sessions, tenant.id) is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_progress_is_one_bar_redrawn_in_place() -> None:
    screen = Terminal()
    progress = TextProgress(screen)

    progress.update(0, 4, "deleting on LinkedIn")
    progress.update(0, 4, "deleting on LinkedIn")  # unchanged: not drawn again
    progress.update(2, 4, "deleting on LinkedIn")
    progress.update(4, 4, "done")
    progress.close()

    drawn = screen.getvalue().split("\r")[1:]
    assert drawn == [
        f"[{'.' * 30}] 0/4 deleting on LinkedIn\x1b[K",
        f"[{'#' * 15}{'.' * 15}] 2/4 deleting on LinkedIn\x1b[K",
        f"[{'#' * 30}] 4/4 done\x1b[K\n",
    ]
