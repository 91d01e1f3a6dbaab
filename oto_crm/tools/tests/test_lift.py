# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
import random

import pytest

from oto_crm.tools.lift import Group, compute_lift


def group_of(revenues):
    return Group(
        customers=len(revenues),
        buyers=sum(1 for r in revenues if r > 0),
        revenue=sum(revenues),
        revenue_squares=sum(r * r for r in revenues),
    )


def test_purchase_rate_lift_and_interval_by_hand():
    lift = compute_lift(Group(1000, 120, 0, 0), Group(1000, 80, 0, 0))
    assert lift.rate.value == pytest.approx(0.04)
    # sqrt(.12 * .88 / 1000 + .08 * .92 / 1000) = 0.0133866...
    margin = 1.959963984540054 * math.sqrt(0.12 * 0.88 / 1000 + 0.08 * 0.92 / 1000)
    assert lift.rate.low == pytest.approx(0.04 - margin)
    assert lift.rate.high == pytest.approx(0.04 + margin)
    assert lift.rate.low == pytest.approx(0.01376, abs=1e-5)
    assert lift.rate.significant
    assert lift.measurable


def test_revenue_per_customer_welch_interval():
    treated = group_of([0, 0, 100, 300])  # mean 100, variance 20000
    holdout = group_of([0, 50, 0, 50])  # mean 25, variance 833.33
    lift = compute_lift(treated, holdout)
    assert treated.revenue_variance == pytest.approx(20000)
    assert holdout.revenue_variance == pytest.approx(2500 / 3)
    assert lift.revenue.value == pytest.approx(75)
    se = math.sqrt(20000 / 4 + (2500 / 3) / 4)
    assert lift.revenue.high - lift.revenue.value == pytest.approx(
        1.959963984540054 * se
    )
    assert not lift.revenue.significant  # four customers say little


def test_no_difference_is_not_significant_and_empty_groups_are_not_measurable():
    same = compute_lift(Group(500, 50, 5000, 600000), Group(500, 50, 5000, 600000))
    assert same.rate.value == 0
    assert not same.rate.significant
    empty = compute_lift(Group(10, 1, 100, 10000), Group(0, 0, 0, 0))
    assert not empty.measurable
    assert empty.rate.low == empty.rate.high == empty.rate.value


def test_interval_covers_the_true_lift_about_95_percent_of_the_time():
    rng = random.Random(7)
    covered = 0
    runs = 400
    for _ in range(runs):
        treated = Group(2000, sum(rng.random() < 0.15 for _ in range(2000)), 0, 0)
        holdout = Group(2000, sum(rng.random() < 0.10 for _ in range(2000)), 0, 0)
        rate = compute_lift(treated, holdout).rate
        covered += rate.low <= 0.05 <= rate.high
    assert 0.92 <= covered / runs <= 0.98
