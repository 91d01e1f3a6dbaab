# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OtoCrmCommon


@tagged("post_install", "-at_install", "oto_crm")
class TestAccess(OtoCrmCommon):
    def test_groups_chain(self):
        self.assertTrue(self.user_admin.has_group("oto_crm.oto_crm_group_manager"))
        self.assertTrue(self.user_admin.has_group("oto_crm.oto_crm_group_seller"))
        self.assertTrue(self.user_manager_a.has_group("oto_crm.oto_crm_group_seller"))
        self.assertFalse(self.user_manager_a.has_group("oto_crm.oto_crm_group_admin"))
        self.assertFalse(self.user_seller.has_group("oto_crm.oto_crm_group_manager"))

    def test_seller_reads_but_cannot_create_or_change(self):
        Store = self.env["oto.store"].with_user(self.user_seller)
        self.assertIn(self.store_a, Store.search([]))
        with self.assertRaises(AccessError):
            Store.create({"name": "Nova", "code": "N1", "company_id": self.company.id})
        with self.assertRaises(AccessError):
            self.store_a.with_user(self.user_seller).name = "Renomeada"
        with self.assertRaises(AccessError):
            self.env["oto.seller"].with_user(self.user_seller).create(
                {"name": "X", "code": "X1", "store_id": self.store_a.id}
            )
        with self.assertRaises(AccessError):
            self.seller_a2.with_user(self.user_seller).active = False

    def test_manager_changes_only_own_store_sellers(self):
        seller = self.seller_a2.with_user(self.user_manager_a)
        seller.daily_limit = 20
        seller.action_archive()
        self.assertFalse(self.seller_a2.active)
        # the seller of another store: readable, not writable
        other = self.seller_b1.with_user(self.user_manager_a)
        self.assertEqual(other.name, "Carla")
        with self.assertRaises(AccessError):
            other.daily_limit = 20
        with self.assertRaises(AccessError):
            other.action_archive()
        self.assertTrue(self.seller_b1.active)

    def test_manager_cannot_create_stores_or_sellers(self):
        with self.assertRaises(AccessError):
            self.env["oto.store"].with_user(self.user_manager_a).create(
                {"name": "Nova", "code": "N1", "company_id": self.company.id}
            )
        with self.assertRaises(AccessError):
            self.env["oto.seller"].with_user(self.user_manager_a).create(
                {"name": "X", "code": "X1", "store_id": self.store_a.id}
            )
        with self.assertRaises(AccessError):
            self.store_b.with_user(self.user_manager_a).area_codes = "21, 22"
        self.store_a.with_user(self.user_manager_a).area_codes = "11, 12, 13"
        self.assertEqual(self.store_a._get_area_codes(), [11, 12, 13])

    def test_admin_manages_every_store_of_the_company(self):
        store = (
            self.env["oto.store"]
            .with_user(self.user_admin)
            .create({"name": "Nova", "code": "N1", "company_id": self.company.id})
        )
        seller = (
            self.env["oto.seller"]
            .with_user(self.user_admin)
            .create({"name": "Nova vendedora", "code": "N1-V", "store_id": store.id})
        )
        self.seller_b1.with_user(self.user_admin).daily_limit = 15
        self.assertEqual(seller.company_id, self.company)
        self.assertEqual(self.seller_b1.daily_limit, 15)

    def test_franchise_company_is_isolated(self):
        stores = self.env["oto.store"].with_user(self.user_franchise).search([])
        self.assertEqual(stores, self.store_franchise)
        sellers = self.env["oto.seller"].with_user(self.user_admin).search([])
        self.assertNotIn(self.seller_franchise, sellers)
        with self.assertRaises(AccessError):
            self.seller_a1.with_user(self.user_franchise).read(["name"])

    def test_suggestions_contacts_and_days_off_by_role(self):
        """A seller sees their own suggestions, contacts and days off; a store
        manager those of their store's sellers; a brand admin all."""
        Partner = self.env["res.partner"]
        records = {}
        for seller in (self.seller_a1, self.seller_a2, self.seller_b1):
            customer = Partner.create(
                {
                    "name": f"Cliente de {seller.name}",
                    "company_id": self.company.id,
                    "customer_rank": 1,
                    "mobile": "+5511987650000",
                    "oto_seller_id": seller.id,
                }
            )
            suggestion = self.env["oto.suggestion"].create(
                {"partner_id": customer.id, "company_id": self.company.id}
            )
            contact = self.env["oto.contact"].create(
                {
                    "partner_id": customer.id,
                    "seller_id": seller.id,
                    "company_id": self.company.id,
                    "reached": "no",
                    "reason": "no_answer",
                }
            )
            dayoff = self.env["oto.seller.dayoff"].create(
                {
                    "seller_id": seller.id,
                    "date_from": "2026-12-24",
                    "date_to": "2026-12-25",
                }
            )
            records[seller] = (suggestion, contact, dayoff)

        def visible(user, index):
            model = records[self.seller_a1][index]._name
            found = self.env[model].with_user(user).search([])
            return {s for s, recs in records.items() if recs[index] in found}

        for index in range(3):
            self.assertEqual(visible(self.user_seller, index), {self.seller_a1})
            self.assertEqual(
                visible(self.user_manager_a, index), {self.seller_a1, self.seller_a2}
            )
            self.assertEqual(visible(self.user_manager_b, index), {self.seller_b1})
            self.assertEqual(
                visible(self.user_admin, index),
                {self.seller_a1, self.seller_a2, self.seller_b1},
            )
        # Another seller's suggestion, read or changed through the ORM: refused.
        other = records[self.seller_a2][0].with_user(self.user_seller)
        with self.assertRaises(AccessError):
            other.read(["partner_id", "message"])
        with self.assertRaises(AccessError):
            other.action_send("whatsapp", "Oi")
        # The seller still records the outcome of their own.
        own = records[self.seller_a1][0].with_user(self.user_seller)
        own.action_send("whatsapp", "Oi")
        self.assertEqual(own.state, "in_progress")


@tagged("post_install", "-at_install", "oto_crm")
class TestCustomerAccess(OtoCrmCommon):
    """A seller sees their wallet, a manager their stores', an admin all."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create({"name": "Da Ana", "oto_seller_id": cls.seller_a1.id})
        cls.colleague = Partner.create(
            {"name": "Do Bruno", "oto_seller_id": cls.seller_a2.id}
        )
        cls.other_store = Partner.create(
            {"name": "Da Carla", "oto_seller_id": cls.seller_b1.id}
        )
        cls.unplaced = Partner.create({"name": "Sem carteira"})

    def test_each_role_sees_its_customers(self):
        everyone = self.mine | self.colleague | self.other_store | self.unplaced
        domain = [("id", "in", everyone.ids)]
        Partner = self.env["res.partner"]
        self.assertEqual(
            Partner.with_user(self.user_seller).search(domain),
            self.mine | self.unplaced,
        )
        self.assertEqual(
            Partner.with_user(self.user_manager_a).search(domain),
            self.mine | self.colleague | self.unplaced,
        )
        self.assertEqual(Partner.with_user(self.user_admin).search(domain), everyone)

    def test_seller_reading_another_sellers_customer_gets_an_access_error(self):
        colleague = self.colleague.with_user(self.user_seller)
        with self.assertRaises(AccessError):
            colleague.read(["name", "mobile"])
        with self.assertRaises(AccessError):
            colleague.oto_get_profile()
        with self.assertRaises(AccessError):
            colleague.oto_add_note("Bisbilhotando")
        self.assertFalse(
            self.colleague.message_ids.filtered(
                lambda m: "Bisbilhotando" in (m.body or "")
            )
        )
