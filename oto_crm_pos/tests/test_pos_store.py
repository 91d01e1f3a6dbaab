# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import PosCommon


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosStore(PosCommon):
    def test_store_lists_its_points_of_sale(self):
        self.assertEqual(self.store.pos_config_ids, self.config)
        self.assertFalse(self.other_store.pos_config_ids)

    def test_order_takes_the_store_of_its_point_of_sale(self):
        order = self._order(self.seller)
        self.assertEqual(order.oto_store_id, self.store)
        self.assertEqual(order.oto_seller_id, self.seller)

    def test_paid_pos_orders_are_purchases(self):
        customer = self.env["res.partner"].create(
            {"name": "Cliente POS", "customer_rank": 1}
        )
        paid = self._order(self.seller, customer, total=250.0, state="paid")
        self._order(self.seller, customer, total=90.0)  # still a draft
        self._order(self.seller, customer, total=-250.0, state="paid")  # a refund
        self._order(self.seller, None, total=80.0, state="paid")  # no customer
        self.env.flush_all()
        purchases = self.env["oto.purchase"].search([("source", "=", "pos")])
        mine = purchases.filtered(lambda p: p.partner_id == customer)
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine.res_id, paid.id)
        self.assertEqual(mine.store_id, self.store)
        self.assertEqual(mine.seller_id, self.seller)
        self.assertAlmostEqual(mine.amount, 250.0)
        self.assertEqual(mine.action_open_order()["res_model"], "pos.order")

    def test_pos_orders_elect_the_preferred_seller(self):
        customer = self.env["res.partner"].create(
            {"name": "Cliente POS", "customer_rank": 1}
        )
        self._order(self.seller, customer, total=100.0, state="paid")
        self._order(self.seller, None, total=80.0, state="paid")
        run = self.env["oto.wallet.engine"]._action_wallet_refresh(
            self.env.company, mode="full"
        )
        self.assertEqual(run.state, "done")
        self.assertEqual(customer.oto_preferred_store_id, self.store)
        self.assertEqual(customer.oto_seller_id, self.seller)

    def test_seller_of_another_store_refused(self):
        with self.assertRaises(ValidationError):
            self._order(self.other_seller)


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosRefundsInWallets(PosCommon):
    """A refund gives back part of a sale: the sale counts for what is left
    (value), and is no purchase at all once refunded in full (no visit, no
    vote); the nightly run sees it."""

    def _night(self, when):
        with freeze_time(when):
            run = self.env["oto.wallet.engine"]._action_wallet_refresh(self.env.company)
        self.assertEqual(run.mode, "incremental")
        self.env.invalidate_all()

    def test_refunds_reach_the_votes_and_the_value(self):
        now = datetime(2026, 11, 23, 15, 0)
        customer = self.env["res.partner"].create(
            {"name": "Cliente devolução", "customer_rank": 1}
        )
        with freeze_time(now):
            first = self._ui_order(
                self.seller,
                customer,
                qty=2,
                date_order=fields.Datetime.to_string(now - timedelta(days=10)),
            )
            second = self._ui_order(
                self.seller_2,
                customer,
                qty=2,
                date_order=fields.Datetime.to_string(now - timedelta(days=5)),
            )
            self.env["oto.wallet.engine"]._action_wallet_refresh(
                self.env.company, mode="full"
            )
        self.env.invalidate_all()
        # One visit each: the most recent sale wins.
        self.assertEqual(customer.oto_seller_id, self.seller_2)
        self.assertEqual(customer.oto_purchase_count, 2)
        self.assertAlmostEqual(customer.oto_purchase_amount, 800.0)
        # Half of the first sale comes back: its value drops, its visit stays.
        with freeze_time(now + timedelta(hours=2)):
            self._ui_order(self.seller, customer, qty=-1, refunded_line=first.lines)
        self._night(now + timedelta(days=1))
        self.assertAlmostEqual(first.oto_refunded_amount, 200.0)
        self.assertEqual(customer.oto_purchase_count, 2)
        self.assertAlmostEqual(customer.oto_purchase_amount, 600.0)
        self.assertEqual(customer.oto_seller_id, self.seller_2)
        # The second sale comes back in full: no purchase, no vote.
        with freeze_time(now + timedelta(days=1, hours=2)):
            self._ui_order(self.seller_2, customer, qty=-2, refunded_line=second.lines)
        self._night(now + timedelta(days=2))
        self.assertEqual(customer.oto_purchase_count, 1)
        self.assertAlmostEqual(customer.oto_purchase_amount, 200.0)
        self.assertEqual(customer.oto_seller_id, self.seller)
