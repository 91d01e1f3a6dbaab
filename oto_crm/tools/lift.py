# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Incremental lift of a campaign: the customers it suggested against the
ones it kept out at random (its holdout), over the same window.

The holdout is drawn among the customers the campaign would have suggested
(the day's selection, after ranking, within each seller's room and the
campaign's cap), so both groups are alike but for the suggestion: the
difference is the effect of suggesting (intent to treat: whether the seller
then reached the customer or not). No verdict below ``MIN_GROUP`` customers
in either group, nor when the spread cannot be estimated (no buyer or only
buyers on both sides): chance alone would then be read as an effect.

Plain Python (no Odoo): the figures come from one SQL aggregate per group
(customers, buyers, revenue, revenue squared); the differences get a 95%
confidence interval from the normal approximation (two proportions for the
purchase rate, with Agresti and Caffo's adjustment; Welch for the revenue
per customer).
"""

import math
from dataclasses import dataclass

Z95 = 1.959963984540054
# Customers in each group before any verdict (the normal approximation
# behind the interval needs them).
MIN_GROUP = 30


@dataclass(frozen=True)
class Group:
    customers: int
    buyers: int
    revenue: float
    revenue_squares: float

    @property
    def rate(self):
        return self.buyers / self.customers if self.customers else 0.0

    @property
    def revenue_per_customer(self):
        return self.revenue / self.customers if self.customers else 0.0

    @property
    def revenue_variance(self):
        """Sample variance of the revenue per customer (0 below 2 customers)."""
        n = self.customers
        if n < 2:
            return 0.0
        mean = self.revenue / n
        return max((self.revenue_squares - n * mean * mean) / (n - 1), 0.0)


@dataclass(frozen=True)
class Difference:
    value: float
    low: float
    high: float
    # False when the groups are too small or the spread is zero.
    decidable: bool = True

    @property
    def significant(self):
        """The interval leaves out zero: more than chance (never when the
        groups are too small to tell, nor on a zero spread)."""
        return self.decidable and (self.low > 0 or self.high < 0)


@dataclass(frozen=True)
class Lift:
    treated: Group
    holdout: Group
    rate: Difference
    revenue: Difference

    @property
    def measurable(self):
        return self.treated.customers > 0 and self.holdout.customers > 0

    @property
    def enough(self):
        """Both groups large enough for a verdict."""
        return min(self.treated.customers, self.holdout.customers) >= MIN_GROUP


def _interval(value, standard_error, enough, center=None):
    margin = Z95 * standard_error
    center = value if center is None else center
    return Difference(
        value, center - margin, center + margin, enough and standard_error > 0
    )


def _adjusted_rate(group):
    """Agresti and Caffo's rate: one buyer and one non-buyer added."""
    return (group.buyers + 1) / (group.customers + 2)


def compute_lift(treated, holdout):
    """The lift of ``treated`` over ``holdout`` (two ``Group``): purchase
    rate (a difference of proportions) and revenue per customer."""
    rate_se = 0.0
    revenue_se = 0.0
    if treated.customers and holdout.customers:
        # Agresti-Caffo: one buyer and one non-buyer added to each group for
        # the spread; the plain (Wald) spread claims too often on groups of
        # tens of customers.
        rate_se = math.sqrt(
            sum(
                _adjusted_rate(g) * (1 - _adjusted_rate(g)) / (g.customers + 2)
                for g in (treated, holdout)
            )
        )
        revenue_se = math.sqrt(
            treated.revenue_variance / treated.customers
            + holdout.revenue_variance / holdout.customers
        )
    enough = min(treated.customers, holdout.customers) >= MIN_GROUP
    return Lift(
        treated,
        holdout,
        _interval(
            treated.rate - holdout.rate,
            rate_se,
            enough,
            _adjusted_rate(treated) - _adjusted_rate(holdout) if rate_se else None,
        ),
        _interval(
            treated.revenue_per_customer - holdout.revenue_per_customer,
            revenue_se,
            enough,
        ),
    )
