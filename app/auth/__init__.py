"""Sign-in: bearer JWTs (the identity provider's or the development key's) and API keys."""
