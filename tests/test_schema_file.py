"""The committed schema.graphql is the SDL the running server exports."""

from pathlib import Path

from graph.schema import schema

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == schema.as_str().strip(), "run: make schema"
