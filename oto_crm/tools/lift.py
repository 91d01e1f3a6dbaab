# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Incremental lift of a campaign: the customers it suggested against the
ones it kept out at random (its holdout), over the same window.

Plain Python (no Odoo): the figures come from one SQL aggregate per group
(customers, buyers, revenue, revenue squared); the differences get a 95%
confidence interval from the normal approximation (two proportions for the
purchase rate; Welch for the revenue per customer).
"""

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


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

    @property
    def significant(self):
        """The interval leaves out zero: more than chance."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class Lift:
    treated: Group
    holdout: Group
    rate: Difference
    revenue: Difference

    @property
    def measurable(self):
        return self.treated.customers > 0 and self.holdout.customers > 0


def _interval(value, standard_error):
    margin = Z95 * standard_error
    return Difference(value, value - margin, value + margin)


def compute_lift(treated, holdout):
    """The lift of ``treated`` over ``holdout`` (two ``Group``): purchase
    rate (a difference of proportions) and revenue per customer."""
    rate_se = 0.0
    revenue_se = 0.0
    if treated.customers and holdout.customers:
        rate_se = math.sqrt(
            treated.rate * (1 - treated.rate) / treated.customers
            + holdout.rate * (1 - holdout.rate) / holdout.customers
        )
        revenue_se = math.sqrt(
            treated.revenue_variance / treated.customers
            + holdout.revenue_variance / holdout.customers
        )
    return Lift(
        treated,
        holdout,
        _interval(treated.rate - holdout.rate, rate_se),
        _interval(
            treated.revenue_per_customer - holdout.revenue_per_customer, revenue_se
        ),
    )
