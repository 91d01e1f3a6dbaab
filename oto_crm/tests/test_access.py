# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

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

    def test_a_seller_never_reads_another_stores_purchases(self):
        """Ana's customer also buys at store B: Ana and her manager read the
        purchases of their store (and the customer's online ones), never
        store B's, in the purchases and in the phone's profile; store B's
        manager reads the sale made there."""
        product = self.env["product.product"].create(
            {"name": "Vestido", "list_price": 300}
        )

        def sell(seller, amount):
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.mine.id,
                    "user_id": False,
                    "oto_seller_code": seller.code if seller else False,
                    "company_id": self.company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": amount})
                    ],
                }
            )
            order.action_confirm()
            return order

        here, there = sell(self.seller_a1, 120), sell(self.seller_b1, 340)
        online = sell(False, 75)
        self.assertEqual(there.oto_store_id, self.store_b)
        self.assertFalse(online.oto_store_id)
        self.env.flush_all()
        Purchase = self.env["oto.purchase"]
        orders = here | there | online
        domain = [("source", "=", "sale"), ("res_id", "in", orders.ids)]

        def seen(user):
            return set(Purchase.with_user(user).search(domain).mapped("res_id"))

        self.assertEqual(seen(self.user_seller), {here.id, online.id})
        self.assertEqual(seen(self.user_manager_a), {here.id, online.id})
        self.assertIn(there.id, seen(self.user_manager_b))
        self.assertEqual(seen(self.user_admin), set(orders.ids))
        profile = self.mine.with_user(self.user_seller).oto_get_profile()
        self.assertEqual(
            sorted(p["amount"] for p in profile["purchases"]), [75.0, 120.0]
        )
        self.assertNotIn(self.store_b.name, [p["store"] for p in profile["purchases"]])

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

    def test_a_manager_reads_the_sales_documents_of_their_stores_only(self):
        """Store managers have Sales' "Own documents", not "All documents":
        their stores' orders, lines, invoices and subjects come from the
        add-on's rules; another store's stay out of reach."""
        self.assertNotIn(
            self.env.ref("sales_team.group_sale_salesman_all_leads"),
            self.user_manager_a.groups_id,
        )
        user_b = new_test_user(
            self.env,
            "oto_seller_b",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.seller_b1.user_id = user_b
        user_a2 = new_test_user(
            self.env,
            "oto_seller_a2",
            groups="oto_crm.oto_crm_group_seller",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.seller_a2.user_id = user_a2
        product = self.env["product.product"].create(
            {"name": "Camisa", "list_price": 100, "invoice_policy": "order"}
        )

        def sell(customer, user):
            order = self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "company_id": self.company.id,
                    "order_line": [
                        Command.create({"product_id": product.id, "price_unit": 100})
                    ],
                }
            )
            order.action_confirm()
            return order

        in_store = sell(self.colleague, user_a2)
        elsewhere = sell(self.other_store, user_b)
        # Sold online through a code of the other store: nobody assigned.
        online = self.env["sale.order"].create(
            {
                "partner_id": self.unplaced.id,
                "user_id": False,
                "oto_seller_code": self.seller_b1.code,
                "company_id": self.company.id,
                "order_line": [
                    Command.create({"product_id": product.id, "price_unit": 100})
                ],
            }
        )
        self.assertEqual(online.oto_store_id, self.store_b)
        journal = self.env["account.journal"].create(
            {
                "name": "Vendas",
                "code": "OTOV",
                "type": "sale",
                "company_id": self.company.id,
            }
        )
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "journal_id": journal.id,
                    "partner_id": order.partner_id.id,
                    "invoice_user_id": order.user_id.id,
                    "company_id": self.company.id,
                }
                for order in in_store | elsewhere
            ]
        )
        lead_in_store, lead_elsewhere = self.env["crm.lead"].create(
            [
                {"name": "Assunto do Bruno", "user_id": user_a2.id},
                {"name": "Assunto da Carla", "user_id": user_b.id},
            ]
        )
        self.env.flush_all()
        for user, expected in (
            (self.user_manager_a, in_store),
            (self.user_manager_b, elsewhere),
        ):
            orders = self.env["sale.order"].with_user(user)
            domain = [("id", "in", (in_store | elsewhere).ids)]
            self.assertEqual(orders.search(domain), expected, user.login)
            # The unassigned online order: its store's manager only.
            self.assertEqual(
                bool(orders.search([("id", "=", online.id)])),
                user == self.user_manager_b,
                user.login,
            )
            lines = self.env["sale.order.line"].with_user(user)
            self.assertEqual(
                lines.search([("order_id", "in", (in_store | elsewhere).ids)]).order_id,
                expected,
            )
            moves = self.env["account.move"].with_user(user)
            self.assertEqual(
                moves.search([("id", "in", invoices.ids)]),
                invoices.filtered(lambda m, e=expected: m.partner_id == e.partner_id),
            )
            leads = self.env["crm.lead"].with_user(user)
            self.assertEqual(
                leads.search([("id", "in", (lead_in_store | lead_elsewhere).ids)]),
                lead_in_store if expected == in_store else lead_elsewhere,
            )
        with self.assertRaises(AccessError):
            elsewhere.with_user(self.user_manager_a).read(["amount_total"])
        # Who a sale is credited to: not the seller's to change; a manager
        # within their stores only.
        with self.assertRaises(AccessError):
            in_store.with_user(user_a2).write({"oto_seller_id": self.seller_a1.id})
        with self.assertRaises(AccessError):
            in_store.with_user(self.user_manager_a).write(
                {"oto_seller_id": self.seller_b1.id}
            )
        in_store.with_user(self.user_manager_a).write(
            {"oto_seller_id": self.seller_a1.id}
        )
        self.assertEqual(in_store.oto_seller_id, self.seller_a1)
        with self.assertRaises(AccessError):
            lead_elsewhere.with_user(self.user_manager_a).write({"name": "Meu"})
        # The brand admin: everything of the company.
        self.assertEqual(
            self.env["sale.order"]
            .with_user(self.user_admin)
            .search([("id", "in", (in_store | elsewhere).ids)]),
            in_store | elsewhere,
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestProtectedChanges(OtoCrmCommon):
    """What a role may not change even on a record it may write: the wallet
    of a customer, the engine's figures, a seller's identity, the PIN state,
    a store's managers and shared login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create(
            {
                "name": "Da Ana",
                "company_id": cls.company.id,
                "mobile": "+5511987652222",
                "oto_seller_id": cls.seller_a1.id,
            }
        )
        cls.colleague = Partner.create(
            {
                "name": "Do Bruno",
                "company_id": cls.company.id,
                "oto_seller_id": cls.seller_a2.id,
            }
        )

    def test_a_seller_cannot_move_customers_or_clear_their_rest(self):
        # The customer rests after a contact: the seller may not clear it.
        self.mine.write(
            {
                "oto_last_contact": "2026-11-20 15:00:00",
                "oto_quarantine_until": "2026-12-20",
                "oto_contact_interval": 30,
            }
        )
        mine = self.mine.with_user(self.user_seller)
        mine.write({"phone": "+5511987651111", "oto_birthdate": "1990-05-04"})
        for values in (
            {"oto_seller_id": self.seller_a2.id},
            {"oto_store_id": self.store_b.id},
            {"oto_wallet_pinned": True},
            {"oto_phone_invalid": True},
            {"oto_quarantine_until": False},
            {"oto_last_contact": False},
            {"oto_contact_interval": 1},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                mine.write(values)
        self.assertEqual(self.mine.oto_seller_id, self.seller_a1)
        self.assertFalse(self.mine.oto_wallet_pinned)
        # A new customer goes into the seller's own wallet, not a colleague's.
        Partner = self.env["res.partner"].with_user(self.user_seller)
        new = Partner.create({"name": "Nova", "oto_seller_id": self.seller_a1.id})
        self.assertEqual(new.oto_seller_id, self.seller_a1)
        with self.assertRaises(AccessError):
            Partner.create({"name": "Outra", "oto_seller_id": self.seller_a2.id})

    def test_a_manager_moves_customers_within_their_stores_only(self):
        colleague = self.colleague.with_user(self.user_manager_a)
        colleague.write({"oto_seller_id": self.seller_a1.id, "oto_wallet_pinned": True})
        self.assertEqual(self.colleague.oto_seller_id, self.seller_a1)
        history = self.env["oto.wallet.history"].search(
            [("partner_id", "=", self.colleague.id)], limit=1
        )
        self.assertEqual(
            (history.old_seller_id, history.new_seller_id, history.reason),
            (self.seller_a2, self.seller_a1, "manual"),
        )
        with self.assertRaises(AccessError):
            colleague.write({"oto_seller_id": self.seller_b1.id})
        # Nor into their store from another one.
        other = self.env["res.partner"].create(
            {"name": "Da Carla", "oto_seller_id": self.seller_b1.id}
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_manager_b).write(
                {"oto_seller_id": self.seller_a1.id}
            )
        self.assertEqual(self.colleague.oto_seller_id, self.seller_a1)

    def test_a_manager_cannot_change_who_manages_or_signs_in(self):
        store = self.store_a.with_user(self.user_manager_a)
        store.write({"area_codes": "11, 13", "daily_limit": 12})
        for values in (
            {"manager_ids": [(4, self.user_seller.id)]},
            {"manager_ids": [(3, self.user_manager_a.id)]},
            {"user_id": self.user_seller.id},
            {"code": "T-NEW"},
            {"active": False},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                store.write(values)
        self.assertEqual(self.store_a.manager_ids, self.user_manager_a)
        seller = self.seller_a2.with_user(self.user_manager_a)
        seller.write({"daily_limit": 9, "wallet_capacity": 300, "name": "Bruno S."})
        for values in (
            {"store_id": self.store_b.id},
            {"user_id": self.user_manager_a.id},
            {"code": "OUTRO"},
            {"is_manager": True},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                seller.write(values)
        self.assertEqual(self.seller_a2.store_id, self.store_a)
        # A brand admin may.
        self.seller_a2.with_user(self.user_admin).write(
            {"store_id": self.store_b.id, "code": "B2"}
        )
        self.assertEqual(self.seller_a2.store_id, self.store_b)

    def test_nobody_writes_the_pin_state_by_hand(self):
        self.seller_a2.sudo().write({"pin_locked": True, "pin_failures": 5})
        for user in (self.user_manager_a, self.user_admin):
            for values in ({"pin_locked": False}, {"pin_failures": 0}):
                with self.subTest(user=user.login, values=values):
                    with self.assertRaises(AccessError):
                        self.seller_a2.with_user(user).write(values)
        self.assertTrue(self.seller_a2.pin_locked)
        # The manager's Unlock does it, on the audit trail.
        self.seller_a2.with_user(self.user_manager_a).action_unlock()
        self.assertFalse(self.seller_a2.pin_locked)
        self.assertEqual(
            self.env["oto.audit"]
            .search([("seller_id", "=", self.seller_a2.id), ("action", "like", "pin_")])
            .mapped("action"),
            ["pin_unlock"],
        )

    def test_a_seller_changes_only_the_message_of_a_suggestion(self):
        suggestion = self.env["oto.suggestion"].create(
            {
                "partner_id": self.mine.id,
                "company_id": self.company.id,
                "seller_id": self.seller_a1.id,
            }
        )
        own = suggestion.with_user(self.user_seller)
        own.write({"message_custom": "Oi Ana!"})
        for values in (
            {"state": "done"},
            {"result": "positive"},
            {"seller_id": self.seller_a2.id},
            {"partner_id": self.colleague.id},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                own.write(values)
        own.action_send("whatsapp", "Oi!")
        self.assertEqual(suggestion.state, "in_progress")


@tagged("post_install", "-at_install", "oto_crm")
class TestSharedCustomerBetweenFranchises(OtoCrmCommon):
    def _order(self, partner, seller):
        order = (
            self.env["sale.order"]
            .with_company(seller.company_id)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": seller.company_id.id,
                    "oto_seller_code": seller.code,
                    "order_line": [(0, 0, {"product_id": self.product.id})],
                }
            )
        )
        order.action_confirm()
        return order

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Camisa", "list_price": 120.0}
        )

    def test_a_customer_without_company_stays_with_the_company_holding_them(self):
        shared = self.env["res.partner"].create(
            {
                "name": "Cliente das duas",
                "customer_rank": 1,
                "email": "das.duas@example.com",
            }
        )
        self._order(shared, self.seller_a1)
        for _i in range(3):
            self._order(shared, self.seller_franchise)
        self.env.flush_all()
        engine = self.env["oto.wallet.engine"]
        engine._action_wallet_refresh(self.company, mode="full")
        self.assertEqual(shared.oto_seller_id, self.seller_a1)
        # The franchise's night does not take them, however much they bought
        # there; and the brand's next night keeps them.
        engine._action_wallet_refresh(self.other_company, mode="full")
        self.assertEqual(shared.oto_seller_id, self.seller_a1)
        engine._action_wallet_refresh(self.company, mode="full")
        self.assertEqual(shared.oto_seller_id, self.seller_a1)
        self.assertFalse(
            self.env["oto.wallet.history"].search(
                [
                    ("partner_id", "=", shared.id),
                    ("new_seller_id", "=", self.seller_franchise.id),
                ]
            )
        )
        # Nor does the franchise reach them: not its admin, not its lookups.
        Partner = self.env["res.partner"].with_user(self.user_franchise)
        self.assertFalse(Partner.search([("id", "=", shared.id)]))
        with self.assertRaises(AccessError):
            shared.with_user(self.user_franchise).read(["name", "email"])
        with self.assertRaises(AccessError):
            shared.with_user(self.user_franchise).write({"oto_optout_sms": True})
        self.assertFalse(
            self.env["res.partner"]._oto_find_customer(
                self.other_company, email=shared.email
            )
        )
        self.assertEqual(
            self.env["res.partner"]._oto_find_customer(
                self.company, email=shared.email
            ),
            shared,
        )
        with self.assertRaises(AccessError):
            self.env["oto.data.request"].with_user(self.user_franchise).create(
                {"partner_id": shared.id, "kind": "erasure"}
            )
        # The franchise's other people (its accounting, a sales team outside
        # Oto) see the customers as Odoo shows them: shared ones included.
        accountant = new_test_user(
            self.env,
            "franquia_vendas",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=self.other_company.id,
            company_ids=[self.other_company.id],
        )
        self.assertEqual(
            self.env["res.partner"]
            .with_user(accountant)
            .search([("id", "=", shared.id)]),
            shared,
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestOdooContactsForEveryone(OtoCrmCommon):
    """Odoo's own contact flows work for every user, customers of a wallet
    included: duplicating and merging contacts pass the Oto fields along
    without tripping the guards."""

    def test_a_sales_user_duplicates_and_merges_a_contacted_customer(self):
        customer = self.env["res.partner"].create(
            {
                "name": "Cliente Contatada",
                "email": "contatada@example.com",
                "oto_seller_id": self.seller_a1.id,
            }
        )
        customer.sudo().write(
            {
                "oto_last_contact": "2026-11-20 15:00:00",
                "oto_quarantine_until": "2026-12-20",
                "oto_contact_interval": 30,
            }
        )
        sales = new_test_user(
            self.env,
            "vendas_erp",
            groups="sales_team.group_sale_salesman_all_leads,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        copy = customer.with_user(sales).copy()
        self.assertEqual(copy.name, "Cliente Contatada (copy)")
        self.assertFalse(copy.oto_seller_id)
        self.assertFalse(copy.oto_last_contact)
        # Writing back the values the customer has changes nothing: allowed.
        customer.with_user(sales).write(
            {"oto_contact_interval": 30, "email": "nova@example.com"}
        )
        with self.assertRaises(AccessError):
            customer.with_user(sales).write({"oto_contact_interval": 7})

    def _merge_as(self, user, sources, destination):
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(user)
            .create(
                {
                    "partner_ids": [Command.set((sources | destination).ids)],
                    "dst_partner_id": destination.id,
                }
            )
        )
        wizard.action_merge()
        self.assertFalse(sources.exists())

    def _contacted_pair(self, suffix):
        """Two records of one customer, in two wallets, each with its own
        contact history; the destination's is the older one."""
        Partner = self.env["res.partner"]
        source = Partner.create(
            {
                "name": f"Cliente Duplicada {suffix}",
                "email": f"duplicada{suffix}@example.com",
                "oto_seller_id": self.seller_a1.id,
            }
        )
        source.sudo().write(
            {
                "oto_last_contact": "2026-11-20 15:00:00",
                "oto_quarantine_until": "2026-12-20",
                "oto_contact_interval": 30,
            }
        )
        source._oto_set_consent(["email"], False, "manager", "pediu")
        destination = Partner.create(
            {
                "name": f"Cliente Duplicada {suffix}",
                "email": f"duplicada{suffix}@example.com",
                "oto_seller_id": self.seller_b1.id,
                "oto_wallet_pinned": True,
            }
        )
        destination.sudo().write(
            {
                "oto_last_contact": "2026-10-01 12:00:00",
                "oto_quarantine_until": "2026-11-30",
                "oto_contact_interval": 60,
            }
        )
        return source, destination

    def test_merging_two_customers_of_two_wallets_through_odoo_merge(self):
        sales = new_test_user(
            self.env,
            "vendas_merge",
            groups="sales_team.group_sale_salesman_all_leads,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        for user, suffix in ((sales, "vendas"), (self.user_admin, "admin")):
            source, destination = self._contacted_pair(suffix)
            self._merge_as(user, source, destination)
            # The destination's wallet is kept, the latest contact wins, and a
            # refusal of marketing emails on either record stays refused.
            self.assertEqual(destination.oto_seller_id, self.seller_b1, user.login)
            self.assertEqual(destination.oto_store_id, self.store_b)
            self.assertTrue(destination.oto_wallet_pinned)
            self.assertEqual(str(destination.oto_last_contact), "2026-11-20 15:00:00")
            self.assertEqual(str(destination.oto_quarantine_until), "2026-12-20")
            self.assertEqual(destination.oto_contact_interval, 30)
            self.assertTrue(destination.oto_optout_email, user.login)

    def test_contacts_under_a_wallet_customer(self):
        # A seller files contacts only under customers they may read; the
        # business's other people as in Odoo.
        theirs = self.env["res.partner"].create(
            {
                "name": "Empresa da Carla",
                "is_company": True,
                "oto_seller_id": self.seller_b1.id,
            }
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_seller).create(
                {"name": "Contato", "parent_id": theirs.id}
            )
        sales = new_test_user(
            self.env,
            "vendas_contatos",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        contact = (
            self.env["res.partner"]
            .with_user(sales)
            .create({"name": "Contato", "parent_id": theirs.id})
        )
        self.assertEqual(contact.parent_id, theirs)
