"""What the API shows of a pulse and its results: the row, and what is read beside it.

The schemas (`schemas.py`) write each shape once, reading these objects; the API reads
them with the functions here, so a list costs the same statements however long it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from teamkit.pulses import services
from teamkit.pulses.models import Pulse
from teamkit.pulses.results import PulseResults
from teamkit.pulses.words import verdict_in_words


@dataclass(frozen=True)
class PulseReading:
    """A pulse, with how many answered (never who) and whether the reader did, at `now`."""

    pulse: Pulse
    responses: int
    answered: bool
    now: datetime

    @property
    def status(self) -> str:
        """Return `scheduled`, `open` or `closed`."""
        if self.pulse.is_closed_at(self.now):
            return "closed"
        return "open" if self.pulse.is_open_at(self.now) else "scheduled"


@dataclass(frozen=True)
class ResultsReading:
    """A closed pulse's results, with the one sentence that says what they mean."""

    results: PulseResults

    @property
    def verdict(self) -> str:
        """Return where the score stands and whether the change since the last pulse is real."""
        return verdict_in_words(self.results.score, self.results.change)


def read_pulses(
    session: Session, person_id: int, pulses: Sequence[Pulse], now: datetime
) -> list[PulseReading]:
    """Return each of `pulses` with its count of answers and whether `person_id` answered."""
    ids = [pulse.id for pulse in pulses]
    counts = services.response_counts(session, ids)
    answered = services.answered_pulse_ids(session, person_id, ids)
    return [PulseReading(p, counts[p.id], p.id in answered, now) for p in pulses]
