"""ATS → LinkedIn sync: the outbox worker, its payloads, the syncStatus read model and the backfill."""
