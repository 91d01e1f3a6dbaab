# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import random
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .test_suggestions import NOW, SuggestionsCommon
from .wallet_world import order_extras


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestCampaignLift(SuggestionsCommon):
    """The campaign's lift: suggested customers against its random holdout."""

    def _buy(self, customer, when, amount=100):
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "oto_seller_id": self.ana.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Bolsa Aurora", "list_price": 100}
        )

    def test_lift_counts_the_window_of_each_group(self):
        customers = self._customers(24, self.ana)
        campaign = self._campaign("Recompra", holdout_percent=50, lift_days=10)
        self._generate()
        suggested = self._suggestions(campaign_id=campaign.id).partner_id
        held = (
            self.env["oto.campaign.holdout"]
            .search([("campaign_id", "=", campaign.id)])
            .partner_id
        )
        self.assertEqual(suggested | held, customers)
        self.assertTrue(suggested and held)
        # Two suggested customers buy in the window (one twice), one held-out
        # customer buys in it; purchases before the day or after the window
        # do not count.
        self._buy(suggested[0], datetime(2026, 11, 25, 15, 0), 100)
        self._buy(suggested[0], datetime(2026, 11, 26, 15, 0), 50)
        self._buy(suggested[1], datetime(2026, 12, 2, 15, 0), 300)
        self._buy(suggested[2], datetime(2026, 12, 3, 15, 0), 999)  # day 10: out
        self._buy(suggested[3], datetime(2026, 11, 22, 15, 0), 999)  # before
        self._buy(held[0], datetime(2026, 11, 24, 15, 0), 80)
        campaign.invalidate_recordset()
        n_t, n_h = len(suggested), len(held)
        self.assertEqual(campaign.lift_treated_count, n_t)
        self.assertEqual(campaign.lift_holdout_count, n_h)
        # (Percentages kept to one decimal.)
        self.assertAlmostEqual(campaign.lift_treated_rate, 200 / n_t, delta=0.0501)
        self.assertAlmostEqual(campaign.lift_holdout_rate, 100 / n_h, delta=0.0501)
        self.assertAlmostEqual(campaign.lift_rate, 200 / n_t - 100 / n_h, delta=0.0501)
        self.assertAlmostEqual(campaign.lift_revenue, 450 / n_t - 80 / n_h, delta=0.005)
        self.assertLess(campaign.lift_rate_low, campaign.lift_rate)
        self.assertGreater(campaign.lift_rate_high, campaign.lift_rate)
        # A handful of customers tells nothing yet, and says so.
        self.assertIn(f"Of the {n_t} customers suggested", campaign.lift_summary)
        self.assertIn(
            "Too few customers to tell an effect from chance", campaign.lift_summary
        )
        self.assertNotIn("The campaign made", campaign.lift_summary)
        # In Brazilian Portuguese, the figures are written the Brazilian way
        # (a decimal comma), like Odoo's own fields.
        self.env["res.lang"]._activate_lang("pt_BR")
        summary = campaign.with_context(lang="pt_BR").lift_summary
        rate = f"{campaign.lift_treated_rate:.1f}".replace(".", ",")
        self.assertIn(f"{rate}%", summary)
        self.assertNotRegex(summary, r"\d\.\d")

    def test_without_holdout_the_lift_is_not_measurable(self):
        self._customers(3, self.ana)
        campaign = self._campaign("Sem controle", holdout_percent=0)
        self._generate()
        self.assertEqual(campaign.lift_treated_count, 3)
        self.assertEqual(campaign.lift_holdout_count, 0)
        self.assertIn("Not measurable yet", campaign.lift_summary)

    def test_holdout_is_drawn_within_the_sellers_selection(self):
        """Twelve customers for a seller with room for four: the holdout is
        drawn among the four the campaign would have suggested (the best
        ranked: here, equal scores, the lowest ids), in their slots; the
        others are neither suggested nor held out."""
        self.ana.daily_limit = 4
        customers = self._customers(12, self.ana).sorted("id")
        campaign = self._campaign("Recompra", holdout_percent=50)
        suggested, held_count = self._generate()[campaign]
        held = (
            self.env["oto.campaign.holdout"]
            .search([("campaign_id", "=", campaign.id)])
            .partner_id
        )
        chosen = self._suggestions(campaign_id=campaign.id).partner_id
        self.assertEqual(len(held), held_count)
        self.assertEqual(suggested + held_count, 4)
        self.assertEqual(chosen | held, customers[:4])
        # The customers held out keep their slots: a second run of the day
        # gives the seller nobody in their place.
        self.assertEqual(self._generate()[campaign], (0, 0))

    # ------------------------------------------------ a synthetic campaign

    def _synthetic_campaign(self, treated_rate, holdout_rate, seed):
        """300 customers in three wallets, a campaign holding out half, and
        ten days of purchases drawn at the given rates (inserted as an
        import writes orders); returns the campaign."""
        self.company.oto_daily_limit = 200
        for seller in (self.ana, self.bia, self.caio):
            seller.daily_limit = 200
            self._customers(100, seller)
        campaign = self._campaign("Sintética", holdout_percent=50, lift_days=10)
        self._generate()
        units = {
            s.partner_id: False for s in self._suggestions(campaign_id=campaign.id)
        }
        for holdout in self.env["oto.campaign.holdout"].search(
            [("campaign_id", "=", campaign.id)]
        ):
            units[holdout.partner_id] = True
        self.assertEqual(len(units), 300, "every customer suggested or held out")
        draw = random.Random(seed)
        buyers = [
            customer
            for customer, held in units.items()
            if draw.random() < (holdout_rate if held else treated_rate)
        ]
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO sale_order (name, partner_id, partner_invoice_id,
                    partner_shipping_id, company_id, date_order, state,
                    amount_total, amount_untaxed, currency_rate, oto_channel,
                    create_date, write_date, create_uid, write_uid
                    %(more_columns)s)
                SELECT 'L' || r.n, r.partner, r.partner, r.partner, %(company)s,
                       r.at, 'sale', 200, 200, 1.0, 'store', r.at, r.at, 1, 1
                       %(more_values)s
                  FROM unnest(%(partners)s::int[], %(ats)s::timestamp[])
                       WITH ORDINALITY AS r(partner, at, n)
                """,
                **order_extras(self.env.cr),
                company=self.company.id,
                partners=[c.id for c in buyers],
                ats=[NOW + timedelta(days=draw.randint(0, 9)) for _c in buyers],
            )
        )
        campaign.invalidate_recordset()
        return campaign

    def test_a_synthetic_campaign_finds_the_lift_it_was_given(self):
        """Suggested customers buy at 45%, held-out ones at 15%: the
        manager reads a lift whose interval holds the true 30 points."""
        campaign = self._synthetic_campaign(0.45, 0.15, seed=20261203)
        self.assertAlmostEqual(
            campaign.lift_treated_count + campaign.lift_holdout_count, 300
        )
        self.assertGreaterEqual(
            min(campaign.lift_treated_count, campaign.lift_holdout_count), 100
        )
        self.assertLess(campaign.lift_rate_low, 30)
        self.assertGreater(campaign.lift_rate_high, 30)
        self.assertGreater(campaign.lift_rate_low, 0, "the effect is told from chance")
        self.assertIn("The campaign made", campaign.lift_summary)

    def test_a_campaign_without_effect_claims_none(self):
        """Both groups buy at 25%: the interval holds 0 and the manager is
        told no difference can be told from chance yet."""
        campaign = self._synthetic_campaign(0.25, 0.25, seed=20261203)
        self.assertLess(campaign.lift_rate_low, 0)
        self.assertGreater(campaign.lift_rate_high, 0)
        self.assertIn(
            "No difference can be told from chance yet", campaign.lift_summary
        )
