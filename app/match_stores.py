"""The shared live-match cache in Redis (resolvers/match_cache.py holds the protocol and the flight).

Keys, each of one customer (its id leads, as a hash tag: a customer's keys share a cluster slot, so
its scripts are valid there too):

    rscgraph:live-match:{<customer>}:c:<candidate>     an answer (JSON), for the cache time
    rscgraph:live-match:{<customer>}:lock:<candidate>  a fetch under way (its token), for the claim time
    rscgraph:live-match:{<customer>}:outage            a recorded outage (JSON), for the backoff

Every key expires, so the store holds at most the candidates viewed within the cache time (a few hundred
bytes each). Every call is bounded by OP_TIMEOUT_S; a failure raises `SharedUnavailable`, logs a warning
once, and the cache is not asked for DOWN_S (the caller uses its process's own meanwhile).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

from resolvers.match_cache import Claim, SharedUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger("rscgraph.live_matches")

PREFIX: Final = "rscgraph:live-match"
# A Redis call answers in well under a millisecond; one that takes this long counts as a failure.
OP_TIMEOUT_S: Final = 0.5
# After a failure the store is left alone this long, so a dead Redis costs no tab a timeout each.
DOWN_S: Final = 5.0

# KEYS: the outage, then n answers, then n locks; ARGV: n, the claim token ('' claims nothing), its
# expiry (ms). Reply: the outage (or nil), then per candidate its answer, 1 (claimed now) or 0 (held by
# another fetch). Nothing is claimed during an outage: nobody asks LinkedIn then.
CLAIM_SCRIPT: Final = """
local n = tonumber(ARGV[1])
local outage = redis.call('GET', KEYS[1])
local token = ARGV[2]
if outage then token = '' end
local reply = {outage}
for i = 1, n do
  local answer = redis.call('GET', KEYS[1 + i])
  if answer then
    reply[i + 1] = answer
  elseif token ~= '' and redis.call('SET', KEYS[1 + n + i], token, 'NX', 'PX', ARGV[3]) then
    reply[i + 1] = 1
  else
    reply[i + 1] = 0
  end
end
return reply
"""

# KEYS: n answers, then n locks; ARGV: n, the token, the answers' expiry (ms), then n answers ('' for
# none). Only a claim still held is landed: a `forget` since (which deletes the lock) drops the answer.
LAND_SCRIPT: Final = """
local n = tonumber(ARGV[1])
for i = 1, n do
  if redis.call('GET', KEYS[n + i]) == ARGV[2] then
    if ARGV[3 + i] ~= '' and tonumber(ARGV[3]) > 0 then
      redis.call('SET', KEYS[i], ARGV[3 + i], 'PX', ARGV[3])
    end
    redis.call('DEL', KEYS[n + i])
  end
end
return n
"""

T = TypeVar("T")


def answer_key(customer_id: int, candidate_id: int) -> str:
    """The key of one candidate's answer."""
    return f"{PREFIX}:{{{customer_id}}}:c:{candidate_id}"


def lock_key(customer_id: int, candidate_id: int) -> str:
    """The key of one candidate's fetch claim."""
    return f"{PREFIX}:{{{customer_id}}}:lock:{candidate_id}"


def outage_key(customer_id: int) -> str:
    """The key of the customer's recorded outage."""
    return f"{PREFIX}:{{{customer_id}}}:outage"


def _ms(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


class RedisMatchStore:
    """Live matches, fetch claims and outages of every customer in one Redis."""

    def __init__(self, redis: Redis, *, op_timeout_s: float = OP_TIMEOUT_S, down_s: float = DOWN_S) -> None:
        from redis.exceptions import RedisError

        self._redis = redis
        self._claim = redis.register_script(CLAIM_SCRIPT)
        self._land = redis.register_script(LAND_SCRIPT)
        self._op_timeout_s = op_timeout_s
        self._down_s = down_s
        self._down_until = 0.0
        self._failures: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)

    def available(self) -> bool:
        """False while a recent failure's pause lasts."""
        return time.monotonic() >= self._down_until

    async def _call(self, what: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            async with asyncio.timeout(self._op_timeout_s):
                result = await call()
        except self._failures as exc:
            if self.available():
                log.warning(
                    "shared live-match cache: Redis failed to %s (%s); this process's own cache "
                    "serves for %g s",
                    what,
                    str(exc) or type(exc).__name__,
                    self._down_s,
                )
            self._down_until = time.monotonic() + self._down_s
            raise SharedUnavailable(what) from exc
        return result

    async def read(self, customer_id: int, candidate_ids: Sequence[int]) -> dict[int, bytes]:
        """The stored answers of these candidates."""
        if not candidate_ids:
            return {}
        keys = [answer_key(customer_id, i) for i in candidate_ids]
        values: list[Any] = await self._call("read", lambda: self._redis.mget(keys))
        return {i: v for i, v in zip(candidate_ids, values, strict=True) if isinstance(v, bytes)}

    async def claim(
        self, customer_id: int, candidate_ids: Sequence[int], *, token: str, claim_s: float
    ) -> Claim:
        """Stored answers, and a fetch claim on each candidate without one or a claim."""
        keys = [
            outage_key(customer_id),
            *(answer_key(customer_id, i) for i in candidate_ids),
            *(lock_key(customer_id, i) for i in candidate_ids),
        ]
        args: list[str | int] = [len(candidate_ids), token, _ms(claim_s)]
        reply: list[Any] = await self._call("claim", lambda: self._claim(keys=keys, args=args))
        found: dict[int, bytes] = {}
        claimed: list[int] = []
        held: list[int] = []
        for candidate_id, state in zip(candidate_ids, reply[1:], strict=True):
            if isinstance(state, bytes):
                found[candidate_id] = state
            elif state == 1:
                claimed.append(candidate_id)
            else:
                held.append(candidate_id)
        outage = reply[0] if isinstance(reply[0], bytes) else None
        return Claim(found=found, claimed=claimed, held=held, outage=outage)

    async def land(
        self, customer_id: int, answers: Mapping[int, bytes | None], *, token: str, ttl_s: float
    ) -> None:
        """Store the answers of the candidates `token` still holds, and end its claims."""
        if not answers:
            return
        ids = list(answers)
        keys = [*(answer_key(customer_id, i) for i in ids), *(lock_key(customer_id, i) for i in ids)]
        ttl_ms = _ms(ttl_s) if ttl_s > 0 else 0
        args: list[bytes | str | int] = [len(ids), token, ttl_ms, *(answers[i] or b"" for i in ids)]
        await self._call("store answers", lambda: self._land(keys=keys, args=args))

    async def record_outage(self, customer_id: int, outage: bytes, *, backoff_s: float) -> None:
        """Keep the customer's outage for `backoff_s`."""
        key = outage_key(customer_id)
        await self._call("record an outage", lambda: self._redis.set(key, outage, px=_ms(backoff_s)))

    async def forget(self, customer_id: int, candidate_ids: Sequence[int]) -> None:
        """Drop these candidates' answers and claims."""
        if not candidate_ids:
            return
        keys = [
            *(answer_key(customer_id, i) for i in candidate_ids),
            *(lock_key(customer_id, i) for i in candidate_ids),
        ]
        await self._call("forget answers", lambda: self._redis.delete(*keys))
