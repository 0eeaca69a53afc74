"""Rate-limit token buckets shared by every process through PostgreSQL: one row per viewer's bucket.

`take_token` reads, refills, takes and writes a bucket in one `INSERT … ON CONFLICT DO UPDATE …
RETURNING`: the conflicting row is locked for the statement, so two processes taking from one bucket
at once are serialised by the database and neither overspends it. The arithmetic is the token bucket
of resolvers/rate_limit.py (`take`), written in SQL.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from models.tenant_keys import customer_id_field
from models.upsert import insert_for, table_of


class RateLimitBucket(SQLModel, table=True):
    """One viewer's token bucket (an API key's, or a user's within its customer)."""

    __tablename__ = "rate_limit_bucket"

    customer_id: int = customer_id_field()
    # Who within the customer: `api-key:<id>`, `user-id:<id>` or `user:<email>`.
    key: str = Field(primary_key=True, max_length=300)
    tokens: float = Field(sa_type=sa.Double, nullable=False)
    # The clock reading (Unix seconds) the tokens were counted at.
    counted_at: float = Field(sa_type=sa.Double, nullable=False)
    # Whether the last take got a token (so RETURNING tells the caller).
    granted: bool = Field(nullable=False)


_BUCKETS = table_of(RateLimitBucket)


async def take_token(
    db: AsyncSession,
    customer_id: int,
    key: str,
    *,
    capacity: float,
    refill_per_s: float,
    now: float,
) -> tuple[bool, float]:
    """Take one token from the bucket at `now` (a new bucket starts full); whether one was there, and
    the tokens left. The caller commits."""
    t = _BUCKETS.c
    now_value = sa.literal(now, sa.Double)
    elapsed = sa.case((t.counted_at < now_value, now_value - t.counted_at), else_=sa.literal(0.0, sa.Double))
    refilled = t.tokens + elapsed * refill_per_s
    available = sa.case((refilled > capacity, sa.literal(capacity, sa.Double)), else_=refilled)
    statement = insert_for(db, RateLimitBucket).values(
        customer_id=customer_id, key=key, tokens=capacity - 1, counted_at=now, granted=True
    )
    statement = statement.on_conflict_do_update(
        index_elements=[t.customer_id, t.key],
        set_={
            "tokens": sa.case((available >= 1, available - 1), else_=available),
            "counted_at": sa.case((t.counted_at < now_value, now_value), else_=t.counted_at),
            "granted": available >= 1,
        },
    ).returning(t.granted, t.tokens)
    granted, tokens = (await db.exec(statement)).one()
    return bool(granted), float(tokens)
