"""The candidate fields a member's shared contact details fill (mail stubs, One-Click Export)."""

from __future__ import annotations


def normalise_email(value: str | None) -> str | None:
    """The email trimmed and lower-cased, as the ATS stores and matches it; None when blank."""
    text = (value or "").strip().lower()
    return text or None


def candidate_fields(
    *,
    first_name: str | None,
    last_name: str | None,
    email: str | None,
    phone: str | None,
    title: str | None,
    city: str | None,
) -> dict[str, str]:
    """The candidate fields shared, trimmed (the email lower-cased); a blank one is left out."""
    values = {
        "first_name": first_name,
        "last_name": last_name,
        "email": normalise_email(email),
        "phone": phone,
        "title": title,
        "mailing_city": city,
    }
    return {name: value.strip() for name, value in values.items() if value and value.strip()}
