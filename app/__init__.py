"""Wiring: settings, the Starlette app factory, lifespan, webhooks, CLI, background workers."""
