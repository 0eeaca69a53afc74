"""The first customer, built from the single-customer settings (RSC_LINKEDIN_CLIENT_ID, …).

Those settings only seed this one customer: migration 0004 makes it of an existing database's rows,
and the demo onboards it. Every other customer is onboarded (`rscgraph customers add|provision`).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.secret_keys import build_secret_box
from app.settings import Settings

FIRST_CUSTOMER_KEY = "default"
FIRST_CUSTOMER_NAME = "Default customer"


@dataclass(frozen=True, slots=True)
class FirstCustomer:
    """The columns of the first customer's row (the client secret already encrypted)."""

    key: str
    name: str
    client_id: str
    client_secret_encrypted: str
    org_urn: str
    contract_urn: str


def first_customer_values(settings: Settings | None = None) -> FirstCustomer:
    """The first customer from the LinkedIn settings, its secret encrypted under RSC_SECRET_KEYS."""
    settings = settings or Settings()
    box = build_secret_box(settings)
    return FirstCustomer(
        key=FIRST_CUSTOMER_KEY,
        name=FIRST_CUSTOMER_NAME,
        client_id=settings.linkedin_client_id,
        client_secret_encrypted=box.encrypt(settings.linkedin_client_secret),
        org_urn=settings.linkedin_org_urn,
        contract_urn=settings.linkedin_contract_urn,
    )
