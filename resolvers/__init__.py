"""The domain: plain async functions and small services. Never imports Strawberry."""
