# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.oto_crm.tests.common import OtoCrmCommon

NOW = datetime(2026, 11, 24, 18, 0)


@tagged("post_install", "-at_install", "oto_crm_website_sale")
@freeze_time(NOW)
class TestAbandonedCarts(OtoCrmCommon):
    """Carts left in the brand's online shop, as the seller gets them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env["website"].create(
            {
                "name": "Aurora online",
                "company_id": cls.company.id,
                "cart_abandoned_delay": 2.0,
            }
        )
        cls.dress = cls.env["product.product"].create(
            {
                "name": "Vestido Midi Linho",
                "default_code": "VEST-001",
                "list_price": 389.9,
            }
        )
        cls.belt = cls.env["product.product"].create(
            {"name": "Cinto Couro", "default_code": "CINTO-01", "list_price": 129.9}
        )
        cls.customer_1.write(
            {"mobile": "+5511987650001", "oto_seller_id": cls.seller_a1.id}
        )
        cls.Order = cls.env["sale.order"]

    def _cart(self, customer, hours_ago, products=None, website=None):
        cart = self.Order.create(
            {
                "partner_id": customer.id,
                "company_id": self.company.id,
                "website_id": (website or self.website).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 1})
                    for product in (products or (self.dress | self.belt))
                ],
            }
        )
        self.env.flush_all()
        when = NOW - timedelta(hours=hours_ago)
        self.env.cr.execute(
            "UPDATE sale_order SET date_order = %s, create_date = %s WHERE id = %s",
            [when, when, cart.id],
        )
        cart.invalidate_recordset(["date_order", "create_date"])
        return cart

    def _turn(self):
        return self.Order._oto_turn_abandoned_carts(self.company)

    def test_a_cart_left_goes_to_the_customer_s_seller_once(self):
        cart = self._cart(self.customer_1, hours_ago=3)
        fresh = self._cart(self.customer_2, hours_ago=1)
        self.assertEqual(self._turn(), 1)
        opportunity = cart.oto_cart_suggestion_ids
        self.assertEqual(len(opportunity), 1)
        self.assertEqual(
            (opportunity.type, opportunity.state, opportunity.seller_id),
            ("behavior", "assigned", self.seller_a1),
        )
        self.assertEqual(opportunity.product_ids, self.dress | self.belt)
        self.assertIn(cart.name, opportunity.origin_reason)
        self.assertTrue(cart.oto_cart_checked)
        # Still within the delay: not yet.
        self.assertFalse(fresh.oto_cart_checked or fresh.oto_cart_suggestion_ids)
        # Once: the next run creates nothing more.
        self.assertEqual(self._turn(), 0)
        self.assertEqual(
            self.env["oto.suggestion"].search_count([("cart_order_id", "=", cart.id)]),
            1,
        )
        # Ana's phone: the cart's products first, the type said.
        self.env.invalidate_all()
        day = self.env["oto.suggestion"].with_user(self.user_seller).get_seller_day()
        cards = [card for group in day["groups"] for card in group["suggestions"]]
        card = next(c for c in cards if c["id"] == opportunity.id)
        self.assertEqual(card["type"], "behavior")
        self.assertEqual(
            {p["id"] for p in card["products"][:2]}, {self.dress.id, self.belt.id}
        )
        self.assertEqual(card["products"][0]["reason"], "In the opportunity")

    def test_ordering_the_cart_closes_it_as_positive(self):
        cart = self._cart(self.customer_1, hours_ago=5)
        self._turn()
        opportunity = cart.oto_cart_suggestion_ids
        cart.action_confirm()
        self.assertEqual((opportunity.state, opportunity.result), ("done", "positive"))

    def test_carts_that_are_not_turned(self):
        # A customer who bought since the cart.
        self._cart(self.customer_1, hours_ago=6)
        later = self.Order.create(
            {
                "partner_id": self.customer_1.id,
                "company_id": self.company.id,
                "order_line": [Command.create({"product_id": self.dress.id})],
            }
        )
        later.action_confirm()
        # A customer who refused every phone channel (LGPD).
        refusing = self.env["res.partner"].create(
            {
                "name": "Sem Contato",
                "company_id": self.company.id,
                "mobile": "+5511987650002",
            }
        )
        self.env["oto.consent"].create(
            [
                {
                    "partner_id": refusing.id,
                    "company_id": self.company.id,
                    "channel": channel,
                    "granted": False,
                    "source": "manager",
                }
                for channel in ("whatsapp", "sms", "call")
            ]
        )
        refused_cart = self._cart(refusing, hours_ago=4)
        # A customer who already has an open opportunity.
        busy = self.env["res.partner"].create(
            {
                "name": "Com Oportunidade",
                "company_id": self.company.id,
                "mobile": "+5511987650003",
                "oto_seller_id": self.seller_a2.id,
            }
        )
        self.env["oto.suggestion"].create(
            {"partner_id": busy.id, "company_id": self.company.id, "type": "manual"}
        )
        self._cart(busy, hours_ago=4)
        # A cart left more than a week ago (the add-on just installed).
        old = self._cart(self.customer_2, hours_ago=24 * 8)
        self.assertEqual(self._turn(), 0)
        self.assertFalse(
            self.env["oto.suggestion"].search([("cart_order_id", "!=", False)])
        )
        # Looked at once (not again every hour), but the old one never.
        self.assertTrue(refused_cart.oto_cart_checked)
        self.assertFalse(old.oto_cart_checked)

    def test_a_customer_without_seller_is_placed_by_location(self):
        carioca = self.env["res.partner"].create(
            {
                "name": "Carioca",
                "company_id": self.company.id,
                "mobile": "+5521987650004",
            }
        )
        cart = self._cart(carioca, hours_ago=3, products=self.belt)
        self._turn()
        opportunity = cart.oto_cart_suggestion_ids
        self.assertEqual(opportunity.seller_id, self.seller_b1)
        self.assertEqual(carioca.oto_seller_id, self.seller_b1)
        self.assertTrue(
            self.env["oto.wallet.history"].search(
                [("partner_id", "=", carioca.id), ("reason", "=", "location")]
            )
        )

    def test_the_brand_turns_it_off_and_other_companies_are_apart(self):
        self.company.oto_cart_opportunities = False
        cart = self._cart(self.customer_1, hours_ago=3)
        self.Order._cron_oto_abandoned_carts()
        self.assertFalse(cart.oto_cart_suggestion_ids)
        self.company.oto_cart_opportunities = True
        self.Order._cron_oto_abandoned_carts()
        self.assertEqual(len(cart.oto_cart_suggestion_ids), 1)
        # The franchise's run does not see the brand's carts.
        self.assertEqual(self.Order._oto_turn_abandoned_carts(self.other_company), 0)
        self.assertEqual(cart.oto_cart_suggestion_ids.company_id, self.company)
