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
        # Nor guessing them by searching customers on their notes' words.
        for path in ("message_ids.body", "message_ids.subject"):
            self.assertFalse(Partner.search([(path, "ilike", "chamada à tarde")]), path)
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

    def test_a_cashier_s_page_of_files_is_full(self):
        # Filtered before the page's limit: a page of the files the cashier
        # may read is a full page.
        Attachment = self.env["ir.attachment"]
        for customer, count in ((self.theirs, 3), (self.mine, 2)):
            for index in range(count):
                Attachment.create(
                    {
                        "name": f"arquivo-{customer.id}-{index}.txt",
                        "raw": b"x",
                        "res_model": "res.partner",
                        "res_id": customer.id,
                    }
                )
        domain = [
            ("res_model", "=", "res.partner"),
            ("res_id", "in", (self.mine | self.theirs).ids),
        ]
        page = Attachment.with_user(self.user).search(domain, limit=2, order="id")
        self.assertEqual(len(page), 2)
        self.assertEqual(set(page.mapped("res_id")), {self.mine.id})


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestOdooPosUsers(PosCommon):
    """The business's Point of Sale people who also sell or invoice, and the
    cashiers of a company whose points of sale are not Oto's, read
    customers' notes and files as Odoo lets them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Cliente da Carla", "oto_seller_id": cls.seller_2.id}
        )
        cls.note = cls.customer.message_post(
            body="Prefere ser chamada à tarde",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "pedido.pdf",
                "raw": b"pedido",
                "res_model": "res.partner",
                "res_id": cls.customer.id,
            }
        )

    def _reads_chatter_and_files(self, user):
        self.assertEqual(
            self.note.with_user(user).read(["body"])[0]["id"], self.note.id
        )
        self.assertEqual(
            self.env["mail.message"]
            .with_user(user)
            .search([("model", "=", "res.partner"), ("res_id", "=", self.customer.id)]),
            self.note,
        )
        self.assertEqual(
            self.attachment.with_user(user).read(["raw"])[0]["raw"], b"pedido"
        )
        self.assertEqual(
            self.env["ir.attachment"]
            .with_user(user)
            .search(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.customer.id)]
            ),
            self.attachment,
        )

    def test_a_cashier_who_also_sells_in_odoo_reads_as_in_odoo(self):
        user = new_test_user(
            self.env,
            "pos_vendas",
            groups="point_of_sale.group_pos_user,sales_team.group_sale_salesman",
        )
        self._reads_chatter_and_files(user)

    def test_a_point_of_sale_manager_reads_as_in_odoo(self):
        user = new_test_user(
            self.env, "pos_gerente", groups="point_of_sale.group_pos_manager"
        )
        self._reads_chatter_and_files(user)

    def test_a_cashier_where_no_point_of_sale_is_oto_s_reads_as_in_odoo(self):
        user = new_test_user(
            self.env, "pos_caixa", groups="base.group_user,point_of_sale.group_pos_user"
        )
        oto_configs = self.env["pos.config"].search([("oto_store_id", "!=", False)])
        oto_configs.oto_store_id = False
        self._reads_chatter_and_files(user)
        # Once a point of sale of the company is an Oto store's, a cashier
        # (nothing more) reads the chatter of the wallets they work only.
        self.config.oto_store_id = self.store
        with self.assertRaises(AccessError):
            self.attachment.with_user(user).read(["raw"])
