"""Results said in words, the same on the page and in the digest."""

from __future__ import annotations

from teamkit.pulses.results import ChangeResult
from teamkit.pulses.statistics import Summary


def one_decimal(value: float) -> str:
    return f"{value:.1f}"


def score_in_words(summary: Summary) -> str:
    """Say a score with its interval: "5.6, likely between 5.1 and 6.1"."""
    if summary.interval is None:
        return one_decimal(summary.mean)
    low, high = summary.interval
    if round(low, 1) == round(high, 1):
        return f"{one_decimal(summary.mean)}, everyone alike"
    return f"{one_decimal(summary.mean)}, likely between {one_decimal(low)} and {one_decimal(high)}"


def change_in_words(result: ChangeResult) -> str:
    """Say how the score moved since the last pulse, and whether that is more than noise."""
    change = result.change
    since = f"since the pulse of {result.previous_closes_at:%Y-%m-%d}"
    if change is None:
        return f"No comparison {since}: too few answers to tell."
    size = abs(change.difference)
    if round(size, 1) == 0:
        move = f"about the same {since}"
    else:
        move = f"{'up' if change.difference > 0 else 'down'} {one_decimal(size)} {since}"
    if change.is_significant:
        return f"{move.capitalize()}: larger than the noise (p = {change.p_value:.2g})."
    return (
        f"{move.capitalize()}: within the noise (p = {change.p_value:.2g}); "
        "don't read much into it yet."
    )


def percent(share: float) -> str:
    return f"{round(share * 100)}%"
