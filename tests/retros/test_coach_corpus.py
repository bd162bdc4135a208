"""The coach's precision and recall on sentences written as incident reviews are written.

`coach_corpus/dev.txt` and `dev2.txt` are what the rules may be tuned on;
`coach_corpus/heldout.txt` is never tuned on: it says how the coach does on writing it was
not shaped to fit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from teamkit.retros.coach import check_text

CORPUS = Path(__file__).parent / "coach_corpus"
#: The team the sentences were written about.
MEMBERS = [
    "Priya Raman",
    "Tomás Ortega",
    "Mei Chen",
    "Jonas Berg",
    "Amara Okafor",
    "Sam Patel",
    "Lena Fischer",
    "Dmitri Volkov",
    "Kofi Mensah",
    "Hana Sato",
]
PRECISION_MIN = 0.90
RECALL_MIN = 0.85


@dataclass(frozen=True)
class Score:
    """How the coach did on a set of labelled sentences."""

    true_positive: int
    false_positive: int
    false_negative: int
    true_negative: int
    missed: tuple[str, ...]
    false_alarms: tuple[str, ...]

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        blaming = self.true_positive + self.false_negative
        return self.true_positive / blaming if blaming else 1.0

    def report(self, name: str) -> str:
        total = self.true_positive + self.false_positive + self.false_negative + self.true_negative
        return (
            f"coach on {name} ({total} sentences): precision {self.precision:.3f}, "
            f"recall {self.recall:.3f} (tp {self.true_positive}, fp {self.false_positive}, "
            f"fn {self.false_negative}, tn {self.true_negative})"
        )


def read_corpus(name: str) -> list[tuple[bool, str]]:
    """Return (blaming?, sentence) pairs from a corpus file."""
    pairs = []
    for line in (CORPUS / name).read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, sentence = line.split(" | ", 1)
        assert label in ("B", "N"), line
        pairs.append((label == "B", sentence))
    return pairs


def development() -> list[tuple[bool, str]]:
    """Return the sentences the rules may be tuned on."""
    return [pair for path in sorted(CORPUS.glob("dev*.txt")) for pair in read_corpus(path.name)]


def score(pairs: list[tuple[bool, str]]) -> Score:
    """Return how the coach's flags agree with the labels."""
    counts = {(True, True): 0, (False, True): 0, (True, False): 0, (False, False): 0}
    missed, false_alarms = [], []
    for blaming, sentence in pairs:
        flagged = bool(check_text(sentence, MEMBERS))
        counts[(flagged, blaming)] += 1
        if blaming and not flagged:
            missed.append(sentence)
        if flagged and not blaming:
            false_alarms.append(sentence)
    return Score(
        counts[(True, True)],
        counts[(True, False)],
        counts[(False, True)],
        counts[(False, False)],
        tuple(missed),
        tuple(false_alarms),
    )


def test_the_corpus_has_200_sentences_half_of_them_blaming() -> None:
    pairs = development() + read_corpus("heldout.txt")
    assert len(pairs) >= 200
    blaming = sum(1 for label, _ in pairs if label)
    assert 0.45 <= blaming / len(pairs) <= 0.55
    assert len({sentence for _, sentence in pairs}) == len(pairs)


def test_the_held_out_part_is_a_hundred_sentences_half_blaming() -> None:
    pairs = read_corpus("heldout.txt")
    assert len(pairs) >= 100
    assert sum(1 for label, _ in pairs if label) * 2 == len(pairs)


def test_the_coach_is_precise_and_finds_most_blame_on_held_out_sentences() -> None:
    result = score(read_corpus("heldout.txt"))
    print(result.report("held-out sentences"))
    assert result.precision >= PRECISION_MIN, result.false_alarms
    assert result.recall >= RECALL_MIN, result.missed


def test_the_coach_is_precise_and_finds_most_blame_on_development_sentences() -> None:
    result = score(development())
    print(result.report("development sentences"))
    assert result.precision >= PRECISION_MIN, result.false_alarms
    assert result.recall >= RECALL_MIN, result.missed
