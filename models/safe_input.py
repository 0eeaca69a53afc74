"""Input the databases can store: one rule for every edge that takes text or JSON from outside.

The rule lives in models/ because its reasons are storage facts (PostgreSQL `text` refuses NUL, neither
driver can encode a lone UTF-16 surrogate, JSON columns are serialised recursively) and because models/
imports nothing: graph/ (GraphQL literals, variables, the HTTP body) and app/ (the webhook) both reach it
downwards, and linkedin/ stays wire-only (it is handed values already decoded here).
"""

from __future__ import annotations

import itertools
import json
import re

NUL_MESSAGE = "Strings must not contain the NUL character (U+0000)"
SURROGATE_MESSAGE = "Strings must not contain a lone surrogate (U+D800 to U+DFFF)"
# Far deeper than any GraphQL input or push notification we take, far shallower than the decoder's
# (and json.dumps') recursion limit.
MAX_JSON_DEPTH = 64

# A Python str holds a surrogate code point only when it was never paired (json.loads pairs escapes).
_UNSAFE = re.compile("[\x00\ud800-\udfff]")
# A JSON string, escapes included; possessive, so a long string costs no backtracking.
_JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_A_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEP = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")


class UnsafeInput(ValueError):
    """The input breaks the rule; the message says how, for the client."""


def text_problem(value: str) -> str | None:
    """Why `value` cannot be stored, or None when it can."""
    if value.isascii():  # O(1) for most text, which then needs only a memchr
        return NUL_MESSAGE if "\x00" in value else None
    found = _UNSAFE.search(value)
    if found is None:
        return None
    return NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE


def json_text_problem(value: object) -> str | None:
    """The first `text_problem` of any string (keys included) in a decoded JSON value; any depth."""
    # An explicit stack, not recursion: an in-process caller may hand over any nesting.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            problem = text_problem(item)
            if problem is not None:
                return problem
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return None


def json_nesting_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, found without recursion or a Python loop."""
    # Drop strings (their brackets are text), keep only brackets as +1 / -1, take the deepest prefix sum.
    brackets = _JSON_STRING.sub(b"", raw).translate(_BRACKET_STEP, _NOT_A_BRACKET)
    return max(itertools.accumulate(memoryview(brackets).cast("b")), default=0)


def _refuse_constant(name: str) -> object:
    raise UnsafeInput(f"The request is not valid JSON ({name} is not a JSON number)")


# Built once: json.loads builds a decoder per call when given any option.
_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


def decode_json(raw: bytes | str, *, max_depth: int = MAX_JSON_DEPTH) -> object:
    """Decode a JSON body nested at most `max_depth` deep whose text `text_problem` accepts.

    Raises UnsafeInput; a body nested too deep is refused before any decoding work.
    """
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")
    # The count of opening brackets bounds the depth: most bodies need no scan.
    if data.count(b"[") + data.count(b"{") > max_depth and json_nesting_depth(data) > max_depth:
        raise UnsafeInput(f"The request nests JSON arrays and objects deeper than {max_depth} levels")
    try:
        # Bytes as UTF-8 only, as RFC 8259 requires of JSON exchanged between systems.
        value = _DECODER.decode(raw if isinstance(raw, str) else raw.decode("utf-8"))
    except UnsafeInput:
        raise
    except ValueError as exc:
        # JSONDecodeError, UnicodeDecodeError, or an integer past Python's 4,300-digit limit.
        raise UnsafeInput("The request is not valid JSON") from exc
    problem = json_text_problem(value)
    if problem is not None:
        raise UnsafeInput(problem)
    return value
