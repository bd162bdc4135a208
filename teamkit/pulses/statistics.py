"""Honest numbers from few answers: means with t intervals, and Welch's test of a change.

Everything starts from three sums SQL gives (count, sum, sum of squares), so no answer
row is loaded into Python. Student's t distribution comes from the regularized
incomplete beta function, evaluated with its continued fraction (modified Lentz, as in
Press et al., *Numerical Recipes*, 3rd ed., §6.4); its quantile is found by bisection.
The tests check both against published tables.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

#: Confidence of the intervals shown, and the level a change must clear to count.
CONFIDENCE = 0.95
SIGNIFICANCE = 1 - CONFIDENCE

_EPSILON = 1e-15
_TINY = 1e-300
_MAX_TERMS = 500


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Return the continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    for m in range(1, _MAX_TERMS + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPSILON:
            break
    return h


def regularized_beta(a: float, b: float, x: float) -> float:
    """Return I_x(a, b), the regularized incomplete beta function, for 0 <= x <= 1."""
    if not 0.0 <= x <= 1.0:
        raise ValueError("x must lie between 0 and 1")
    if x in (0.0, 1.0):
        return x
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    # The fraction converges fast on one side of the mean; use the symmetry on the other.
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Return P(T <= t) for Student's t distribution with `df` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@functools.lru_cache(maxsize=1024)
def t_quantile(p: float, df: float) -> float:
    """Return the t with P(T <= t) = p, for 0 < p < 1 (bisection, to 1e-10).

    Kept once computed: pages ask for the same few (p, degrees of freedom) on every
    request, and the bisection costs about a millisecond each time."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must lie strictly between 0 and 1")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    while high - low > 1e-10:
        middle = (low + high) / 2.0
        if t_cdf(middle, df) < p:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


@dataclass(frozen=True)
class Summary:
    """A sample's size, mean and variance, and the interval its mean likely lies in."""

    n: int
    mean: float
    #: Sample variance (divided by n - 1); 0 for a single value.
    variance: float
    #: The CONFIDENCE interval of the mean (t distribution, n - 1 degrees of freedom),
    #: kept within [low, high] of the scale, which the mean can't leave; None for n < 2.
    interval: tuple[float, float] | None

    @property
    def standard_error(self) -> float:
        return math.sqrt(self.variance / self.n) if self.n else math.inf


def summarize(
    n: int, total: float, total_of_squares: float, *, low: float, high: float
) -> Summary | None:
    """Return the summary of `n` values from their sum and sum of squares (None for n = 0)."""
    if n <= 0:
        return None
    mean = total / n
    variance = 0.0
    if n > 1:
        # Values on a 1-7 scale keep this difference well away from cancellation.
        variance = max(0.0, (total_of_squares - n * mean * mean) / (n - 1))
    interval = None
    if n > 1:
        margin = t_quantile(1 - SIGNIFICANCE / 2, n - 1) * math.sqrt(variance / n)
        interval = (max(low, mean - margin), min(high, mean + margin))
    return Summary(n, mean, variance, interval)


@dataclass(frozen=True)
class Change:
    """How a mean moved between two samples, and whether that is more than noise."""

    difference: float
    #: Welch's t statistic and its Welch-Satterthwaite degrees of freedom.
    t: float
    df: float
    #: Two-sided p-value: how often noise alone would move the mean this much.
    p_value: float

    @property
    def is_significant(self) -> bool:
        """Tell whether the change is larger than the noise (p below SIGNIFICANCE)."""
        return self.p_value < SIGNIFICANCE


def welch_change(before: Summary, after: Summary) -> Change | None:
    """Return Welch's test of `after.mean - before.mean` (None if either has under 2 values)."""
    if before.n < 2 or after.n < 2:
        return None
    difference = after.mean - before.mean
    v1, v2 = before.variance / before.n, after.variance / after.n
    spread = v1 + v2
    if spread == 0.0:
        # Everyone answered alike both times: any difference is no noise at all.
        p_value = 1.0 if difference == 0.0 else 0.0
        return Change(difference, math.copysign(math.inf, difference), math.inf, p_value)
    t = difference / math.sqrt(spread)
    df = spread**2 / (v1**2 / (before.n - 1) + v2**2 / (after.n - 1))
    p_value = 2.0 * (1.0 - t_cdf(abs(t), df))
    return Change(difference, t, df, min(1.0, max(0.0, p_value)))
