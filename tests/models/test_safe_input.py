"""The safe-input rule: which text the databases can store, and JSON nesting found without recursion."""

from __future__ import annotations

import json
import random

import pytest

from models.safe_input import (
    MAX_JSON_DEPTH,
    NUL_MESSAGE,
    SURROGATE_MESSAGE,
    UnsafeInput,
    decode_json,
    json_nesting_depth,
    json_text_problem,
    text_problem,
)


def true_depth(value: object) -> int:
    """The nesting depth of a small decoded value, by recursion (fine at these sizes)."""
    if isinstance(value, dict):
        return 1 + max((true_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((true_depth(v) for v in value), default=0)
    return 0


def random_json(rng: random.Random, depth: int) -> object:
    """A random value mixing containers with strings full of brackets, quotes and backslashes."""
    kind = rng.randrange(4) if depth < 8 else 3
    if kind == 0:
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(3))]
    if kind == 1:
        return {rng.choice(["k", '{"', "[\\"]): random_json(rng, depth + 1) for _ in range(rng.randrange(3))}
    if kind == 2:
        return rng.randrange(-5, 5)
    return "".join(rng.choice('ab[]{}"\\') for _ in range(rng.randrange(6)))


@pytest.mark.parametrize(
    ("raw", "depth"),
    [
        (b"1", 0),
        (b"[]", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[{{{"}', 1),
        (b'["\\"[[[", "\\\\", []]', 2),
        (b"[" * 100_000, 100_000),
    ],
)
def test_the_nesting_depth_ignores_brackets_inside_strings(raw: bytes, depth: int) -> None:
    assert json_nesting_depth(raw) == depth


def test_the_nesting_depth_agrees_with_the_decoder_on_random_documents() -> None:
    rng = random.Random(8)
    for _ in range(500):
        value = random_json(rng, 0)
        raw = json.dumps(value).encode()
        assert json_nesting_depth(raw) == true_depth(value), raw


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("Grace Hopper", None),
        ("emoji \U0001f600 is one code point", None),
        ("a\x00b", NUL_MESSAGE),
        ("a\ud800", SURROGATE_MESSAGE),
        ("\udfff", SURROGATE_MESSAGE),
    ],
)
def test_text_problem_names_what_no_database_can_store(value: str, problem: str | None) -> None:
    assert text_problem(value) == problem


def test_a_problem_is_found_in_keys_and_at_any_depth_without_recursion() -> None:
    # given: deeper than the interpreter's recursion limit
    deep: object = "ok\x00"
    for _ in range(10_000):
        deep = [deep]
    # when / then
    assert json_text_problem({"a": [1, {"b\ud800": 2}]}) == SURROGATE_MESSAGE
    assert json_text_problem(deep) == NUL_MESSAGE
    assert json_text_problem({"a": ["fine", 1, None]}) is None


def test_decode_refuses_nesting_past_the_limit_and_takes_it_at_the_limit() -> None:
    at_limit = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert true_depth(decode_json(at_limit)) == MAX_JSON_DEPTH
    with pytest.raises(UnsafeInput, match="deeper than"):
        decode_json(b"[" + at_limit + b"]")
