"""`rscgraph customers add|provision|list|show|offboard`: onboarding (and offboarding) from the command
line, through the same domain functions as the GraphQL mutations. A client secret is read from
--client-secret, RSC_CUSTOMER_CLIENT_SECRET or standard input (a prompt that does not echo it), and never
printed: `show` gives its last four characters at most."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from datetime import datetime

from pydantic import SecretStr

from app.errors import EXIT_UNAVAILABLE, EXIT_USAGE, OperatorError
from app.settings import Settings
from models.ats import JobAvailability
from models.customers import Customer
from models.offboarding import DataChoice
from resolvers import onboarding
from resolvers.ats_writes.validation import InvalidFields
from resolvers.errors import DomainError, ErrorKind, LinkedInUnavailable
from resolvers.services import Services

SECRET_VARIABLE = "RSC_CUSTOMER_CLIENT_SECRET"
# The command-line option of each input field the domain names.
_OPTIONS = {
    "key": "--key",
    "name": "--name",
    "clientId": "--client-id",
    "clientSecret": "--client-secret",
    "organizationUrn": "--org-urn",
    "contractUrn": "--contract-urn",
    "uniqueForeignId": "--unique-foreign-id",
}


def add_parsers(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    command: Callable[
        [str, str, argparse._SubParsersAction[argparse.ArgumentParser]], argparse.ArgumentParser
    ],
) -> None:
    """The `customers` subcommands, under `commands` (made with the CLI's `command` helper)."""
    customers = command("customers", "onboard customers and show their LinkedIn integration", commands)
    tasks = customers.add_subparsers(dest="customers_command", required=True, metavar="TASK", help="the task")

    add = command(
        "add",
        "register a customer whose LinkedIn child app exists, configure its integrations and start its "
        "initial sync",
        tasks,
    )
    _identity(add)
    add.add_argument("--client-id", required=True, help="the child app's client id")
    add.add_argument(
        "--client-secret",
        default=None,
        help=f"the child app's client secret (better: {SECRET_VARIABLE}, or standard input, which is "
        "asked for without echo); stored encrypted, never shown",
    )
    add.add_argument("--org-urn", required=True, help="the customer's organization URN")
    add.add_argument("--contract-urn", required=True, help="the customer's Recruiter contract URN")
    _availability(add)

    provision = command(
        "provision",
        "provision the customer's child app with the partner app (RSC_LINKEDIN_PARTNER_CLIENT_*); with "
        "--org-urn and --contract-urn also configure its integrations and start its initial sync; "
        "running it again continues",
        tasks,
    )
    _identity(provision)
    provision.add_argument(
        "--unique-foreign-id",
        default=None,
        help="the id LinkedIn knows the child app by (default: rscgraph:KEY, or the one it was provisioned "
        "with)",
    )
    provision.add_argument(
        "--org-urn", default=None, help="the customer's organization URN (from the configuration plugin)"
    )
    provision.add_argument("--contract-urn", default=None, help="the customer's Recruiter contract URN")
    _availability(provision)

    command("list", "every customer: key, name, client id, integrations enabled, initial sync", tasks)
    offboard = command(
        "offboard",
        "on contract termination: delete on LinkedIn everything synced for the customer, disable its "
        "integrations, then delete or anonymise its local data; shows progress, resumes where it stopped",
        tasks,
    )
    offboard.add_argument("key", metavar="KEY", help="the customer's key")
    offboard.add_argument(
        "--data",
        required=True,
        choices=["delete", "anonymise"],
        help="what becomes of its local data: delete every row, or anonymise (keep jobs, applications and "
        "stages; candidates without any personal field)",
    )
    offboard.add_argument(
        "--yes", action="store_true", help="do not ask to type the key to confirm (needed without a terminal)"
    )
    show = command("show", "one customer's LinkedIn integration (the secret as its last four)", tasks)
    show.add_argument("key", metavar="KEY", help="the customer's key")
    show.add_argument(
        "--check",
        action="store_true",
        help="also ask LinkedIn whether it accepts the customer's credentials (a token call)",
    )


def _identity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--key", required=True, help="the customer's key: lower-case letters, digits and dashes (in URLs)"
    )
    parser.add_argument("--name", required=True, help="the customer's name, as LinkedIn shows it")


def _availability(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--job-availability",
        choices=[a.value for a in JobAvailability],
        default=None,
        help="where its new jobs go on LinkedIn (default PRIVATE_TO_ATS_INTEGRATION)",
    )


def read_secret(given: str | None) -> SecretStr:
    """The client secret: the option, else RSC_CUSTOMER_CLIENT_SECRET, else standard input (a prompt
    without echo on a terminal, else its first line)."""
    if given:
        return SecretStr(given)
    if os.environ.get(SECRET_VARIABLE):
        return SecretStr(os.environ[SECRET_VARIABLE])
    if sys.stdin.isatty():
        return SecretStr(getpass.getpass("client secret: "))
    return SecretStr(sys.stdin.readline().rstrip("\r\n"))


def _operator_error(error: DomainError) -> OperatorError:
    """A domain refusal as the two lines the CLI prints, with the option at fault."""
    errors = error.errors if isinstance(error, InvalidFields) else [error]
    message = "; ".join(
        f"{_OPTIONS.get(e.field, e.field)}: {e.message}" if e.field else e.message for e in errors
    )
    if error.kind is ErrorKind.LINKEDIN_AUTH_FAILED:
        return OperatorError(
            message,
            "check the credentials: a customer's --client-id and secret, or for provisioning the partner "
            "app's RSC_LINKEDIN_PARTNER_CLIENT_ID and _SECRET",
            exit_code=EXIT_UNAVAILABLE,
        )
    if isinstance(error, LinkedInUnavailable):
        return OperatorError(message, "run the same command again: it continues", exit_code=EXIT_UNAVAILABLE)
    if error.kind is ErrorKind.DUPLICATE:
        return OperatorError(
            message,
            "choose another, or see the customers with `rscgraph customers list`",
            exit_code=EXIT_USAGE,
        )
    return OperatorError(message, "correct it and run the command again", exit_code=EXIT_USAGE)


async def run(settings: Settings, args: argparse.Namespace) -> None:
    """Run one `customers` task."""
    from app.services import open_services  # the domain's imports only for a `customers` command

    availability = getattr(args, "job_availability", None)
    job_availability = JobAvailability(availability) if availability else None
    async with open_services(settings) as services:
        try:
            if args.customers_command == "add":
                request = onboarding.AddRequest(
                    key=args.key,
                    name=args.name,
                    client_id=args.client_id,
                    client_secret=read_secret(args.client_secret),
                    org_urn=args.org_urn,
                    contract_urn=args.contract_urn,
                    job_availability=job_availability,
                )
                _onboarded(services, await onboarding.add_customer(services, request), "added")
            elif args.customers_command == "provision":
                provision = onboarding.ProvisionRequest(
                    key=args.key,
                    name=args.name,
                    unique_foreign_id=args.unique_foreign_id,
                    org_urn=args.org_urn,
                    contract_urn=args.contract_urn,
                    job_availability=job_availability,
                )
                _onboarded(services, await onboarding.provision_customer(services, provision), "provisioned")
            elif args.customers_command == "list":
                await _list(services)
            elif args.customers_command == "offboard":
                await _offboard(
                    services, settings, args.key, DataChoice(args.data.upper()), confirmed=args.yes
                )
            else:
                await _show(services, args.key, check=args.check)
        except DomainError as error:
            raise _operator_error(error) from None


def _onboarded(services: Services, row: Customer, done: str) -> None:
    print(f"customer {row.key} {done} (id {row.id}, client id {row.linkedin_client_id})")
    if row.initial_sync_started_at is not None:
        print("integrations named and configured; initial sync started")
        return
    print(
        "waiting for its organization and contract: its admin pre-authorizes in the configuration plugin "
        f"({onboarding.customer_plugin_url(services, row)}), then run `rscgraph customers provision "
        f"--key {row.key} --name NAME --org-urn URN --contract-urn URN`"
    )


def _when(at: datetime | None) -> str:
    return "-" if at is None else at.isoformat(timespec="seconds")


def _sync_state(sync: onboarding.InitialSync) -> str:
    if sync.complete:
        return f"complete {_when(sync.completed_at)}"
    if sync.started_at is not None:
        return f"in progress since {_when(sync.started_at)}"
    return "not started"


async def _list(services: Services) -> None:
    rows, _ = await onboarding.customers_page(services, offset=0, limit=1_000_000)
    table = [("key", "name", "client id", "integrations", "initial sync")]
    for row in rows:
        assert row.id is not None
        states = await onboarding.integrations(services, row.id)
        enabled = sum(1 for s in states if s.enabled)
        sync = await onboarding.initial_sync(services, row)
        table.append(
            (row.key, row.name, row.linkedin_client_id, f"{enabled}/{len(states)} enabled", _sync_state(sync))
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for line in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip())


async def _show(services: Services, key: str, *, check: bool) -> None:
    row = await onboarding.customer_by_key(services, key)
    if row is None or row.id is None:
        raise OperatorError(
            f"no customer has the key {key!r}",
            "see the keys with `rscgraph customers list`",
            exit_code=EXIT_USAGE,
        )
    assert services.onboarding is not None
    unknown = "not known yet (the customer pre-authorizes in the configuration plugin)"
    print(f"key:                  {row.key}")
    print(f"name:                 {row.name}")
    print(f"id:                   {row.id}")
    print(f"client id:            {row.linkedin_client_id}")
    print(f"client secret:        {onboarding.client_secret_last_four(services, row)}")
    print(f"organization URN:     {row.linkedin_org_urn or unknown}")
    print(f"contract URN:         {row.linkedin_contract_urn or unknown}")
    print(f"uniqueForeignId:      {row.unique_foreign_id or '- (added by hand)'}")
    print(f"job availability:     {row.job_availability.value}")
    print(f"webhook URL:          {onboarding.callback_url(services.onboarding.config, row.key)}")
    print(f"configuration plugin: {onboarding.customer_plugin_url(services, row)}")
    print("integrations:")
    for state in await onboarding.integrations(services, row.id):
        enabled = "enabled" if state.enabled else "disabled"
        changed = _when(state.last_changed_at)
        print(
            f"  {state.type.value:<17} {enabled:<8} {state.state or '-':<8} changed {changed:<25} "
            f"{state.name or '(not named)'}"
        )
    sync = await onboarding.initial_sync(services, row)
    print(f"initial sync:         {_sync_state(sync)}")
    for counts in sync.counts:
        print(f"  {counts.entity.value:<17} sent {counts.sent:>6}  failed {counts.failed:>6}")
    from resolvers import offboarding

    leaving = await offboarding.status(services.sessions, row.id)
    if leaving is not None:
        print(
            f"offboarding:          {leaving.state.value} ({leaving.data_choice.value}), "
            f"{leaving.sent} removed on LinkedIn, {leaving.remaining} to go, {leaving.failed} refused"
        )
    if check:
        status = await onboarding.credentials(services, await services.tenants.get(row.id))
        verdict = {True: "accepted", False: "refused", None: "unknown"}[status.valid]
        reason = f": {status.error}" if status.error else ""
        print(f"credentials:          {verdict} at {_when(status.checked_at)}{reason}")


async def _offboard(
    services: Services, settings: Settings, key: str, choice: DataChoice, *, confirmed: bool
) -> None:
    """Start (or continue) the customer's offboarding and run it here under the unit's hold, with
    progress on stderr; a worker already running it keeps it, and this command follows its progress."""
    import asyncio

    from app.jobs import offboarding_scheduler
    from app.progress_text import TextProgress
    from resolvers import offboarding

    row = await onboarding.customer_by_key(services, key)
    if row is None or row.id is None:
        raise OperatorError(
            f"no customer has the key {key!r}",
            "`rscgraph customers list` shows the keys",
            exit_code=EXIT_USAGE,
        )
    customer_id = row.id
    if not confirmed:
        if not sys.stdin.isatty():
            raise OperatorError(
                f"offboarding {key} deletes its data on LinkedIn and here", "add --yes", exit_code=EXIT_USAGE
            )
        typed = await asyncio.to_thread(
            input, f"This deletes {key}'s data on LinkedIn and {choice.value.lower()}s it here. Type {key}: "
        )
        if typed.strip() != key:
            raise OperatorError("not confirmed", "type the customer's key to go on", exit_code=EXIT_USAGE)
    await offboarding.start_offboarding(services.sessions, customer_id, choice, requested_by="rscgraph cli")
    progress = TextProgress(sys.stderr)

    def show(found: offboarding.OffboardingStatus) -> None:
        total = found.sent + found.remaining + found.failed
        label = _STEP_LABELS[found.state.value]
        if found.failed:
            label += f" ({found.failed} refused by LinkedIn)"
        progress.update(found.sent + found.failed, total, label)

    async def on_progress(_: object) -> None:
        found = await offboarding.status(services.sessions, customer_id)
        if found is not None:
            show(found)

    scheduler = offboarding_scheduler(services, settings, customer_id, on_progress)
    try:
        while True:
            ran = await scheduler.run_due()
            found = await offboarding.status(services.sessions, customer_id)
            assert found is not None
            show(found)
            if found.state.value == "DONE":
                break
            failed = [r for r in ran if not r.ok]
            if failed:
                progress.close()
                raise OperatorError(
                    f"the offboarding of {key} stopped: {failed[0].error}",
                    "run the command again later (it resumes where it stopped), or leave it to a worker",
                    exit_code=EXIT_UNAVAILABLE,
                )
            await asyncio.sleep(1.0)  # held by another process: follow its progress
    finally:
        progress.close()
    print(
        f"customer {key} offboarded: {found.sent} records removed on LinkedIn, {found.failed} refused; "
        f"integrations disabled; local data {'deleted' if choice is DataChoice.DELETE else 'anonymised'}"
    )


_STEP_LABELS = {
    "DELETING_ON_LINKEDIN": "deleting on LinkedIn",
    "DISABLING_INTEGRATIONS": "disabling the integrations",
    "REMOVING_LOCAL_DATA": "removing the local data",
    "DONE": "done",
}
