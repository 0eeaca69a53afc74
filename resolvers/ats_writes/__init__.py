"""The ATS's own writes: validate first, then change rows and their outbox events in one transaction."""
