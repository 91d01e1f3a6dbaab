# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import OtoCrmCommon, call_kw


class DataRequestCommon(OtoCrmCommon):
    """A customer of Ana's (store A) with something of every kind the
    add-ons keep: purchases, contacts with notes, a note, a to-do, consents,
    an open suggestion, a subject in the funnel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create(
            {"name": "Vestido Aurora", "list_price": 100, "default_code": "VEST-1"}
        )
        cls.maria = cls.env["res.partner"].create(
            {
                "name": "Maria Souza",
                "company_id": cls.company.id,
                "email": "maria.souza@example.com",
                "mobile": "+5511987651234",
                "vat": "123.456.789-09",
                "street": "Rua Augusta, 100",
                "city": "São Paulo",
                "oto_birthdate": "1990-05-12",
                "oto_seller_id": cls.seller_a1.id,
                "customer_rank": 1,
            }
        )
        cls.address = cls.env["res.partner"].create(
            {
                "name": "Maria (casa)",
                "parent_id": cls.maria.id,
                "type": "delivery",
                "street": "Rua Oscar Freire, 5",
            }
        )
        cls.orders = cls.env["sale.order"]
        for quantity in (1, 3):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": cls.maria.id,
                    "company_id": cls.company.id,
                    "oto_seller_id": cls.seller_a1.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": quantity,
                                "price_unit": 100,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            cls.orders |= order
        cls.contact = cls.env["oto.contact"].create(
            {
                "partner_id": cls.maria.id,
                "seller_id": cls.seller_a1.id,
                "company_id": cls.company.id,
                "channel": "whatsapp",
                "notes": "Mora perto da loja, gosta de azul",
                "message_sent": "Oi Maria! Chegou o vestido azul.",
                "result": "positive",
            }
        )
        cls.maria._oto_set_consent(
            ["whatsapp", "sms"], True, "pos", "Loja", "Aceita receber ofertas?"
        )
        cls.maria.message_post(
            body="Prefere ser chamada à tarde",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.maria.activity_schedule(
            "mail.mail_activity_data_todo",
            summary="Ligar para Maria sobre a reserva",
            user_id=cls.user_seller.id,
        )
        cls.suggestion = cls.env["oto.suggestion"].create(
            {
                "partner_id": cls.maria.id,
                "seller_id": cls.seller_a1.id,
                "company_id": cls.company.id,
                "type": "manual",
                "message_custom": "Oi Maria, separei peças para você",
            }
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Vestidos de festa",
                "partner_id": cls.maria.id,
                "company_id": cls.company.id,
                "email_from": "maria.souza@example.com",
                "phone": "+5511987651234",
                "contact_name": "Maria Souza",
            }
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Cliente de Ipanema", "oto_seller_id": cls.seller_b1.id}
        )
        cls.franchise_customer = cls.env["res.partner"].create(
            {
                "name": "Cliente da Franquia",
                "company_id": cls.other_company.id,
                "oto_seller_id": cls.seller_franchise.id,
            }
        )

    def _request(self, kind, partner=None, user=None):
        return (
            self.env["oto.data.request"]
            .with_user(user or self.user_manager_a)
            .create(
                {
                    "partner_id": (partner or self.maria).id,
                    "kind": kind,
                    "note": "Pediu na loja",
                }
            )
        )


@tagged("post_install", "-at_install", "oto_crm")
class TestDataRequest(DataRequestCommon):
    def test_report_of_every_personal_datum_as_json_and_pdf(self):
        request = self._request("access")
        self.assertEqual(request.state, "requested")
        self.assertEqual(request.requested_by_id, self.user_manager_a)
        self.assertEqual(request.store_id, self.store_a)
        self.assertTrue(request.requested_on)
        # A store manager does not execute it; a brand admin does.
        with self.assertRefused(AccessError, "brand admin"):
            request.action_execute()
        request.with_user(self.user_admin).action_execute()
        self.assertEqual(request.state, "done")
        self.assertEqual(request.executed_by_id, self.user_admin)
        report = json.loads(request.report_id.raw)
        sections = {s["key"]: s for s in report["sections"]}
        profile = sections["profile"]["rows"][0]
        self.assertEqual(profile["email"], "maria.souza@example.com")
        self.assertEqual(profile["vat"], "123.456.789-09")
        self.assertEqual(profile["oto_birthdate"], "1990-05-12")
        self.assertEqual(
            sections["addresses"]["rows"][0]["street"], "Rua Oscar Freire, 5"
        )
        self.assertEqual(
            sorted(row["amount"] for row in sections["purchases"]["rows"]),
            [100.0, 300.0],
        )
        self.assertEqual(
            sections["contacts"]["rows"][0]["notes"],
            "Mora perto da loja, gosta de azul",
        )
        self.assertIn(
            "Prefere ser chamada à tarde",
            [row["body"] for row in sections["notes"]["rows"]],
        )
        self.assertEqual(
            sections["activities"]["rows"][0]["summary"],
            "Ligar para Maria sobre a reserva",
        )
        self.assertEqual(
            {(r["channel"], r["granted"]) for r in sections["consents"]["rows"]},
            {("WhatsApp", True), ("SMS", True)},
        )
        self.assertEqual(sections["subjects"]["rows"][0]["name"], "Vestidos de festa")
        self.assertIn(
            "Oi Maria, separei peças para você",
            [row["message_custom"] for row in sections["suggestions"]["rows"]],
        )
        # The requester downloads both (the PDF is the same report).
        action = request.with_user(self.user_manager_a).action_download_json()
        self.assertIn(f"/web/content/{request.report_id.id}", action["url"])
        self.assertEqual(
            json.loads(request.with_user(self.user_manager_a).report_id.raw), report
        )
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_manager_a)
            ._render_qweb_html("oto_crm.oto_data_request_report", request.ids)
        )
        for text in ("maria.souza@example.com", "Rua Augusta", "gosta de azul"):
            self.assertIn(text, html.decode())
        self.assertIn("data_request", self.env["oto.audit"].search([]).mapped("action"))
        with self.assertRefused(UserError, "already closed"):
            request.with_user(self.user_admin).action_execute()

    def test_erasure_anonymizes_and_keeps_aggregates_and_proof(self):
        purchases = self.env["oto.purchase"].search(
            [("partner_id", "=", self.maria.id)]
        )
        amounts = sorted(purchases.mapped("amount"))
        ledger = self.maria.oto_consent_ids
        access = self._request("access")
        access.with_user(self.user_admin).action_execute()
        erasure = self._request("erasure")
        erasure.with_user(self.user_admin).action_execute()
        maria = self.maria.with_context(active_test=False)
        # Cancelled first: nothing reaches her any more.
        self.assertEqual(self.suggestion.state, "cancelled")
        self.assertFalse(self.suggestion.message_custom)
        # The profile and the addresses are anonymous, archived.
        self.assertFalse(maria.active)
        self.assertNotIn("Maria", maria.name)
        for field in ("email", "mobile", "vat", "street", "city", "oto_birthdate"):
            self.assertFalse(maria[field], field)
        self.assertFalse(self.address.street)
        self.assertNotIn("Maria", self.address.name)
        # Notes, to-dos, the contact's words, the funnel's copies: gone.
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "res.partner"), ("res_id", "=", maria.id)]
            )
        )
        self.assertFalse(
            self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", maria.id)]
            )
        )
        self.assertFalse(self.contact.notes or self.contact.message_sent)
        self.assertFalse(
            self.lead.email_from or self.lead.phone or self.lead.contact_name
        )
        # The earlier report is deleted too.
        self.assertFalse(access.report_id)
        # What is kept: purchases and amounts, the contact's outcome, the
        # proof of the consent she gave (and its revocation).
        self.assertEqual(
            sorted(
                self.env["oto.purchase"]
                .search([("partner_id", "=", maria.id)])
                .mapped("amount")
            ),
            amounts,
        )
        self.assertEqual(self.orders.mapped("state"), ["sale", "sale"])
        self.assertEqual(self.contact.result, "positive")
        self.assertTrue(ledger.exists())
        self.assertTrue(all(ledger.mapped("granted")))
        latest = maria.oto_consent_ids - ledger
        self.assertEqual(set(latest.mapped("source")), {"data_request"})
        self.assertFalse(any(latest.mapped("granted")))
        self.assertTrue(
            all(maria[f"oto_optout_{c}"] for c in ("whatsapp", "sms", "call", "email"))
        )
        # The request is the log.
        self.assertEqual(erasure.state, "done")
        self.assertIn("open suggestions cancelled 1", erasure.summary)
        self.assertNotIn("Maria", erasure.summary)
        with self.assertRaises(AccessError):
            erasure.with_user(self.user_admin).write({"state": "requested"})
        with self.assertRaises(AccessError):
            erasure.with_user(self.user_admin).unlink()

    def test_refusals(self):
        # A seller cannot request.
        with self.assertRaises(AccessError):
            self._request("erasure", user=self.user_seller)
        # A manager cannot request for another store's customer, nor another
        # company's.
        for partner in (self.other_customer, self.franchise_customer):
            with self.subTest(partner=partner.name), self.assertRaises(AccessError):
                self._request("erasure", partner=partner)
        # A brand admin of another company reaches neither the customer nor
        # the request.
        with self.assertRaises(AccessError):
            self._request("access", user=self.user_franchise)
        request = self._request("erasure")
        with self.assertRaises(AccessError):
            request.with_user(self.user_franchise).action_execute()
        self.assertFalse(
            self.env["oto.data.request"]
            .with_user(self.user_franchise)
            .search([("id", "=", request.id)])
        )
        # Another store's manager does not see it either.
        self.assertFalse(
            self.env["oto.data.request"]
            .with_user(self.user_manager_b)
            .search([("id", "=", request.id)])
        )
        # What the server sets is not the caller's to say.
        with self.assertRefused(UserError, "sets these itself"):
            self.env["oto.data.request"].with_user(self.user_manager_a).create(
                {"partner_id": self.maria.id, "kind": "access", "state": "done"}
            )
        # A customer who is a user of the database: refused, nothing erased.
        portal = self.env["res.users"].create(
            {
                "name": "Maria Portal",
                "login": "maria.portal@example.com",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "partner_id": self.maria.id,
                "groups_id": [Command.set([self.env.ref("base.group_portal").id])],
            }
        )
        with self.assertRefused(UserError, portal.login):
            request.with_user(self.user_admin).action_execute()
        self.assertEqual(request.state, "requested")
        self.assertEqual(self.maria.email, "maria.souza@example.com")
        self.assertEqual(self.suggestion.state, "assigned")
        # The requester may cancel it.
        request.with_user(self.user_manager_a).action_cancel()
        self.assertEqual(request.state, "cancelled")


@tagged("post_install", "-at_install", "oto_crm")
class TestDataRequestOverRpc(DataRequestCommon, HttpCase):
    def _call(self, model, method, args, kwargs=None):
        return call_kw(self, model, method, args, kwargs)

    def test_roles_over_rpc(self):
        values = {"partner_id": self.maria.id, "kind": "erasure"}
        self.authenticate(self.user_seller.login, self.user_seller.login)
        body = self._call("oto.data.request", "create", [values])
        self.assertEqual(body["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.authenticate(self.user_manager_a.login, self.user_manager_a.login)
        request_id = self._call("oto.data.request", "create", [values])["result"]
        body = self._call("oto.data.request", "action_execute", [[request_id]])
        self.assertEqual(body["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertIn("brand admin", body["error"]["data"]["message"])
        body = self._call(
            "oto.data.request", "write", [[request_id], {"state": "done"}]
        )
        self.assertEqual(body["error"]["data"]["name"], "odoo.exceptions.AccessError")
        self.assertTrue(self.maria.email)
        self.authenticate(self.user_admin.login, self.user_admin.login)
        self._call("oto.data.request", "action_execute", [[request_id]])
        self.assertFalse(self.maria.with_context(active_test=False).email)
