"""A stand-alone LinkedIn RSC sandbox: plays LinkedIn over real HTTP for the client, tests and demo."""
