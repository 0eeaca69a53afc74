"""A plain-text progress report for long commands, with no dependency: on a terminal one line redrawn
in place (`[#####.....] 12/40 deleting on LinkedIn`); otherwise (a log, a pipe) a line per change, so
a service manager's log shows how far it got."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

WIDTH = 30


@dataclass
class TextProgress:
    """Report `done` of `total` with a label to `stream`; `close()` ends the line on a terminal."""

    stream: TextIO
    _last: tuple[int, int, str] | None = field(default=None, init=False)
    _drawn: bool = field(default=False, init=False)

    @property
    def live(self) -> bool:
        """Whether the stream is a terminal (the line is redrawn in place)."""
        return self.stream.isatty()

    def update(self, done: int, total: int, label: str) -> None:
        """Show the new state (nothing when it did not change)."""
        state = (done, total, label)
        if state == self._last:
            return
        self._last = state
        if self.live:
            filled = WIDTH if total <= 0 else min(WIDTH, WIDTH * done // total)
            bar = "#" * filled + "." * (WIDTH - filled)
            self.stream.write(f"\r[{bar}] {done}/{total} {label}\x1b[K")
            self._drawn = True
        else:
            self.stream.write(f"{done}/{total} {label}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the redrawn line."""
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False


__all__ = ["TextProgress"]
