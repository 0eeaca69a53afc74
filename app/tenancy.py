"""The customer a piece of work belongs to, as logs and metrics name it.

There is one customer until the Customers issue lands; this is the one place that answers "which
customer", so that issue replaces this function (per request, per job, per LinkedIn client).
"""

from __future__ import annotations

DEFAULT_CUSTOMER_KEY = "default"


def customer_key() -> str:
    """The key of the customer of the current work (the single demo customer for now)."""
    return DEFAULT_CUSTOMER_KEY
