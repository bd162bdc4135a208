"""The statistics behind pulse results, checked against published tables and direct sums."""

from __future__ import annotations

import math
import statistics as stdlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from teamkit.pulses.statistics import summarize, t_cdf, t_quantile, welch_change

# Two-sided 95% critical values of Student's t (any statistics textbook's table).
T_TABLE = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 19: 2.093, 30: 2.042}


@pytest.mark.parametrize(("df", "expected"), sorted(T_TABLE.items()))
def test_t_quantile_matches_the_published_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_approaches_the_normal_for_many_degrees_of_freedom():
    assert t_quantile(0.975, 100_000) == pytest.approx(1.95996, abs=1e-3)


@pytest.mark.parametrize(
    ("t", "df", "expected"),
    [(0.0, 3, 0.5), (2.0, 5, 0.949030), (-1.5, 10, 0.082254)],
)
def test_t_cdf_matches_known_values(t, df, expected):
    assert t_cdf(t, df) == pytest.approx(expected, abs=1e-5)


def _density(x, df):
    front = math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
    return front * (1 + x * x / df) ** (-(df + 1) / 2)


@pytest.mark.parametrize(("t", "df"), [(3.0, 2.5), (1.2, 7.3), (0.4, 1.5)])
def test_t_cdf_equals_the_integral_of_the_density_for_welch_degrees_of_freedom(t, df):
    steps = 20_000
    width = t / steps
    area = sum(_density((i + 0.5) * width, df) for i in range(steps)) * width
    assert t_cdf(t, df) == pytest.approx(0.5 + area, abs=1e-7)


@given(st.lists(st.integers(min_value=1, max_value=7), min_size=2, max_size=60))
def test_summary_from_sums_equals_the_direct_mean_and_variance(values):
    summary = summarize(len(values), sum(values), sum(v * v for v in values), low=1, high=7)
    assert summary is not None
    assert summary.mean == pytest.approx(stdlib.mean(values))
    assert summary.variance == pytest.approx(stdlib.variance(values), abs=1e-9)
    low, high = summary.interval
    assert 1 <= low <= summary.mean <= high <= 7


def test_interval_is_the_t_interval_for_a_handful_of_answers():
    values = [5, 6, 5, 6, 6]
    summary = summarize(5, sum(values), sum(v * v for v in values), low=1, high=7)
    margin = 2.776445 * stdlib.stdev(values) / math.sqrt(5)
    assert summary.interval == pytest.approx((5.6 - margin, 5.6 + margin), abs=1e-6)


def test_interval_narrows_as_more_people_answer_alike():
    few = summarize(4, 4 * 5, 2 * 16 + 2 * 36, low=1, high=7)  # 4, 4, 6, 6
    many = summarize(40, 40 * 5, 20 * 16 + 20 * 36, low=1, high=7)
    assert (few.interval[1] - few.interval[0]) > 3 * (many.interval[1] - many.interval[0])


def test_interval_stays_on_the_scale():
    summary = summarize(3, 1 + 7 + 7, 1 + 49 + 49, low=1, high=7)
    assert summary.interval[1] == 7


def test_no_answers_have_no_summary_and_one_answer_no_interval():
    assert summarize(0, 0, 0, low=1, high=7) is None
    assert summarize(1, 5, 25, low=1, high=7).interval is None


def _summary(values):
    return summarize(len(values), sum(values), sum(v * v for v in values), low=1, high=7)


def test_welch_test_matches_a_worked_example():
    # Welch's t-test by hand: means 5 and 6, variances 0.5 and 0.8 (n = 5, 6).
    before = _summary([4, 5, 6, 5, 5])  # variance 0.5
    after = _summary([6, 7, 5, 6, 7, 5])  # variance 0.8
    change = welch_change(before, after)
    se = math.sqrt(0.5 / 5 + 0.8 / 6)
    assert change.t == pytest.approx(1.0 / se)
    df = (0.5 / 5 + 0.8 / 6) ** 2 / ((0.5 / 5) ** 2 / 4 + (0.8 / 6) ** 2 / 5)
    assert change.df == pytest.approx(df)
    assert change.p_value == pytest.approx(2 * (1 - t_cdf(1.0 / se, df)))
    # R: t.test(c(6,7,5,6,7,5), c(4,5,6,5,5)) gives t = 2.0702, df = 8.9908, p = 0.06837.
    assert change.p_value == pytest.approx(0.06837, abs=1e-4)
    assert not change.is_significant


def test_a_clear_move_on_enough_answers_is_larger_than_the_noise():
    change = welch_change(_summary([3, 4, 3, 4, 3, 4, 3, 4]), _summary([5, 6, 5, 6, 5, 6, 5, 6]))
    assert change.is_significant and change.difference == pytest.approx(2.0)


def test_a_small_move_on_few_answers_is_noise():
    change = welch_change(_summary([3, 6, 4, 7, 5]), _summary([4, 6, 5, 7, 5]))
    assert change.difference == pytest.approx(0.4)
    assert not change.is_significant


def test_identical_answers_both_times_make_any_difference_significant():
    change = welch_change(_summary([5, 5, 5]), _summary([6, 6, 6]))
    assert change.p_value == 0.0 and change.is_significant
    assert not welch_change(_summary([5, 5, 5]), _summary([5, 5, 5])).is_significant
