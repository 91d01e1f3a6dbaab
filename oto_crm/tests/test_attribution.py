# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, new_test_user, tagged

from .test_suggestions import SuggestionsCommon


class AttributionCommon(SuggestionsCommon):
    """A product, a customer of Ana's, and helpers for orders and contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Vestido Aurora", "list_price": 100}
        )
        cls.customer = cls._customer(cls, "Maria Souza", cls.ana)

    def _order(self, when, quantity=1, customer=None, seller=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": (customer or self.customer).id,
                "company_id": self.company.id,
                "oto_seller_id": (seller or self.ana).id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": quantity,
                            "price_unit": 100,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = when
        return order

    def _contact(self, when, seller=None, reached="yes", customer=None):
        return self.env["oto.contact"].create(
            {
                "partner_id": (customer or self.customer).id,
                "seller_id": (seller or self.ana).id,
                "company_id": self.company.id,
                "date": when,
                "reached": reached,
                "reason": False if reached == "yes" else "no_answer",
            }
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestAttribution(AttributionCommon):
    """Sales from contacts: last touch within the window, from the purchases."""

    def _sales(self, **domain):
        return self.env["oto.attribution"].search(
            [("company_id", "=", self.company.id)]
            + [(key, "=", value) for key, value in domain.items()]
        )

    def test_window_edges_in_days_of_the_brand(self):
        # 10:00 in São Paulo is 13:00 UTC.
        contact = self._contact(datetime(2026, 11, 2, 13, 0))
        last_day = self._order(datetime(2026, 11, 9, 21, 0), quantity=2)
        self._order(datetime(2026, 11, 10, 12, 0))  # day 8: out
        sale = self._sales()
        self.assertEqual(sale.reference, last_day.name)
        self.assertEqual(sale.contact_id, contact)
        self.assertEqual(sale.seller_id, self.ana)
        self.assertEqual(sale.store_id, self.store)
        self.assertEqual(sale.days, 7)
        self.assertEqual(sale.amount, 200)
        self.assertEqual(sale.item_count, 2)
        # A shorter window drops it.
        self.company.oto_attribution_days = 3
        self.assertFalse(self._sales())

    def test_purchase_before_the_contact_and_unreached_contacts_do_not_count(self):
        self._order(datetime(2026, 11, 2, 12, 0))
        self._contact(datetime(2026, 11, 2, 13, 0))
        self._contact(datetime(2026, 11, 3, 13, 0), seller=self.bia, reached="no")
        self.assertFalse(self._sales())
        later = self._order(datetime(2026, 11, 4, 12, 0))
        sale = self._sales()
        self.assertEqual(sale.reference, later.name)
        self.assertEqual(sale.seller_id, self.ana)

    def test_last_touch_one_purchase_credited_once(self):
        self._contact(datetime(2026, 11, 2, 13, 0), seller=self.ana)
        second = self._contact(datetime(2026, 11, 4, 13, 0), seller=self.bia)
        order = self._order(datetime(2026, 11, 5, 15, 0))
        sale = self._sales()
        self.assertEqual(len(sale), 1)
        self.assertEqual(sale.contact_id, second)
        self.assertEqual(sale.seller_id, self.bia)
        # A purchase between the two contacts goes to the first.
        between = self._order(datetime(2026, 11, 3, 15, 0))
        self.assertEqual(self._sales(reference=between.name).seller_id, self.ana)
        self.assertEqual(self._sales(reference=order.name).seller_id, self.bia)

    def test_late_and_cancelled_purchases(self):
        self._contact(datetime(2026, 11, 2, 13, 0))
        # Recorded days later, dated in the window: credited.
        late = self._order(datetime(2026, 11, 6, 15, 0))
        self.assertEqual(self._sales().reference, late.name)
        late._action_cancel()
        self.assertFalse(self._sales())

    def test_seller_sees_only_their_sales(self):
        user = new_test_user(
            self.env,
            "oto_attr_ana",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.ana.user_id = user
        other = self._customer("Joana Dias", self.bia, "+5511987650002")
        self._contact(datetime(2026, 11, 2, 13, 0))
        self._contact(datetime(2026, 11, 2, 13, 0), seller=self.bia, customer=other)
        self._order(datetime(2026, 11, 3, 15, 0))
        self._order(datetime(2026, 11, 3, 15, 0), customer=other, seller=self.bia)
        self.assertEqual(len(self._sales()), 2)
        mine = self.env["oto.attribution"].with_user(user).search([])
        self.assertEqual(mine.seller_id, self.ana)
        self.assertEqual(mine.partner_id, self.customer)
        # The seller's home card counts them (last 30 days).
        with freeze_time("2026-11-23 12:00:00"):
            results = (
                self.env["oto.suggestion"]
                .with_user(user)
                .with_context(allowed_company_ids=[self.company.id])
                .get_seller_day()["results"]
            )
        self.assertEqual((results["sales"], results["amount"]), (1, 100.0))

    def test_window_setting_is_checked(self):
        with (
            self.assertRaisesRegex(ValidationError, "at least one day, not 0"),
            self.env.cr.savepoint(),
        ):
            self.company.oto_attribution_days = 0
