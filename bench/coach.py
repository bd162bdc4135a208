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
import importlib.util
import sys
import time
from pathlib import Path

from teamkit.retros.coach import TEXT_MAX, check_text

#: The corpus's own test module: its reader, team and scoring serve here too.
CORPUS_TESTS = Path(__file__).resolve().parent.parent / "tests" / "retros" / "test_coach_corpus.py"
_spec = importlib.util.spec_from_file_location("coach_corpus", CORPUS_TESTS)
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = corpus  # its dataclass looks itself up there
_spec.loader.exec_module(corpus)


def measure(name: str, pairs: list[tuple[bool, str]], *, show: bool) -> None:
    """Print precision and recall on `pairs` (and, with `show`, what went wrong)."""
    result = corpus.score(pairs)
    print(result.report(name))
    if show:
        for sentence in result.missed:
            print(f"    missed: {sentence}")
        for sentence in result.false_alarms:
            print(f"    false alarm: {sentence}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    development = [path.name for path in sorted(corpus.CORPUS.glob("dev*.txt"))]
    for name in development:
        measure(name, corpus.read_corpus(name), show=True)
    measure("held-out (never tuned)", corpus.read_corpus("heldout.txt"), show=False)
    sentences = [s for name in development for _, s in corpus.read_corpus(name)]
    text = " ".join(sentences)[:TEXT_MAX]
    check_text(text, corpus.MEMBERS)
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        check_text(text, corpus.MEMBERS)
    took = (time.perf_counter() - started) / rounds
    print(f"checking a {len(text):,}-character field: {took * 1000:.1f} ms")


if __name__ == "__main__":
    main()
