# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import PhoneBrowserMixin


@tagged("post_install", "-at_install", "oto_crm", "oto_tour")
class TestUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = new_test_user(
            cls.env,
            "oto_tour_admin",
            groups="oto_crm.oto_crm_group_admin,base.group_user",
        )

    def test_store_and_seller_tour(self):
        self.start_tour(
            "/odoo/action-oto_crm.oto_store_action",
            "oto_crm_store_and_seller_tour",
            login="oto_tour_admin",
        )
        store = self.env["oto.store"].search([("code", "=", "TOUR1")])
        self.assertEqual(store.area_codes, "11, 12")
        seller = self.env["oto.seller"].search([("store_id", "=", store.id)])
        self.assertEqual(seller.mapped("code"), ["TOUR-ANA"])

    def test_inactivate_seller_tour(self):
        manager = new_test_user(
            self.env, "oto_tour_manager", groups="oto_crm.oto_crm_group_manager"
        )
        store = self.env["oto.store"].create(
            {"name": "Loja Saída", "code": "LS1", "manager_ids": [(4, manager.id)]}
        )
        leaving = self.env["oto.seller"].create(
            {"name": "Saindo Tour", "code": "LS1-SAI", "store_id": store.id}
        )
        staying = self.env["oto.seller"].create(
            {"name": "Ficando Tour", "code": "LS1-FIC", "store_id": store.id}
        )
        customers = self.env["res.partner"].create(
            [
                {"name": f"Cliente Saída {i}", "oto_seller_id": leaving.id}
                for i in range(3)
            ]
        )
        self.start_tour(
            "/odoo/action-oto_crm.oto_seller_action",
            "oto_crm_inactivate_seller_tour",
            login="oto_tour_manager",
        )
        self.assertFalse(leaving.active)
        self.assertEqual(customers.oto_seller_id, staying)


@tagged("post_install", "-at_install", "oto_crm", "oto_tour")
class TestUiMobile(PhoneBrowserMixin, HttpCase):
    def test_wallet_mobile_tour(self):
        user = new_test_user(
            self.env, "oto_tour_seller", groups="oto_crm.oto_crm_group_seller"
        )
        store = self.env["oto.store"].create({"name": "Loja Tour", "code": "LT1"})
        seller = self.env["oto.seller"].create(
            {
                "name": "Ana Tour",
                "code": "LT1-ANA",
                "store_id": store.id,
                "user_id": user.id,
            }
        )
        self.env["res.partner"].create(
            {"name": "Cliente Carteira", "oto_seller_id": seller.id}
        )
        self.start_tour(
            "/odoo/action-oto_crm.res_partner_action_oto_my_wallet",
            "oto_crm_wallet_mobile_tour",
            login="oto_tour_seller",
        )

    def test_my_day_mobile_tour(self):
        """The seller's day on a phone: campaigns in order with counts, the
        customer's reason, WhatsApp with the edited message, the profile with
        a note, and the contact recorded in one short form."""
        user = new_test_user(
            self.env, "oto_tour_day", groups="oto_crm.oto_crm_group_seller"
        )
        store = self.env["oto.store"].create({"name": "Loja Dia", "code": "LD1"})
        seller = self.env["oto.seller"].create(
            {
                "name": "Bia Dia",
                "code": "LD1-BIA",
                "store_id": store.id,
                "user_id": user.id,
            }
        )
        customer, birthday = self.env["res.partner"].create(
            [
                {
                    "name": "Cliente Dia",
                    "mobile": "+5511987650042",
                    "customer_rank": 1,
                    "oto_seller_id": seller.id,
                },
                {
                    "name": "Aniversariante Dia",
                    "mobile": "+5511987650043",
                    "customer_rank": 1,
                    "oto_seller_id": seller.id,
                    "oto_optout_whatsapp": True,
                },
            ]
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "oto_seller_id": seller.id,
                "date_order": fields.Datetime.now() - timedelta(days=45),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Vestido Dia", "list_price": 200})
                            .id,
                            "product_uom_qty": 2,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = fields.Datetime.now() - timedelta(days=45)
        self.env["oto.wallet.customer"].create(
            {
                "partner_id": customer.id,
                "company_id": self.env.company.id,
                "last_purchase": fields.Datetime.now() - timedelta(days=45),
                "order_count": 1,
                "amount": 400,
            }
        )
        self.env["oto.campaign"].create(
            [
                {
                    "name": "Aniversário Dia",
                    "sequence": 20,
                    "audience": "domain",
                    "domain": "[('name', '=', 'Aniversariante Dia')]",
                    "holdout_percent": 0,
                    "channel_sms": True,
                    "message": "Parabéns, {first_name}!",
                },
                {
                    "name": "Recompra Dia",
                    "sequence": 5,
                    "audience": "domain",
                    "domain": "[('name', '=', 'Cliente Dia')]",
                    "holdout_percent": 0,
                    "message": "Oi {first_name}, aqui é {seller}!",
                },
            ]
        )
        self.env["oto.suggestion.engine"]._generate(self.env.company)
        suggestion = self.env["oto.suggestion"].search(
            [("partner_id", "=", customer.id)]
        )
        self.assertEqual(suggestion.seller_id, seller)
        # The birthday customer opted out of WhatsApp: only SMS is offered.
        other = self.env["oto.suggestion"].search([("partner_id", "=", birthday.id)])
        self.assertEqual(other._channels(), ["sms"])
        self.assertFalse(other.whatsapp_url)
        self.start_tour(
            "/odoo/action-oto_crm.oto_crm_action_my_day",
            "oto_crm_my_day_mobile_tour",
            login="oto_tour_day",
        )
        self.assertEqual(suggestion.state, "done")
        self.assertEqual(suggestion.message, "Oi Cliente, chegou a coleção nova!")
        contact = suggestion.contact_ids
        self.assertEqual(contact.notes, "Gostou da nova coleção")
        self.assertEqual(contact.seller_id, seller)
        self.assertTrue(customer.oto_quarantine_until)
        note = customer.message_ids.filtered(
            lambda m: "Veste M, prefere azul" in (m.body or "")
        )
        self.assertEqual(note.author_id, user.partner_id)

    def test_bad_input_mobile_tour(self):
        """What can go wrong while the seller is on a customer: the answer
        to a save lost (Retry records it once), two taps at once (one
        contact), an opt-out meanwhile (refused, WhatsApp not opened)."""
        user = new_test_user(
            self.env, "oto_tour_ruido", groups="oto_crm.oto_crm_group_seller"
        )
        store = self.env["oto.store"].create({"name": "Loja Ruído", "code": "LRU"})
        seller = self.env["oto.seller"].create(
            {
                "name": "Rui Ruído",
                "code": "LRU-RUI",
                "store_id": store.id,
                "user_id": user.id,
            }
        )
        lost, double, gone = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "mobile": f"+55119876500{index}",
                    "customer_rank": 1,
                    "oto_seller_id": seller.id,
                }
                for index, name in enumerate(
                    ("Cliente Perdida", "Cliente Dupla", "Cliente Saiu"), start=51
                )
            ]
        )
        self.env["oto.campaign"].create(
            {
                "name": "Ruído",
                "audience": "domain",
                "domain": "[('oto_seller_id.code', '=', 'LRU-RUI')]",
                "holdout_percent": 0,
                "message": "Oi {first_name}!",
            }
        )
        self.env["oto.suggestion.engine"]._generate(self.env.company)
        self.start_tour(
            "/odoo/action-oto_crm.oto_crm_action_my_day",
            "oto_crm_bad_input_mobile_tour",
            login="oto_tour_ruido",
        )
        self.assertEqual(len(lost.oto_contact_ids), 1)
        self.assertEqual(lost.oto_contact_ids.result, "positive")
        self.assertEqual(len(double.oto_contact_ids), 1)
        self.assertEqual(double.oto_contact_ids.result, "neutral")
        # Recorded without opening a channel here: the one the seller chose.
        self.assertEqual(double.oto_contact_ids.channel, "call")
        self.assertFalse(gone.oto_contact_ids)
        self.assertTrue(gone.oto_optout_whatsapp)
        suggestion = self.env["oto.suggestion"].search([("partner_id", "=", gone.id)])
        self.assertEqual(suggestion.state, "assigned")

    def test_results_mobile_tour(self):
        """A store manager's results on a phone: KPIs, ranking, a seller's
        figures, the period, the sales behind them."""
        manager = new_test_user(
            self.env, "oto_tour_results", groups="oto_crm.oto_crm_group_manager"
        )
        store = self.env["oto.store"].create(
            {"name": "Loja Resultado", "code": "LR1", "manager_ids": [(4, manager.id)]}
        )
        rita, sara = self.env["oto.seller"].create(
            [
                {"name": "Rita Resultado", "code": "LR1-RIT", "store_id": store.id},
                {"name": "Sara Resultado", "code": "LR1-SAR", "store_id": store.id},
            ]
        )
        buyer, other = self.env["res.partner"].create(
            [
                {"name": "Cliente Resultado", "oto_seller_id": rita.id},
                {"name": "Outra Resultado", "oto_seller_id": sara.id},
            ]
        )
        now = fields.Datetime.now()
        self.env["oto.contact"].create(
            [
                {
                    "partner_id": partner.id,
                    "seller_id": seller.id,
                    "date": now - timedelta(days=3),
                    "reached": "yes",
                }
                for partner, seller in ((buyer, rita), (other, sara))
            ]
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": buyer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.env["product.product"]
                            .create({"name": "Saia Resultado", "list_price": 200})
                            .id,
                            "product_uom_qty": 1,
                            "price_unit": 200,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = now - timedelta(days=2)
        self.start_tour(
            "/odoo/action-oto_crm.oto_crm_action_results",
            "oto_crm_results_mobile_tour",
            login="oto_tour_results",
        )

    def test_store_device_pin_tour(self):
        """Two sellers share the store's device: each signs in with their
        PIN; a wrong PIN is counted; the device is handed over."""
        self.env.company.oto_login_mode = "store"
        device = new_test_user(
            self.env, "oto_tour_balcao", groups="oto_crm.oto_crm_group_seller"
        )
        store = self.env["oto.store"].create(
            {"name": "Loja Balcão", "code": "LB1", "user_id": device.id}
        )
        ana, bruno = self.env["oto.seller"].create(
            [
                {"name": "Ana Balcão", "code": "LB1-ANA", "store_id": store.id},
                {"name": "Bruno Balcão", "code": "LB1-BRU", "store_id": store.id},
            ]
        )
        ana._set_pin("2468")
        bruno._set_pin("135790")
        # A short idle time (the brand's is in minutes): the screen goes
        # back to the PIN on its own once Bruno leaves it.
        Access = type(self.env["oto.access"])
        with patch.object(Access, "_pin_idle_seconds", lambda self, minutes: 8):
            self.start_tour(
                "/odoo/action-oto_crm.oto_crm_action_my_day",
                "oto_crm_store_device_pin_tour",
                login="oto_tour_balcao",
            )
        self.assertEqual(ana.pin_failures, 0)
        self.assertFalse(ana.pin_locked)

    def test_team_mobile_tour(self):
        """The store manager's tools on the phone: unlock, new PIN,
        inactivate with the wallet redistributed."""
        manager = new_test_user(
            self.env, "oto_tour_equipe", groups="oto_crm.oto_crm_group_manager"
        )
        store = self.env["oto.store"].create(
            {"name": "Loja Equipe", "code": "LE1", "manager_ids": [(4, manager.id)]}
        )
        carla, davi = self.env["oto.seller"].create(
            [
                {
                    "name": "Carla Equipe",
                    "code": "LE1-CAR",
                    "store_id": store.id,
                    "phone": "+5511987650301",
                },
                {"name": "Davi Equipe", "code": "LE1-DAV", "store_id": store.id},
            ]
        )
        carla._set_pin("1111")
        carla.sudo().pin_locked = True
        self.env["res.partner"].create(
            [
                {"name": "Cliente Carla", "oto_seller_id": carla.id},
                {"name": "Cliente Davi", "oto_seller_id": davi.id},
            ]
        )
        self.start_tour(
            "/odoo/action-oto_crm.oto_crm_action_my_day",
            "oto_crm_team_mobile_tour",
            login="oto_tour_equipe",
        )
        self.assertFalse(davi.active)
        self.assertEqual(carla.customer_count, 2)
        self.assertFalse(carla.pin_locked)
        self.assertEqual(
            self.env["oto.audit"]
            .search(
                [
                    ("seller_id", "in", (carla | davi).ids),
                    ("user_id.login", "=", "oto_tour_equipe"),
                ],
                order="id",
            )
            .mapped("action"),
            ["pin_unlock", "pin_reset", "seller_inactivated"],
        )
