# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import PosCommon


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestCashierWhoSells(PosCommon):
    """A seller who is also a cashier finds any customer at the counter, but
    the Oto screens still show their own wallet only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "pos_seller",
            groups="oto_crm.oto_crm_group_seller,point_of_sale.group_pos_user",
        )
        cls.seller.user_id = cls.user
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create(
            {"name": "Cliente da Ana", "oto_seller_id": cls.seller.id}
        )
        cls.theirs = Partner.create(
            {"name": "Cliente da Carla", "oto_seller_id": cls.seller_2.id}
        )
        cls.theirs.message_post(
            body="Prefere ser chamada à tarde",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def test_counter_finds_everyone_the_wallet_stays_own(self):
        Partner = self.env["res.partner"].with_user(self.user)
        # At the counter: any customer, to sell to.
        self.assertEqual(
            Partner.search([("name", "like", "Cliente da")]), self.mine | self.theirs
        )
        # The Oto screens: the wallets worked.
        self.assertEqual(
            Partner.search([("name", "like", "Cliente da"), ("oto_worked", "=", True)]),
            self.mine,
        )
        self.assertEqual(Partner.search([("oto_my_wallet", "=", True)]), self.mine)
        self.assertEqual(
            self.mine.with_user(self.user).oto_get_profile()["name"], "Cliente da Ana"
        )
        theirs = self.theirs.with_user(self.user)
        with self.assertRaises(AccessError):
            theirs.oto_get_profile()
        with self.assertRaises(AccessError):
            theirs.oto_add_note("Olhando")
        # Nor the colleague's customer's notes, nor changing them.
        with self.assertRaises(AccessError):
            theirs.write({"phone": "+5511999990000"})
        notes = (
            self.env["mail.message"]
            .with_user(self.user)
            .search([("model", "=", "res.partner"), ("res_id", "=", self.theirs.id)])
        )
        self.assertFalse(notes)
        with self.assertRaises(AccessError):
            self.theirs.message_ids.with_user(self.user).read(["body"])
        # Nor the files attached to them.
        attachment = self.env["ir.attachment"].create(
            {
                "name": "receita.txt",
                "raw": b"confidencial",
                "res_model": "res.partner",
                "res_id": self.theirs.id,
            }
        )
        with self.assertRaises(AccessError):
            attachment.with_user(self.user).read(["raw"])
        self.assertFalse(
            self.env["ir.attachment"]
            .with_user(self.user)
            .search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.theirs.id)]
            )
        )
