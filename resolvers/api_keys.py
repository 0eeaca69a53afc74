"""API keys (placeholder until the foundation's `api_key` table lands)."""

from __future__ import annotations

API_KEY_PREFIX = "rsk_"
