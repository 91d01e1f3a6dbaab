# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import OtoCrmCommon


@tagged("post_install", "-at_install", "oto_crm")
class TestStoreSeller(OtoCrmCommon):
    def test_codes_are_normalized(self):
        self.assertEqual(self.store_a.code, "T-SP1")
        self.assertEqual(self.seller_a1.code, "A1")
        self.assertEqual(self.seller_a1.display_name, "Ana (A1)")
        self.assertEqual(self.store_a.display_name, "[T-SP1] Loja Jardins")
        self.assertEqual(self.seller_a1.phone, "+5511987654321")
        self.assertEqual(self.seller_a1.company_id, self.company)

    def test_duplicate_seller_code_refused_in_company(self):
        count = self.env["oto.seller"].search_count([])
        with self.assertRaises(ValidationError) as err:
            self.env["oto.seller"].create(
                {"name": "Outra Ana", "code": " a1 ", "store_id": self.store_b.id}
            )
        self.assertIn("A1 is already used by Ana", str(err.exception))
        # an archived seller keeps the code
        self.seller_a2.action_archive()
        with self.assertRaises(ValidationError):
            self.seller_b1.code = "a2"
        self.assertEqual(self.env["oto.seller"].search_count([]), count - 1)
        # the same code in another company is fine (A1 exists in the franchise)
        self.assertEqual(self.seller_franchise.code, self.seller_a1.code)

    def test_duplicate_seller_code_database_guard(self):
        """Two sessions racing past the check still hit the SQL constraint."""
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO oto_seller (name, code, store_id, company_id, active) "
                    "VALUES (%s, %s, %s, %s, true)",
                    "Outra Ana",
                    "A1",
                    self.store_b.id,
                    self.company.id,
                )
            )

    def test_duplicate_store_code_refused(self):
        with self.assertRaises(ValidationError):
            self.env["oto.store"].create(
                {"name": "Outra", "code": "t-sp1", "company_id": self.company.id}
            )
        # another company may use it
        store = self.env["oto.store"].create(
            {"name": "Outra", "code": "t-sp1", "company_id": self.other_company.id}
        )
        self.assertEqual(store.code, "T-SP1")

    def test_bad_codes_refused(self):
        for code in ("", "a b", "ção", "x" * 31, "-A"):
            with self.subTest(code=code), self.assertRaises(ValidationError):
                self.env["oto.seller"].create(
                    {"name": "X", "code": code or " ", "store_id": self.store_a.id}
                )

    def test_bad_phone_refused(self):
        with self.assertRaises(ValidationError):
            self.seller_a2.phone = "ligar depois"
        with self.assertRaises(ValidationError):
            self.seller_a2.phone = "(10) 98765-4321"
        self.seller_a2.phone = "11 8765 4321"
        self.assertEqual(self.seller_a2.phone, "+5511987654321")

    def test_area_codes(self):
        self.assertEqual(self.store_a._get_area_codes(), [11, 12])
        with self.assertRaises(ValidationError):
            self.store_a.area_codes = "11, 10"
        with self.assertRaises(ValidationError):
            self.store_a.area_codes = "11, SP"

    def test_negative_capacity_refused(self):
        with self.assertRaises(ValidationError):
            self.seller_a2.wallet_capacity = -1
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "UPDATE oto_seller SET wallet_capacity = -1 WHERE id = %s",
                        self.seller_a2.id,
                    )
                )

    def test_archive_and_restore_seller(self):
        self.seller_a2.action_archive()
        self.assertFalse(self.seller_a2.active)
        self.assertNotIn(
            self.seller_a2,
            self.env["oto.seller"].search([("store_id", "=", self.store_a.id)]),
        )
        self.assertIn(
            self.seller_a2,
            self.env["oto.seller"]
            .with_context(active_test=False)
            .search([("store_id", "=", self.store_a.id)]),
        )
        self.seller_a2.action_unarchive()
        self.assertTrue(self.seller_a2.active)

    def test_archive_store_needs_no_active_sellers(self):
        with self.assertRaises(UserError):
            self.store_b.action_archive()
        self.seller_b1.action_archive()
        self.store_b.action_archive()
        self.assertFalse(self.store_b.active)
        self.store_b.action_unarchive()
        self.assertTrue(self.store_b.active)

    def test_customer_assignment_by_hand(self):
        self.customer_1.oto_seller_id = self.seller_a2
        self.assertEqual(self.customer_1.oto_store_id, self.store_a)
        self.assertEqual(self.seller_a2.customer_count, 1)
        self.assertEqual(self.store_a.customer_count, 1)
        self.customer_1.oto_seller_id = self.seller_b1
        self.assertEqual(self.customer_1.oto_store_id, self.store_b)
        self.assertEqual(self.seller_a2.customer_count, 0)
        with self.assertRaises(ValidationError):
            self.customer_1.oto_store_id = self.store_a
        with self.assertRaises(ValidationError):
            self.customer_2.oto_seller_id = self.seller_franchise

    def test_store_counts_and_actions(self):
        self.assertEqual(self.store_a.seller_count, 2)
        action = self.store_a.action_view_sellers()
        self.assertEqual(
            self.env["oto.seller"].search(action["domain"]),
            self.seller_a1 | self.seller_a2,
        )
        self.customer_1.oto_seller_id = self.seller_a1
        action = self.seller_a1.action_view_wallet()
        self.assertEqual(
            self.env["res.partner"].search(action["domain"]), self.customer_1
        )

    def test_sale_order_seller_from_code_or_salesperson(self):
        online = self.env["sale.order"].create(
            {
                "partner_id": self.customer_1.id,
                "company_id": self.company.id,
                "oto_channel": "online",
                "oto_seller_code": " b1 ",
            }
        )
        self.assertEqual(online.oto_seller_id, self.seller_b1)
        self.assertEqual(online.oto_store_id, self.store_b)
        in_store = self.env["sale.order"].create(
            {
                "partner_id": self.customer_1.id,
                "company_id": self.company.id,
                "user_id": self.user_seller.id,
            }
        )
        self.assertEqual(in_store.oto_seller_id, self.seller_a1)
        unknown = self.env["sale.order"].create(
            {
                "partner_id": self.customer_1.id,
                "company_id": self.company.id,
                "oto_seller_code": "NOPE",
                "user_id": self.env.ref("base.user_root").id,
            }
        )
        self.assertFalse(unknown.oto_seller_id)

    def test_sale_order_store_follows_seller(self):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer_1.id,
                "company_id": self.company.id,
                "oto_seller_id": self.seller_b1.id,
            }
        )
        self.assertEqual(order.oto_store_id, self.store_b)
        self.assertEqual(order.oto_channel, "store")
