"""`OperatorError`: a start-up mistake an operator can fix, and the fix; `rscgraph` prints both."""

from __future__ import annotations

# Exit codes from BSD sysexits.h, so scripts can tell the kinds of mistake apart.
EXIT_USAGE = 64  # EX_USAGE: the command's input is refused (a customer key taken, a malformed URN)
EXIT_NOT_MIGRATED = 65  # EX_DATAERR: the database is behind the code
EXIT_NO_DATABASE = 66  # EX_NOINPUT: the database file does not exist
EXIT_UNAVAILABLE = 69  # EX_UNAVAILABLE: the database does not answer, a port is taken
EXIT_CONFIG = 78  # EX_CONFIG: a setting is invalid


class OperatorError(Exception):
    """What is wrong (naming the setting or URL, secrets masked) and the command that fixes it."""

    def __init__(self, message: str, fix: str, *, exit_code: int = EXIT_CONFIG) -> None:
        super().__init__(message, fix)
        self.message = message
        self.fix = fix
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message}: {self.fix}"

    def lines(self) -> list[str]:
        """The two lines `rscgraph` prints on stderr."""
        return [f"rscgraph: error: {self.message}", f"  fix: {self.fix}"]
