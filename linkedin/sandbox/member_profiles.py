"""What a member's LinkedIn profile shows (headline, positions, education, skills, location), and the
Recruiter projects of each seat: the sandbox world's data behind the profile plugin.

Each profile comes from its own RNG seeded by the world's seed and the member's URN, so adding it leaves
the rest of the world (drawn from the world's RNG) exactly as it was, and a reset rebuilds it the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

_COMPANIES = [
    "Initech",
    "Globex",
    "Umbrella Labs",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Cyberdyne",
    "Soylent Systems",
    "Tyrell Corp",
    "Wonka Industries",
    "Acme Cloud",
    "Vandelay Data",
]
_SCHOOLS = [
    ("Brown University", "Providence"),
    ("MIT", "Cambridge"),
    ("University of Texas at Austin", "Austin"),
    ("University of Washington", "Seattle"),
    ("University of Toronto", "Toronto"),
    ("Trinity College Dublin", "Dublin"),
    ("Georgia Tech", "Atlanta"),
    ("University of Chicago", "Chicago"),
]
_DEGREES = [
    ("BSc", "Computer Science"),
    ("BSc", "Mathematics"),
    ("MSc", "Computer Science"),
    ("BA", "Design"),
    ("MSc", "Statistics"),
    ("BEng", "Electrical Engineering"),
]
_SKILLS = [
    "Python",
    "Go",
    "Rust",
    "TypeScript",
    "PostgreSQL",
    "Kubernetes",
    "Distributed Systems",
    "Machine Learning",
    "Product Design",
    "Leadership",
    "Security",
    "Testing",
    "GraphQL",
    "Data Modeling",
    "Accessibility",
]
_PAST_TITLES = ["Software Engineer", "Junior Developer", "Analyst", "Intern", "Engineer II", "Consultant"]
REGIONS = {
    "Providence": "Rhode Island, United States",
    "Boston": "Massachusetts, United States",
    "Austin": "Texas, United States",
    "Denver": "Colorado, United States",
    "Seattle": "Washington, United States",
    "Chicago": "Illinois, United States",
    "Portland": "Oregon, United States",
    "Atlanta": "Georgia, United States",
    "Toronto": "Ontario, Canada",
    "Dublin": "Ireland",
}
_PROJECT_NAMES = [
    "Backend hiring 2027",
    "Data team",
    "Design pipeline",
    "Leadership bench",
    "Silver medalists",
]


@dataclass(frozen=True)
class Position:
    """A job on the member's profile; `end_year` None while current."""

    title: str
    company: str
    start_year: int
    end_year: int | None


@dataclass(frozen=True)
class Education:
    """A school on the member's profile."""

    school: str
    degree: str
    field_of_study: str
    start_year: int
    end_year: int


@dataclass(frozen=True)
class MemberProfile:
    """The member's public profile as LinkedIn (and its profile plugin) shows it."""

    headline: str
    location: str
    positions: list[Position]
    education: list[Education]
    skills: list[str]

    @property
    def current(self) -> list[Position]:
        """Positions held now."""
        return [p for p in self.positions if p.end_year is None]

    @property
    def past(self) -> list[Position]:
        """Positions held before, most recent first."""
        return [p for p in self.positions if p.end_year is not None]


@dataclass
class Project:
    """A Recruiter project of one seat: the members saved to it, with when (ms)."""

    urn: str
    name: str
    seat: str
    members: dict[str, int] = field(default_factory=dict)


def build_profile(seed: int, urn: str, title: str, city: str) -> MemberProfile:
    """The member's profile, the same for the same seed and member every time."""
    rng = random.Random(f"profile:{seed}:{urn}")
    company = rng.choice(_COMPANIES)
    started = 2026 - rng.randint(1, 5)
    positions = [Position(title, company, started, None)]
    year = started
    for _ in range(rng.randint(1, 3)):
        length = rng.randint(1, 4)
        others = [c for c in _COMPANIES if c not in {p.company for p in positions}]
        positions.append(Position(rng.choice(_PAST_TITLES), rng.choice(others), year - length, year))
        year -= length
    school, _ = rng.choice(_SCHOOLS)
    degree, subject = rng.choice(_DEGREES)
    education = [Education(school, degree, subject, year - 4, year)]
    return MemberProfile(
        headline=f"{title} at {company}",
        location=f"{city}, {REGIONS.get(city, 'United States')}",
        positions=positions,
        education=education,
        skills=rng.sample(_SKILLS, 5),
    )


def seat_projects(seat_id: int, seat_urn: str, first_name: str) -> list[Project]:
    """A seat's two Recruiter projects (URNs `urn:li:hireProject:<seat id><n>`, apart from the world's
    visibility projects)."""
    other = _PROJECT_NAMES[seat_id % len(_PROJECT_NAMES)]
    return [
        Project(f"urn:li:hireProject:{seat_id}1", f"{first_name}'s pipeline", seat_urn),
        Project(f"urn:li:hireProject:{seat_id}2", other, seat_urn),
    ]
