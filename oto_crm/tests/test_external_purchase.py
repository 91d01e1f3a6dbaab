# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .test_attribution import AttributionCommon

NOW = datetime(2026, 11, 23, 15, 0)
TODAY = "2026-11-20 15:00:00"


@tagged("post_install", "-at_install", "oto_crm")
@freeze_time(NOW)
class TestExternalPurchaseEngine(TransactionCase):
    """A purchase from another system moves customers like a sale order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env["res.company"].create({"name": "Oto External Brand"})
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.engine = cls.env["oto.wallet.engine"].with_company(cls.company)
        Store = cls.env["oto.store"]
        cls.store_a = Store.create(
            {"name": "Loja A", "code": "A", "company_id": cls.company.id}
        )
        cls.store_b = Store.create(
            {"name": "Loja B", "code": "B", "company_id": cls.company.id}
        )
        Seller = cls.env["oto.seller"]
        cls.a1 = Seller.create(
            {"name": "A1", "code": "A-1", "store_id": cls.store_a.id}
        )
        cls.a2 = Seller.create(
            {"name": "A2", "code": "A-2", "store_id": cls.store_a.id}
        )
        cls.b1 = Seller.create(
            {"name": "B1", "code": "B-1", "store_id": cls.store_b.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Cliente", "company_id": cls.company.id, "customer_rank": 1}
        )

    def setUp(self):
        super().setUp()
        # Write dates follow the frozen clock, as in the engine's own tests.
        self.startPatcher(
            patch.object(type(self.env.cr), "now", lambda cr: datetime.now())
        )

    def _external(self, seller, days_ago, amount=100.0, ref=None, **values):
        self._count = getattr(self, "_count", 0) + 1
        return self.env["oto.external.purchase"].create(
            {
                "external_id": ref or f"ERP-{self._count}",
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "store_id": seller.store_id.id,
                "seller_id": seller.id,
                "date_order": NOW - timedelta(days=days_ago),
                "amount_total": amount,
                **values,
            }
        )

    def _refresh(self, mode="full"):
        return self.engine._action_wallet_refresh(self.company, mode=mode)

    def _night(self, days=1):
        with freeze_time(NOW + timedelta(days=days)):
            run = self._refresh(mode=None)
        self.assertEqual(run.mode, "incremental")
        self.env.invalidate_all()
        return run

    def test_external_purchases_elect_the_wallet_seller(self):
        for days in (1, 3, 5):
            self._external(self.a1, days)
        for days in (2, 4):
            self._external(self.a2, days)
        self._refresh()
        self.assertEqual(self.customer.oto_preferred_store_id, self.store_a)
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        self.assertEqual(self.customer.oto_purchase_count, 5)
        self.assertAlmostEqual(self.customer.oto_purchase_amount, 500)

    def test_new_external_purchase_reaches_the_next_night_run(self):
        self._external(self.a1, 3)
        self._refresh()
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        self.env.cr.execute(
            "SELECT count(*) FROM oto_wallet_change WHERE partner_id = %s",
            [self.customer.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        for days in (1, 2):
            self._external(self.b1, days, amount=900)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*) FROM oto_wallet_change "
            "WHERE partner_id = %s AND kind = 'purchase'",
            [self.customer.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 2)
        run = self._night()
        self.assertEqual(run.total, 1)
        self.assertEqual(self.customer.oto_seller_id, self.b1)

    def test_cancelled_and_refunded_purchases_leave_votes_and_value(self):
        self._external(self.a1, 3, amount=100)
        cancelled = self._external(self.a2, 4, amount=500)
        refunded = self._external(self.a2, 5, amount=300)
        partial = self._external(self.a1, 6, amount=200)
        self._external(self.a2, 7, amount=100)
        self._refresh()
        # A2: three visits of the last five; A1 two.
        self.assertEqual(self.customer.oto_seller_id, self.a2)
        cancelled.action_cancel()
        refunded.refunded_amount = 300
        partial.refunded_amount = 50
        self._night()
        self.assertEqual(self.customer.oto_purchase_count, 3)
        self.assertAlmostEqual(self.customer.oto_purchase_amount, 350)
        self.assertEqual(self.customer.oto_seller_id, self.a1)
        purchases = self.env["oto.purchase"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(set(purchases.mapped("source")), {"external"})
        self.assertEqual(sorted(purchases.mapped("amount")), [100, 100, 150])
        # Restored, it counts again.
        cancelled.action_restore()
        self._night(2)
        self.assertEqual(self.customer.oto_purchase_count, 4)
        self.assertAlmostEqual(self.customer.oto_purchase_amount, 850)

    def test_external_id_unique_per_company(self):
        self._external(self.a1, 3, ref="X-1")
        other = self.env["res.company"].create({"name": "Outra marca"})
        store = self.env["oto.store"].create(
            {"name": "Loja O", "code": "O", "company_id": other.id}
        )
        partner = self.env["res.partner"].create(
            {"name": "Cliente O", "company_id": other.id}
        )
        # The same id in another company is another purchase.
        self.env["oto.external.purchase"].with_company(other).create(
            {
                "external_id": "X-1",
                "company_id": other.id,
                "partner_id": partner.id,
                "store_id": store.id,
                "date_order": NOW,
                "amount_total": 10,
            }
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._external(self.a2, 4, ref="X-1")
            self.env.flush_all()

    def test_lines_give_amount_items_and_product_stats(self):
        product = self.env["product.product"].create({"name": "Vestido"})
        purchase = self._external(
            self.a1,
            0,
            amount=0,
            line_ids=[
                Command.create(
                    {"product_id": product.id, "quantity": 2, "price_unit": 150}
                ),
                Command.create(
                    {"product_ref": "SKU-OLD", "quantity": 1, "price_unit": 40}
                ),
            ],
        )
        self.assertEqual((purchase.amount_total, purchase.item_count), (340, 3))
        row = self.env["oto.purchase"].search(
            [("source", "=", "external"), ("res_id", "=", purchase.id)]
        )
        self.assertEqual(
            (row.source, row.amount, row.item_count, row.store_id),
            ("external", 340, 3, self.store_a),
        )
        self.assertEqual(row.action_open_order()["res_model"], "oto.external.purchase")
        Recommendation = self.env["oto.recommendation"]
        Recommendation._refresh_product_stats(self.company, NOW.date())
        sale = self.env["oto.recommendation.sale"].search(
            [("company_id", "=", self.company.id), ("product_id", "=", product.id)]
        )
        self.assertEqual((sale.store_id, sale.units), (self.store_a.id, 2))
        purchase.action_cancel()
        Recommendation._refresh_product_stats(self.company, NOW.date())
        self.assertFalse(sale.exists())


@tagged("post_install", "-at_install", "oto_crm")
class TestExternalPurchaseResults(AttributionCommon):
    """Results and access read external purchases like sale orders."""

    def _external(self, when, amount=100, seller=None, customer=None, **values):
        seller = seller or self.ana
        return self.env["oto.external.purchase"].create(
            {
                "external_id": f"ERP-{when.isoformat()}-{seller.code}",
                "company_id": self.company.id,
                "partner_id": (customer or self.customer).id,
                "store_id": seller.store_id.id,
                "seller_id": seller.id,
                "date_order": when,
                "amount_total": amount,
                "item_count": 1,
                **values,
            }
        )

    @freeze_time(TODAY)
    def test_results_count_external_purchases(self):
        Result = self.env["oto.result.day"]
        self._contact(datetime(2026, 11, 10, 13, 0))
        purchase = self._external(datetime(2026, 11, 11, 15, 0), amount=250)
        kpis = {k["key"]: k["value"] for k in Result.get_results("30d")["kpis"]}
        self.assertEqual((kpis["revenue"], kpis["sales"]), (250, 1))
        day = Result.search(
            [("company_id", "=", self.company.id), ("day", "=", date(2026, 11, 11))]
        )
        self.assertEqual((day.seller_id, day.revenue), (self.ana, 250))
        # Cancelled in the other system: the kept day is computed again.
        purchase.action_cancel()
        kpis = {k["key"]: k["value"] for k in Result.get_results("30d")["kpis"]}
        self.assertEqual((kpis["revenue"], kpis["sales"]), (0, 0))
        self.assertFalse(day.exists())

    def test_who_reads_external_purchases(self):
        mine = self._external(datetime(2026, 11, 11, 15, 0))
        other_customer = self._customer("Outra", self.caio, "+5511987650099")
        theirs = self._external(
            datetime(2026, 11, 12, 15, 0), seller=self.caio, customer=other_customer
        )
        # A wallet customer of Ana's who also bought at the other store.
        elsewhere = self._external(datetime(2026, 11, 13, 15, 0), seller=self.caio)
        online = self._external(
            datetime(2026, 11, 14, 15, 0), store_id=False, seller_id=False
        )
        seller_user = new_test_user(
            self.env,
            "oto_ext_ana",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.ana.user_id = seller_user
        admin = new_test_user(
            self.env,
            "oto_ext_admin",
            groups="oto_crm.oto_crm_group_admin",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        other_company = self.env["res.company"].create({"name": "Franquia"})
        franchise = new_test_user(
            self.env,
            "oto_ext_franchise",
            groups="oto_crm.oto_crm_group_admin",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        External = self.env["oto.external.purchase"]
        self.assertEqual(External.with_user(seller_user).search([]), mine | online)
        purchases = self.env["oto.purchase"].with_user(seller_user).search([])
        self.assertEqual(set(purchases.mapped("res_id")), {mine.id, online.id})
        with self.assertRaises(AccessError):
            theirs.with_user(seller_user).read(["amount_total"])
        with self.assertRaises(AccessError):
            elsewhere.with_user(seller_user).read(["amount_total"])
        with self.assertRaises(AccessError):
            mine.with_user(seller_user).write({"amount_total": 1})
        self.assertEqual(
            External.with_user(admin).search([]), mine | theirs | elsewhere | online
        )
        franchise_env = self.env(
            user=franchise, context={"allowed_company_ids": [other_company.id]}
        )
        self.assertFalse(franchise_env["oto.external.purchase"].search([]))
        self.assertFalse(franchise_env["oto.purchase"].search([]))
        with self.assertRaises(AccessError):
            mine.with_env(franchise_env).read(["amount_total"])
