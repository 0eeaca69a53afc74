"""The ATS write API: one module of mutations per domain, composed into `Mutation` in graph/schema.py."""
