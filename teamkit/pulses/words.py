"""Results said in words, the same on the page and in the digest."""

from __future__ import annotations

from teamkit.pulses.catalog import SCALE_LABELS
from teamkit.pulses.models import SCALE_MAX, SCALE_MIN
from teamkit.pulses.results import ChangeResult
from teamkit.pulses.statistics import SIGNIFICANCE, Summary

#: The scale's middle: neither agree nor disagree.
MIDDLE = (SCALE_MIN + SCALE_MAX) // 2
#: How the verdict is reached, said on the page beside it.
VERDICT_RULE = (
    f"How this sentence is reached: a score is above or below the middle of the scale "
    f"({MIDDLE}, “{SCALE_LABELS[MIDDLE]}”) only when its whole 95% interval is; a change "
    f"is real only when Welch's t-test finds p < {SIGNIFICANCE:.2g}, i.e. a move that size "
    "would come from noise alone less than 1 time in 20. Nothing else is compared: no "
    "outside benchmark, only the scale and this team's last pulse of the same template."
)


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


def verdict_in_words(score: Summary, change: ChangeResult | None) -> str:
    """Say in one sentence where the score stands on the scale and whether it really moved."""
    nearest = min(SCALE_MAX, max(SCALE_MIN, round(score.mean)))
    label = f"nearest “{SCALE_LABELS[nearest]}” ({nearest})"
    low, high = score.interval or (score.mean, score.mean)
    if score.interval is not None and low > MIDDLE:
        where = f"Above the middle of the scale, {label}"
    elif score.interval is not None and high < MIDDLE:
        where = f"Below the middle of the scale, {label}"
    else:
        where = f"Not clearly off the middle of the scale ({MIDDLE}), {label}"
    if change is None:
        move = "no earlier pulse of this template to compare with"
    elif change.change is None:
        move = "too few answers to tell whether it changed since the last pulse"
    elif change.change.is_significant:
        direction = "up" if change.change.difference > 0 else "down"
        move = f"{direction} since the last pulse, and the change is real"
    else:
        move = "no real change since the last pulse"
    return f"{where}; {move}."


def percent(share: float) -> str:
    return f"{round(share * 100)}%"
