# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import OtoCrmCommon


@tagged("post_install", "-at_install", "oto_crm")
class TestWalletAssign(OtoCrmCommon):
    def _wizard(self, user, customers, seller):
        ctx = {"active_model": "res.partner", "active_ids": customers.ids}
        form = Form(self.env["oto.wallet.assign"].with_user(user).with_context(**ctx))
        form.seller_id = seller
        return form.save()

    def test_manager_assigns_customers_to_own_seller(self):
        customers = self.customer_1 | self.customer_2
        wizard = self._wizard(self.user_manager_a, customers, self.seller_a2)
        self.assertEqual(wizard.customer_count, 2)
        wizard.action_assign()
        self.assertEqual(customers.oto_seller_id, self.seller_a2)
        self.assertEqual(customers.oto_store_id, self.store_a)

    def test_manager_cannot_assign_to_another_store(self):
        wizard = self._wizard(self.user_manager_a, self.customer_1, self.seller_b1)
        with self.assertRaises(AccessError):
            wizard.action_assign()
        self.assertFalse(self.customer_1.oto_seller_id)

    def test_admin_assigns_anywhere(self):
        wizard = self._wizard(self.user_admin, self.customer_1, self.seller_b1)
        wizard.action_assign()
        self.assertEqual(self.customer_1.oto_seller_id, self.seller_b1)

    def test_inactive_seller_refused(self):
        wizard = self._wizard(self.user_admin, self.customer_1, self.seller_a2)
        self.seller_a2.action_archive()
        with self.assertRaises(UserError):
            wizard.action_assign()
        self.assertFalse(self.customer_1.oto_seller_id)

    def test_seller_cannot_assign(self):
        with self.assertRaises(AccessError):
            self.env["oto.wallet.assign"].with_user(self.user_seller).create(
                {
                    "partner_ids": [(6, 0, self.customer_1.ids)],
                    "seller_id": self.seller_a1.id,
                }
            )
