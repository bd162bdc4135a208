"""How well the blameless-language coach tells blame from description, and how fast it reads.

    make bench-pages                 # runs this too
    .venv/bin/python bench/coach.py

Reads the labelled sentences in tests/retros/coach_corpus/ (the development sets, which the
rules were tuned on, and the held-out set, which they never were), prints precision and
recall for each, the sentences missed or flagged wrongly in the development sets, and how
long checking a long retro field takes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from teamkit.retros.coach import TEXT_MAX, check_text

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "retros" / "coach_corpus"
#: The team the sentences were written about (as in tests/retros/test_coach_corpus.py).
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


def read(path: Path) -> list[tuple[bool, str]]:
    """Return (blaming?, sentence) pairs from a corpus file."""
    pairs = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, sentence = line.split(" | ", 1)
            pairs.append((label == "B", sentence))
    return pairs


def measure(name: str, pairs: list[tuple[bool, str]], *, show: bool) -> None:
    """Print precision and recall on `pairs` (and, with `show`, what went wrong)."""
    tp = fp = fn = tn = 0
    wrong = []
    for blaming, sentence in pairs:
        flagged = bool(check_text(sentence, MEMBERS))
        tp += flagged and blaming
        fp += flagged and not blaming
        fn += blaming and not flagged
        tn += not flagged and not blaming
        if flagged != blaming:
            wrong.append(("missed" if blaming else "false alarm", sentence))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(
        f"{name:<22} {len(pairs):>4} sentences  precision {precision:.3f}  recall {recall:.3f}"
        f"  (tp {tp}, fp {fp}, fn {fn}, tn {tn})"
    )
    if show:
        for kind, sentence in wrong:
            print(f"    {kind}: {sentence}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    development = [path for path in sorted(CORPUS.glob("dev*.txt"))]
    for path in development:
        measure(path.stem, read(path), show=True)
    measure("held-out (never tuned)", read(CORPUS / "heldout.txt"), show=False)
    sentences = [s for path in development for _, s in read(path)]
    text = " ".join(sentences)[:TEXT_MAX]
    check_text(text, MEMBERS)
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        check_text(text, MEMBERS)
    took = (time.perf_counter() - started) / rounds
    print(f"checking a {len(text):,}-character field: {took * 1000:.1f} ms")


if __name__ == "__main__":
    main()
