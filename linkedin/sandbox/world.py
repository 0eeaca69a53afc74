"""The deterministic demo world: seats, members, InMails, prospect notes and mail stubs."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.member_profiles import MemberProfile, Project, build_profile, seat_projects

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS

_FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Edsger",
    "Barbara",
    "Donald",
    "Margaret",
    "Ken",
    "Frances",
    "Dennis",
    "Radia",
    "Tim",
    "Katherine",
    "John",
    "Hedy",
    "Linus",
    "Sophie",
    "Guido",
    "Anita",
    "Bjarne",
    "Shafi",
    "Leslie",
    "Jean",
    "Niklaus",
    "Mary",
    "Fernando",
    "Annie",
    "Vint",
    "Evelyn",
    "Robin",
]
_LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Knuth",
    "Hamilton",
    "Thompson",
    "Allen",
    "Ritchie",
    "Perlman",
    "Berners-Lee",
    "Johnson",
    "McCarthy",
    "Lamarr",
    "Torvalds",
    "Wilson",
    "Rossum",
    "Borg",
    "Stroustrup",
    "Goldwasser",
    "Lamport",
    "Bartik",
    "Wirth",
    "Keller",
    "Corbato",
    "Easley",
    "Cerf",
    "Boyd",
    "Milner",
]
_TITLES = [
    "Staff Engineer",
    "Senior Backend Engineer",
    "Data Scientist",
    "Engineering Manager",
    "Product Designer",
    "Site Reliability Engineer",
    "Frontend Engineer",
    "Security Engineer",
    "ML Engineer",
    "QA Lead",
]
_CITIES = [
    "Providence",
    "Boston",
    "Austin",
    "Denver",
    "Seattle",
    "Chicago",
    "Portland",
    "Atlanta",
    "Toronto",
    "Dublin",
]
_ROLES = ["Staff engineer role", "Backend opening", "Quick question", "Data team opportunity", "Let's talk"]


@dataclass
class Seat:
    """A Recruiter seat and the person who holds it."""

    id: int
    urn: str
    seatholder: str
    first_name: str
    last_name: str
    active: bool = True


@dataclass
class Member:
    """A LinkedIn member (prospect) with the contact details they may share."""

    urn: str
    slug: str
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    city: str
    profile_url: str


@dataclass
class ConversationEvent:
    """One InMail in a thread, as seen by the viewer seat."""

    id: str
    conversation: str
    viewer: str
    author: str
    recipients: list[str]
    created_ms: int
    subject: str
    body: str
    # PUBLIC (anyone in the organization), PROJECT (the Recruiter project's members) or PRIVATE.
    visibility: str = "PUBLIC"
    project: str | None = None
    # When its author last changed its visibility; the finder returns it in that window too.
    modified_ms: int | None = None


@dataclass
class ProspectNote:
    """A recruiter's note about a prospect; `active=False` once deleted."""

    id: str
    owner: str
    member: str
    note: str
    active: bool
    created_ms: int
    last_modified_ms: int
    visibility: str = "PUBLIC"
    project: str | None = None


@dataclass
class MailStub:
    """Contact details a member shared with a seat when replying to an InMail."""

    id: str
    owner: str
    member: str
    created_ms: int


@dataclass
class World:
    """The whole demo world; mutated by admin actions, rebuilt on reset."""

    seats: list[Seat]
    members: list[Member]
    events: list[ConversationEvent] = field(default_factory=list)
    notes: list[ProspectNote] = field(default_factory=list)
    stubs: list[MailStub] = field(default_factory=list)
    # What each member's profile shows (by person URN), and every seat's Recruiter projects.
    profiles: dict[str, MemberProfile] = field(default_factory=dict)
    projects: list[Project] = field(default_factory=list)
    built_at_ms: int = 0
    # The highest seat id ever handed out: a dropped seat's id is never reused.
    last_seat_id: int = 0

    def seat(self, ref: str | int) -> Seat | None:
        """The seat for a URN or a numeric id, if any."""
        text = str(ref)
        for seat in self.seats:
            if text in (seat.urn, str(seat.id)):
                return seat
        return None

    def member(self, urn: str) -> Member | None:
        """The member with that person URN, if any."""
        return next((m for m in self.members if m.urn == urn), None)

    def projects_of(self, seat_urn: str) -> list[Project]:
        """The seat's Recruiter projects."""
        return [p for p in self.projects if p.seat == seat_urn]


def project_urn(number: int) -> str:
    """A Recruiter project's URN (the sandbox's own shape)."""
    return f"urn:li:hireProject:{number}"


def _conversation_visibility(n: int) -> tuple[str, str | None]:
    # Deterministic and independent of the seed's draws, so the world's shape is what it was: the two
    # threads of member 0 (n 0 and 1) stay organization-visible; a few others show the rules.
    if n >= 2 and n % 9 == 4:
        return "PRIVATE", None
    if n >= 2 and n % 9 == 7:
        return "PROJECT", project_urn(n)
    return "PUBLIC", None


def _note_visibility(i: int) -> tuple[str, str | None]:
    if i % 5 == 3:
        return "PRIVATE", None
    if i % 8 == 5:
        return "PROJECT", project_urn(100 + i)
    return "PUBLIC", None


def _person_id(rng: random.Random) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
    return "".join(rng.choice(alphabet) for _ in range(10))


def build_world(config: SandboxConfig) -> World:
    """Build the demo world from the config's seed and member count, timed relative to `config.now_ms()`."""
    rng = random.Random(config.seed)
    now = config.now_ms()
    seat_people = [("Ada", "Recruiter"), ("Ben", "Sourcer"), ("Cleo", "Talent"), ("Dev", "Hiring")]
    seat_people += [("Seat", f"Holder {n}") for n in range(len(seat_people) + 1, config.seat_count + 1)]
    seat_people = seat_people[: max(2, config.seat_count)]
    seats = [
        Seat(
            id=config.seat_base + i,
            urn=f"urn:li:seat:{config.seat_base + i}",
            seatholder=f"urn:li:person:{_person_id(rng)}",
            first_name=first,
            last_name=last,
        )
        for i, (first, last) in enumerate(seat_people)
    ]
    members: list[Member] = []
    for i in range(max(config.member_count, 200)):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        slug = f"{first}-{last}-{i + 1}".lower()
        members.append(
            Member(
                urn=f"urn:li:person:{_person_id(rng)}",
                slug=slug,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{i + 1}@example.com".lower(),
                phone=f"+1 555 {i + 1:04d}",
                title=rng.choice(_TITLES),
                city=rng.choice(_CITIES),
                profile_url=f"https://www.linkedin.com/in/{slug}",
            )
        )
    world = World(seats=seats, members=members, built_at_ms=now, last_seat_id=max(s.id for s in seats))
    _add_history(world, rng, now)
    # After the history: profiles and projects draw from RNGs of their own, leaving the world's draws.
    world.profiles = {m.urn: build_profile(config.seed, m.urn, m.title, m.city) for m in members}
    world.projects = [p for seat in seats for p in seat_projects(seat.id, seat.urn, seat.first_name)]
    return world


def _add_history(world: World, rng: random.Random, now: int) -> None:
    events: list[ConversationEvent] = []
    stubs: list[tuple[str, str, int]] = []
    # Member 0 talks with two recruiters, so a candidate's InMail history spans owners.
    pairs = [(world.seats[0], world.members[0]), (world.seats[1], world.members[0])]
    pairs += [(rng.choice(world.seats), m) for m in world.members[1:40]]
    for n, (seat, member) in enumerate(pairs):
        thread = f"urn:li:messagingThread:2-{rng.getrandbits(48):012x}"
        subject = rng.choice(_ROLES)
        sent = now - rng.randint(HOUR_MS, 7 * DAY_MS - HOUR_MS)
        # A member's reply keeps the visibility its recruiter chose for the conversation.
        visibility, project = _conversation_visibility(n)
        events.append(
            ConversationEvent(
                "",
                thread,
                seat.urn,
                seat.urn,
                [member.urn],
                sent,
                subject,
                f"Hi {member.first_name}, are you open to a {member.title.lower()} role?",
                visibility,
                project,
            )
        )
        replies = n < 2 or rng.random() < 0.5
        if replies:
            replied = min(sent + rng.randint(10 * 60_000, 12 * HOUR_MS), now - 60_000)
            events.append(
                ConversationEvent(
                    "",
                    thread,
                    seat.urn,
                    member.urn,
                    [seat.urn],
                    replied,
                    f"RE: {subject}",
                    f"Thanks {seat.first_name}, happy to chat.",
                    visibility,
                    project,
                )
            )
            if n < 2 or rng.random() < 0.6:
                stubs.append((seat.urn, member.urn, replied))
    events.sort(key=lambda e: (e.created_ms, e.conversation, e.author))
    for i, event in enumerate(events, start=1):
        event.id = f"evt-{i:06d}"
    world.events = events
    world.stubs = [
        MailStub(f"stub-{i}", o, m, t) for i, (o, m, t) in enumerate(sorted(stubs, key=lambda s: s[2]), 1)
    ]
    notes: list[ProspectNote] = []
    for i in range(1, 31):
        seat, member = rng.choice(world.seats), world.members[rng.randrange(0, 60)]
        created = now - rng.randint(2 * HOUR_MS, 7 * DAY_MS)
        edited = i % 4 == 0
        modified = min(created + rng.randint(60_000, DAY_MS), now - 60_000) if edited else created
        active = i % 7 != 0
        text = f"{member.first_name} looks strong for {rng.choice(_TITLES)}" + (
            " (updated)" if edited else ""
        )
        visibility, project = _note_visibility(i)
        notes.append(
            ProspectNote(
                f"note-{i}", seat.urn, member.urn, text, active, created, modified, visibility, project
            )
        )
    world.notes = notes
