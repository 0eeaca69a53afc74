"""Development sign-in with the local signing key: the demo's users, `POST /auth/dev-token` (the
candidate page signs in through it) and GraphiQL's ready `Authorization` header. The factory adds these
only in development with no identity provider configured (`Settings.dev_tokens`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from app.auth.dev_key import dev_signing_key
from app.auth.tokens import claim_names
from app.settings import Settings
from models.safe_input import UnsafeInput, decode_json
from resolvers import users
from resolvers.services import Services
from resolvers.tenants import UnknownCustomer
from resolvers.viewer import Role

DEV_TOKEN_PATH = "/auth/dev-token"
MAX_BODY_BYTES = 4096
MAX_USER_CHARS = 254
# GraphiQL opens as this customer's first recruiter unless RSC_DEV_CUSTOMER names another customer.
GRAPHIQL_CUSTOMER = "acme"


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A user the demo signs in as: of one customer, or (customer None) the vendor's operator."""

    email: str
    name: str
    role: Role
    customer: str | None = None


OPERATOR = DemoUser("operator@rscgraph.demo", "Olive Operator", Role.OPERATOR)
# How many of a customer's seat holders the demo signs in as recruiters.
DEMO_RECRUITERS = 2


async def demo_users_of(services: Services, customer: str) -> list[DemoUser]:
    """A customer's demo users: its admin, then the recruiters holding its first seats (their rows, seeded
    with the seats' person URNs, take the token's subject on first sign-in)."""
    tenant = await services.tenants.by_key(customer)
    rows, _ = await users.users_page(services.sessions, tenant.id, offset=0, limit=100)
    holders = [row for row in rows if Role.RECRUITER.value in row.role_names and row.person_urn]
    recruiters = sorted(holders, key=lambda row: row.id or 0)[:DEMO_RECRUITERS]
    return [
        DemoUser(f"admin@{customer}.demo", "Avery Admin", Role.ADMIN, customer),
        *(DemoUser(row.email, row.name, Role.RECRUITER, customer) for row in recruiters),
    ]


def dev_token(
    settings: Settings, *, user: str, role: Role, customer: str | None, name: str | None = None
) -> str:
    """A bearer token of the development signing key (made in RSC_DATA_DIR on first use)."""
    return dev_signing_key(settings.data_dir).sign(
        audience=settings.auth_audience,
        claims=claim_names(settings),
        user=user,
        role=role,
        customer=customer,
        name=name,
    )


async def graphiql_headers(request: Request) -> Mapping[str, str]:
    """GraphiQL's opening headers: a token of a recruiter of RSC_DEV_CUSTOMER (default acme, else the
    oldest customer); an operator's when there is no customer yet."""
    settings: Settings = request.state.settings
    services: Services = request.state.services
    try:
        key: str | None = (await services.tenants.by_key(settings.dev_customer or GRAPHIQL_CUSTOMER)).key
    except UnknownCustomer:
        first = await services.tenants.first()
        key = first.key if first is not None else None
    # The customer's first recruiter (the candidate tabs are theirs), else its admin.
    user = OPERATOR
    if key is not None:
        demo = await demo_users_of(services, key)
        user = demo[1] if len(demo) > 1 else demo[0]
    token = dev_token(settings, user=user.email, role=user.role, customer=key, name=user.name)
    return {"Authorization": f"Bearer {token}"}


def _refused(message: str, status: int = 400) -> Response:
    return JSONResponse({"error": message}, status_code=status)


async def issue_dev_token(request: Request) -> Response:
    """`POST /auth/dev-token` `{customer, user, role}` → `{token}`: sign in as anyone (development only)."""
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        return _refused("the body is too large", 413)
    try:
        data = decode_json(body)
    except UnsafeInput as exc:
        return _refused(str(exc))
    if not isinstance(data, dict):
        return _refused('expected {"customer": KEY, "user": EMAIL, "role": ROLE}')
    roles = {role.value: role for role in Role}
    role, user, customer = data.get("role"), data.get("user"), data.get("customer")
    if not isinstance(role, str) or role not in roles:
        return _refused(f"role must be one of {', '.join(roles)}")
    if not isinstance(user, str) or not user.strip() or len(user) > MAX_USER_CHARS:
        return _refused(f"user must be an email or name of 1 to {MAX_USER_CHARS} characters")
    if roles[role] is Role.OPERATOR:
        if customer is not None:
            return _refused("an operator belongs to no customer: leave customer out")
    elif not isinstance(customer, str):
        return _refused("customer must be a customer's key")
    else:
        services: Services = request.state.services
        try:
            await services.tenants.by_key(customer)
        except UnknownCustomer:
            return _refused(f"no customer {customer!r}")
    settings: Settings = request.state.settings
    token = dev_token(settings, user=user.strip(), role=roles[role], customer=customer)
    return JSONResponse({"token": token}, headers={"cache-control": "no-store"})


def dev_token_routes() -> list[BaseRoute]:
    """`POST /auth/dev-token`."""
    return [Route(DEV_TOKEN_PATH, issue_dev_token, methods=["POST"])]
