"""Alembic migrations; `rscgraph migrate` runs them."""
