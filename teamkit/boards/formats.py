"""Board formats: the built-in ones (Start/Stop/Continue, 4Ls, Mad/Sad/Glad) and a team's own.

Each built-in format is a retro format (`teamkit.retros.formats`): `POST …/retros` with
`{"format": "4ls", "title"}` makes a retro and, in the same transaction, its board.
"""

from __future__ import annotations

from dataclasses import dataclass

from teamkit.boards.models import column_dict


@dataclass(frozen=True)
class BoardFormat:
    """A built-in format: its name (stored on the retro), label and columns."""

    name: str
    label: str
    #: (key, title, prompt) of each column, in order.
    columns: tuple[tuple[str, str, str], ...]

    def column_dicts(self) -> list[dict[str, str]]:
        return [column_dict(*column) for column in self.columns]


BUILT_IN = (
    BoardFormat(
        "start-stop-continue",
        "Start, Stop, Continue",
        (
            ("start", "Start", "What should we begin doing?"),
            ("stop", "Stop", "What should we stop doing?"),
            ("continue", "Continue", "What works, and should go on?"),
        ),
    ),
    BoardFormat(
        "4ls",
        "4Ls",
        (
            ("liked", "Liked", "What did you enjoy?"),
            ("learned", "Learned", "What did you learn?"),
            ("lacked", "Lacked", "What was missing, or held us back?"),
            ("longed", "Longed for", "What do you wish we had?"),
        ),
    ),
    BoardFormat(
        "mad-sad-glad",
        "Mad, Sad, Glad",
        (
            ("mad", "Mad", "What frustrated you?"),
            ("sad", "Sad", "What disappointed you?"),
            ("glad", "Glad", "What made you happy?"),
        ),
    ),
)
#: The format of a board made from one of the team's own formats (its columns are copied).
TEAM_FORMAT = "team-format"
BY_NAME = {kind.name: kind for kind in BUILT_IN}
