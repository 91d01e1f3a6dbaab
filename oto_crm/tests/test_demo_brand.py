# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from odoo.tests import TransactionCase, freeze_time, tagged


@tagged("post_install", "-at_install", "oto_crm")
class TestDemoBrand(TransactionCase):
    """The demo generator builds the brand in a company of its own."""

    @freeze_time("2026-11-23 12:00:00")
    def test_generate_demo_brand(self):
        company = self.env["res.company"].create({"name": "Demo Brand Test"})
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        env["oto.demo"].with_company(company)._generate_demo_brand()
        stores = env["oto.store"].search([("company_id", "=", company.id)])
        self.assertEqual(len(stores), 3)
        self.assertEqual(sorted(stores.mapped("kind")), ["franchise", "own", "own"])
        self.assertEqual(len(stores.state_id), 3)
        sellers = env["oto.seller"].search([("company_id", "=", company.id)])
        self.assertEqual(len(sellers), 12)
        customers = env["res.partner"].search([("oto_store_id", "in", stores.ids)])
        self.assertEqual(len(customers), 300)
        self.assertTrue(all(len(c.oto_phone_e164 or "") == 14 for c in customers))
        self.assertTrue(all(c.mobile.startswith("+55 ") for c in customers))
        # the engine ran: wallets follow the rules, RFV is set
        with_history = customers.filtered("oto_purchase_count")
        self.assertTrue(with_history)
        self.assertTrue(all(c.oto_rfv_segment_id for c in with_history))
        self.assertTrue(all(c.oto_seller_id for c in customers))
        self.assertTrue(all(c.email for c in customers))
        orders = env["sale.order"].search([("oto_store_id", "in", stores.ids)])
        self.assertGreater(len(orders), 500)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self.assertTrue(all(o.oto_seller_id.store_id == o.oto_store_id for o in orders))
        dates = orders.mapped("date_order")
        self.assertLessEqual(max(dates), datetime(2026, 11, 23, 23, 59))
        self.assertGreaterEqual(min(dates), datetime(2025, 11, 23))
        self.assertGreater((max(dates) - min(dates)).days, 300)
        self.assertGreater(sum(orders.mapped("amount_total")), 0)
        manager = env["res.users"].search([("login", "=", "marcos.lima")])
        self.assertTrue(manager.has_group("oto_crm.oto_crm_group_manager"))
        self.assertIn(manager, stores.manager_ids)
        # In reais, every demo user on São Paulo time (a first sign-in from
        # a browser elsewhere keeps it: they count as signed in once).
        self.assertEqual(company.currency_id, self.env.ref("base.BRL"))
        self.assertEqual(set(orders.currency_id.mapped("name")), {"BRL"})
        demo_users = env["res.users"].search(
            [("login", "in", ["marcos.lima", "ana.souza", "loja.sp01", "loja.rj01"])]
        )
        self.assertEqual(len(demo_users), 4)
        self.assertEqual(set(demo_users.mapped("tz")), {"America/Sao_Paulo"})
        self.assertTrue(all(demo_users.mapped("login_date")))
        self.assertEqual(demo_users.company_id, company)
        # Campaigns and today's suggestions, within each seller's limit.
        campaigns = env["oto.campaign"].search([("company_id", "=", company.id)])
        self.assertEqual(len(campaigns), 4)
        suggestions = env["oto.suggestion"].search(
            [("company_id", "=", company.id), ("type", "=", "segment")]
        )
        self.assertTrue(suggestions)
        self.assertEqual(set(suggestions.mapped("state")), {"assigned"})
        for seller in sellers:
            mine = suggestions.filtered(lambda g, s=seller: g.seller_id == s)
            self.assertLessEqual(len(mine), company.oto_daily_limit)
            self.assertEqual(
                mine.partner_id,
                mine.partner_id.filtered(lambda p, s=seller: p.oto_seller_id == s),
            )
        self.assertTrue(all(g.message and "{" not in g.message for g in suggestions))
        # The sellers' contacts of the last 90 days, and the sales they led to.
        contacts = env["oto.contact"].search([("company_id", "=", company.id)])
        self.assertGreater(len(contacts), 50)
        self.assertLess(max(contacts.mapped("date")), datetime(2026, 11, 23))
        worked = env["oto.suggestion"].search(
            [("company_id", "=", company.id), ("type", "=", "contact")]
        )
        self.assertEqual(len(worked), len(contacts))
        self.assertEqual(set(worked.mapped("state")), {"done"})
        self.assertLess(max(worked.mapped("date")), date(2026, 11, 23))
        sales = env["oto.attribution"].search([("company_id", "=", company.id)])
        self.assertGreater(len(sales), 20)
        self.assertTrue(all(0 <= s.days <= 7 for s in sales))
        self.assertEqual(set(sales.contact_id.mapped("reached")), {"yes"})
