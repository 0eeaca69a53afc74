"""The Dockerfile parses, copies only what exists (and every package), installs from the lock, runs
`rscgraph serve`. (No image is built here: the test machine has no Docker daemon.)"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert pending == "", "the Dockerfile ends inside a continued line"
    parsed = []
    for text in logical:
        match = re.fullmatch(r"\s*([A-Z]+)\s+(.*\S)\s*", text)
        assert match, f"not an instruction: {text!r}"
        parsed.append((match.group(1), match.group(2)))
    return parsed


def test_every_instruction_is_known_and_json_forms_parse() -> None:
    known = {"FROM", "WORKDIR", "ENV", "COPY", "RUN", "USER", "EXPOSE", "HEALTHCHECK", "ENTRYPOINT", "CMD"}
    parsed = instructions()

    assert {name for name, _ in parsed} <= known
    assert parsed[0][0] == "FROM"
    assert json.loads(dict(parsed)["ENTRYPOINT"]) == ["rscgraph"]
    assert json.loads(dict(parsed)["CMD"]) == ["serve"]
    healthcheck = dict(parsed)["HEALTHCHECK"]
    assert json.loads(healthcheck[healthcheck.index("CMD ") + 4 :])[:2] == ["python", "-c"]


def test_it_copies_what_exists_and_every_package() -> None:
    copies = [args.split() for name, args in instructions() if name == "COPY" and "--from=" not in args]
    sources = [source for args in copies for source in args[:-1]]
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]

    assert [s for s in sources if not (ROOT / s).exists()] == []
    assert {p.rstrip("*") for p in packages["include"]} <= set(sources)


def test_it_installs_the_locked_versions_then_the_project_without_dependencies() -> None:
    runs = [args for name, args in instructions() if name == "RUN"]

    assert any("pip install --no-cache-dir --require-hashes -r requirements.lock" in run for run in runs)
    assert any("pip install --no-cache-dir --no-deps" in run for run in runs)
    assert any(run.startswith("npm ci") for run in runs)


def test_the_build_context_leaves_out_local_state() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".venv", "web/node_modules", "*.db", ".env", ".git", ".rscgraph"} <= set(ignored)
