# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
import random

import pytest

from oto_crm.tools.lift import MIN_GROUP, Group, compute_lift
from oto_crm.tools.suggestion_rules import in_holdout


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
    # Agresti-Caffo: 121/1002 and 81/1002, centre and spread.
    t, h = 121 / 1002, 81 / 1002
    margin = 1.959963984540054 * math.sqrt(t * (1 - t) / 1002 + h * (1 - h) / 1002)
    assert lift.rate.low == pytest.approx(t - h - margin)
    assert lift.rate.high == pytest.approx(t - h + margin)
    assert lift.rate.low == pytest.approx(0.01361, abs=1e-4)
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


def test_no_verdict_on_small_groups_or_a_zero_spread():
    # Ten buyers of ten against none of ten: a huge gap, too few to tell.
    small = compute_lift(Group(10, 10, 1000, 100000), Group(10, 0, 0, 0))
    assert small.rate.value == 1
    assert not small.enough
    assert not small.rate.significant and not small.revenue.significant
    # One customer a group: the revenue's spread cannot be estimated
    # (standard error 0), which is no certainty.
    one = compute_lift(Group(1, 1, 100, 10000), Group(1, 0, 0, 0))
    assert one.revenue.low == one.revenue.high == 100
    assert not one.revenue.significant and not one.rate.significant
    # Enough customers, each spending the same on both sides: no spread, no
    # difference, no verdict.
    same = compute_lift(Group(100, 100, 5000, 250000), Group(100, 100, 5000, 250000))
    assert same.enough and same.revenue.low == same.revenue.high == 0
    assert not same.revenue.significant and not same.rate.significant
    # From MIN_GROUP each, a clear gap is a verdict.
    clear = compute_lift(Group(MIN_GROUP, MIN_GROUP, 0, 0), Group(MIN_GROUP, 1, 0, 0))
    assert clear.enough and clear.rate.significant


def simulated_campaign(rng, campaign_id, true_lift, sellers=40, audience=60, room=15):
    """One campaign as the daily generation runs it: each seller's audience
    ranked by a score that predicts buying (the best customers buy more
    anyway), the seller's room taken from the top, the holdout drawn by the
    engine's own hash among that selection; a suggested customer buys with
    ``true_lift`` more probability. Returns (treated, holdout, audience's
    held-out customers drawn the old way: from all candidates)."""
    treated, holdout, old_holdout = [], [], []
    partner = 0
    for _seller in range(sellers):
        scores = sorted((rng.random() for _ in range(audience)), reverse=True)
        for rank, score in enumerate(scores):
            partner += 1
            base = 0.05 + 0.4 * score  # the higher ranked buy more anyway
            held = in_holdout(campaign_id, partner, 20)
            if rank < room:
                suggested = not held
                bought = rng.random() < base + (true_lift if suggested else 0)
                (treated if suggested else holdout).append(bought)
            elif held:
                old_holdout.append(rng.random() < base)
    return treated, holdout, old_holdout


def rate_group(outcomes):
    return Group(len(outcomes), sum(outcomes), 0.0, 0.0)


def test_a_known_lift_is_recovered_within_its_interval():
    rng = random.Random(11)
    treated, holdout, old_holdout = simulated_campaign(rng, 7, true_lift=0.10)
    lift = compute_lift(rate_group(treated), rate_group(holdout))
    assert lift.enough
    assert lift.rate.low <= 0.10 <= lift.rate.high
    assert lift.rate.significant and lift.rate.value > 0
    # The old design (holdout drawn from the whole audience, before ranking
    # and room) compares the best customers with average ones: its estimate
    # is far above the true lift, outside its own interval.
    biased = compute_lift(rate_group(treated), rate_group(old_holdout))
    assert biased.rate.low > 0.10


def test_no_lift_is_claimed_no_more_often_than_the_error_rate():
    """A campaign with no effect at all, run 600 times: the 95% interval
    claims a lift (either way) in at most 5% of them, give or take the
    sampling noise of 600 runs (three standard deviations)."""
    rng = random.Random(3)
    runs, claims = 600, 0
    for campaign_id in range(runs):
        treated, holdout, _old = simulated_campaign(
            rng, campaign_id, true_lift=0.0, sellers=25, audience=20, room=10
        )
        lift = compute_lift(rate_group(treated), rate_group(holdout))
        assert lift.enough  # a verdict is given: the test is of the interval
        claims += lift.rate.significant
    assert claims > 0  # the interval is not so wide it never claims anything
    bound = 0.05 + 3 * math.sqrt(0.05 * 0.95 / runs)
    assert claims / runs <= bound
