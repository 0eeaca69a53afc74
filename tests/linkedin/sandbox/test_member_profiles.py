"""The sandbox world's profile data behind the profile plugin: deterministic, and apart from the rest."""

from __future__ import annotations

from dataclasses import replace

from linkedin.sandbox.config import SandboxConfig
from linkedin.sandbox.world import build_world


def test_the_same_seed_builds_the_same_profiles_and_projects() -> None:
    # when
    first, second = build_world(SandboxConfig()), build_world(SandboxConfig())
    # then
    assert first.profiles == second.profiles
    assert [(p.urn, p.name, p.seat) for p in first.projects] == [
        (p.urn, p.name, p.seat) for p in second.projects
    ]


def test_every_member_has_a_profile_whose_current_position_is_their_title() -> None:
    # when
    world = build_world(SandboxConfig())
    # then
    for member in world.members:
        profile = world.profiles[member.urn]
        assert [p.title for p in profile.current] == [member.title]
        assert profile.headline.startswith(f"{member.title} at ")
        assert profile.location.startswith(f"{member.city}, ")
        assert profile.past
        assert profile.education
        assert len(profile.skills) == 5
        assert all(p.end_year is not None and p.start_year < p.end_year for p in profile.past)


def test_another_seed_builds_other_profiles() -> None:
    # when
    one = build_world(SandboxConfig())
    other = build_world(replace(SandboxConfig(), seed=8))
    # then
    assert list(one.profiles.values()) != list(other.profiles.values())


def test_each_seat_has_two_projects_of_its_own() -> None:
    # when
    world = build_world(SandboxConfig())
    # then
    for seat in world.seats:
        assert [p.urn for p in world.projects_of(seat.urn)] == [
            f"urn:li:hireProject:{seat.id}1",
            f"urn:li:hireProject:{seat.id}2",
        ]
