# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL, format_amount
from odoo.tools.misc import formatLang

from ..tools.lift import MIN_GROUP, Group, compute_lift


class OtoCampaign(models.Model):
    """The campaign's incremental lift: the customers it suggested against
    its holdout (kept out at random among those it would have suggested, in
    their place in the day's selection), each from the day they were
    suggested (or would have been) over the same number of days."""

    _inherit = "oto.campaign"

    lift_days = fields.Integer(
        string="Measure purchases over (days)",
        default=30,
        help="The lift compares the purchases of the customers suggested and "
        "of the customers held out in this many days from the day each was "
        "suggested (or would have been).",
    )
    lift_treated_count = fields.Integer(
        string="Customers suggested", compute="_compute_lift"
    )
    lift_holdout_count = fields.Integer(
        string="Customers held out", compute="_compute_lift"
    )
    lift_treated_rate = fields.Float(
        string="Bought (suggested)", digits=(5, 1), compute="_compute_lift"
    )
    lift_holdout_rate = fields.Float(
        string="Bought (held out)", digits=(5, 1), compute="_compute_lift"
    )
    lift_rate = fields.Float(
        string="Lift (points)", digits=(5, 1), compute="_compute_lift"
    )
    lift_rate_low = fields.Float(
        string="Lift, at least", digits=(5, 1), compute="_compute_lift"
    )
    lift_rate_high = fields.Float(
        string="Lift, at most", digits=(5, 1), compute="_compute_lift"
    )
    lift_revenue = fields.Float(
        string="Extra revenue per customer", digits=(12, 2), compute="_compute_lift"
    )
    lift_revenue_low = fields.Float(
        string="Extra revenue, at least", digits=(12, 2), compute="_compute_lift"
    )
    lift_revenue_high = fields.Float(
        string="Extra revenue, at most", digits=(12, 2), compute="_compute_lift"
    )
    lift_summary = fields.Text(string="What it means", compute="_compute_lift")

    _sql_constraints = [
        (
            "lift_days_positive",
            "CHECK(lift_days > 0)",
            "The lift is measured over at least one day.",
        ),
    ]

    def _lift_groups(self):
        """{held_out: Group} of the campaign (one SQL aggregate)."""
        self.ensure_one()
        self.env["oto.purchase"]._flush_sources()
        self.env["oto.suggestion"].flush_model()
        self.env["oto.campaign.holdout"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                WITH unit AS (
                    SELECT s.partner_id, min(s.date) AS day, FALSE AS held
                      FROM oto_suggestion s
                     WHERE s.campaign_id = %(campaign)s AND s.type = 'segment'
                     GROUP BY s.partner_id
                    UNION ALL
                    SELECT h.partner_id, h.date, TRUE
                      FROM oto_campaign_holdout h
                     WHERE h.campaign_id = %(campaign)s
                ), outcome AS (
                    SELECT u.held, u.partner_id, count(p.id) > 0 AS bought,
                           COALESCE(sum(p.amount), 0) AS revenue
                      FROM unit u
                      LEFT JOIN oto_purchase p
                             ON p.partner_id = u.partner_id
                            AND p.company_id = %(company)s
                            AND p.day >= u.day AND p.day < u.day + %(days)s
                     GROUP BY u.held, u.partner_id
                )
                SELECT held, count(*), count(*) FILTER (WHERE bought),
                       sum(revenue), sum(revenue * revenue)
                  FROM outcome GROUP BY held
                """,
                campaign=self.id,
                company=self.company_id.id,
                days=self.lift_days,
            )
        )
        groups = {True: Group(0, 0, 0.0, 0.0), False: Group(0, 0, 0.0, 0.0)}
        for held, customers, buyers, revenue, squares in self.env.cr.fetchall():
            groups[held] = Group(customers, buyers, revenue or 0.0, squares or 0.0)
        return groups

    @api.depends_context("lang")
    @api.depends("lift_days")
    def _compute_lift(self):
        for campaign in self:
            groups = campaign._lift_groups() if campaign.id else None
            if not groups:
                groups = {True: Group(0, 0, 0, 0), False: Group(0, 0, 0, 0)}
            lift = compute_lift(groups[False], groups[True])
            campaign.lift_treated_count = lift.treated.customers
            campaign.lift_holdout_count = lift.holdout.customers
            campaign.lift_treated_rate = lift.treated.rate * 100
            campaign.lift_holdout_rate = lift.holdout.rate * 100
            campaign.lift_rate = lift.rate.value * 100
            campaign.lift_rate_low = lift.rate.low * 100
            campaign.lift_rate_high = lift.rate.high * 100
            campaign.lift_revenue = lift.revenue.value
            campaign.lift_revenue_low = lift.revenue.low
            campaign.lift_revenue_high = lift.revenue.high
            campaign.lift_summary = campaign._lift_sentence(lift)

    def _lift_sentence(self, lift):
        """The lift in words a store manager reads at a glance."""
        if not lift.measurable:
            return self.env._(
                "Not measurable yet: the campaign needs customers suggested and "
                "customers held out (holdout above 0%)."
            )
        currency = self.company_id.currency_id

        def money(value):
            return format_amount(self.env, value, currency)

        # Figures in the reader's language ("12,5", "1.234"), like Odoo's
        # own fields.
        def count(value):
            return formatLang(self.env, value, digits=0)

        def points(value):
            return formatLang(self.env, value * 100, digits=1)

        facts = self.env._(
            "Of the %(treated)s customers suggested, %(treated_rate)s%% bought "
            "within %(days)s days; of the %(holdout)s kept out at random from "
            "those it would have suggested, %(holdout_rate)s%%.",
            treated=count(lift.treated.customers),
            treated_rate=points(lift.treated.rate),
            days=count(self.lift_days),
            holdout=count(lift.holdout.customers),
            holdout_rate=points(lift.holdout.rate),
        )
        if not lift.enough:
            verdict = self.env._(
                "Too few customers to tell an effect from chance: at least "
                "%(minimum)s in each group are needed.",
                minimum=count(MIN_GROUP),
            )
        elif lift.rate.significant and lift.rate.value > 0:
            verdict = self.env._(
                "The campaign made %(points)s more customers in a hundred buy "
                "(between %(low)s and %(high)s, with 95%% confidence): about "
                "%(buyers)s extra buyers, and %(revenue)s more per customer "
                "suggested.",
                points=points(lift.rate.value),
                low=points(lift.rate.low),
                high=points(lift.rate.high),
                buyers=count(round(lift.rate.value * lift.treated.customers)),
                revenue=money(lift.revenue.value),
            )
        elif lift.rate.significant:
            verdict = self.env._(
                "The customers suggested bought less than those kept out "
                "(%(points)s in a hundred, between %(low)s and %(high)s): "
                "review the audience and the message.",
                points=points(lift.rate.value),
                low=points(lift.rate.low),
                high=points(lift.rate.high),
            )
        else:
            verdict = self.env._(
                "No difference can be told from chance yet (between %(low)s and "
                "%(high)s more customers in a hundred): let the campaign run "
                "longer.",
                low=points(lift.rate.low),
                high=points(lift.rate.high),
            )
        return f"{facts} {verdict}"
