"""The GraphQL face: Strawberry types per domain, composed in `graph.schema`."""
