# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.fake_graph import build_status_payload
from .common import WhatsappCommon

LOGGERS = (
    "odoo.addons.oto_crm_whatsapp.controllers.main",
    "odoo.addons.oto_crm_whatsapp.models.oto_whatsapp_webhook",
)


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWhatsappWebhook(WhatsappCommon):
    def _sent(self, partner):
        """A message as if sent by the queue."""
        return self.env["oto.whatsapp.message"].create(
            {
                "account_id": self.account.id,
                "partner_id": partner.id,
                "phone": partner.oto_phone_e164,
                "body": "Oi!",
                "state": "sent",
                "meta_id": f"wamid.test{partner.id}",
            }
        )

    def _counts(self):
        return (
            self.env["oto.whatsapp.message"].search_count([]),
            self.env["oto.consent"].search_count([]),
            self.env["res.partner"].search_count([]),
        )

    def test_handshake(self):
        ok = self.url_open(
            "/oto_crm_whatsapp/webhook?hub.mode=subscribe&hub.verify_token=verify-me"
            "&hub.challenge=1158201444"
        )
        self.assertEqual((ok.status_code, ok.text), (200, "1158201444"))
        with mute_logger(*LOGGERS):
            bad = self.url_open(
                "/oto_crm_whatsapp/webhook?hub.mode=subscribe&hub.verify_token=nope"
                "&hub.challenge=1"
            )
        self.assertEqual(bad.status_code, 403)

    def test_bad_signature_is_refused_and_nothing_stored(self):
        message = self._sent(self.maria)
        body = json.dumps(
            build_status_payload(
                self.account.phone_number_id, message.meta_id, "read", "5511987654321"
            )
        ).encode()
        before = self._counts()
        with mute_logger(*LOGGERS):
            self.assertEqual(self._hook("post_raw", body, signature="sha256=00ff"), 403)
            self.assertEqual(self._hook("post_raw", body, signature=None), 403)
            # Signed, then tampered with.
            self.assertEqual(
                self._hook(
                    "post_raw",
                    body.replace(b"read", b"sent"),
                    signature=self.graph.sign(body),
                ),
                403,
            )
        self.assertEqual(message.state, "sent")
        self.assertEqual(self._counts(), before)
        self.assertFalse(self.env["oto.whatsapp.event"].search_count([]))
        # Signed but not JSON: answered 200 (Meta would not send it again)
        # and kept as it came, for someone to look at.
        with mute_logger(*LOGGERS):
            self.assertEqual(
                self._hook(
                    "post_raw", b"{not json", signature=self.graph.sign(b"{not json")
                ),
                200,
            )
        kept = self.env["oto.whatsapp.event"].search([])
        self.assertEqual((kept.kind, kept.state), ("item", "unparseable"))
        self.assertEqual(kept.payload, "{not json")
        self.assertEqual(self._counts(), before)

    def test_statuses_out_of_order_skipped_or_unknown(self):
        message = self._sent(self.maria)
        self.assertEqual(
            self._hook("post_status", message.meta_id, "read", "5511987654321"), 200
        )
        self.assertEqual(message.state, "read")  # delivered was skipped
        self._hook("post_status", message.meta_id, "delivered", "5511987654321")
        self.assertEqual(message.state, "read")  # late: ignored
        with mute_logger(*LOGGERS):
            self.assertEqual(
                self._hook(
                    "post_status", "wamid.unknown", "delivered", "5511987654321"
                ),
                200,
            )

    def test_failed_statuses_revoke_consent_or_mark_the_number(self):
        stopped = self._sent(self.maria)
        self._hook(
            "post_status",
            stopped.meta_id,
            "failed",
            "5511987654321",
            errors=[{"code": 131050, "title": "User stopped marketing messages"}],
        )
        self.assertEqual(stopped.state, "failed")
        self.assertEqual(stopped.error_code, 131050)
        self.assertTrue(self.maria.oto_optout_whatsapp)
        ledger = self.env["oto.consent"].search([("partner_id", "=", self.maria.id)])
        self.assertEqual(ledger[:1].source, "whatsapp_api")
        gone = self._sent(self.joana)
        self._hook(
            "post_status",
            gone.meta_id,
            "failed",
            "5511977771111",
            errors=[{"code": 131026, "title": "Message undeliverable"}],
        )
        self.assertTrue(self.joana.oto_whatsapp_unavailable)
        self.assertFalse(self.joana.oto_optout_whatsapp)

    def test_inbound_lands_on_the_customer_with_or_without_the_ninth_digit(self):
        for sender in ("5511987654321", "551187654321"):
            with self.subTest(sender=sender):
                status, message_id = self._hook(
                    "post_inbound", sender, "Oi, tem o vestido azul?"
                )
                self.assertEqual(status, 200)
                received = self.env["oto.whatsapp.message"].search(
                    [("meta_id", "=", message_id)]
                )
                self.assertEqual(received.partner_id, self.maria)
                self.assertEqual(received.direction, "in")
        self.assertTrue(self.maria.oto_whatsapp_last_inbound)
        # The seller is notified.
        note = self.maria.message_ids.filtered(
            lambda m: "tem o vestido azul" in (m.body or "")
        )[:1]
        self.assertIn(self.seller_user.partner_id, note.partner_ids)

    def test_replayed_inbound_is_stored_once(self):
        status, message_id = self._hook("post_inbound", "5511977771111", "Olá")
        self.assertEqual(status, 200)
        payload = self.graph.last_payload
        body = json.dumps(payload).encode()
        self.assertEqual(
            self._hook("post_raw", body, signature=self.graph.sign(body)), 200
        )
        self.assertEqual(
            self.env["oto.whatsapp.message"].search_count(
                [("meta_id", "=", message_id)]
            ),
            1,
        )

    def test_unknown_sender_becomes_a_customer(self):
        status, _message_id = self._hook(
            "post_inbound", "5521991234567", "Quero saber dos preços", name="Carla Nova"
        )
        self.assertEqual(status, 200)
        partner = self.env["res.partner"].search(
            [("oto_phone_e164", "=", "+5521991234567")]
        )
        self.assertEqual(partner.name, "Carla Nova")

    def test_optout_keyword_revokes_marketing_consent(self):
        self._hook("post_inbound", "5511987654321", "quero sair mais cedo")
        self.assertFalse(self.maria.oto_optout_whatsapp)
        self._hook("post_inbound", "5511987654321", " Sair! ")
        self.assertTrue(self.maria.oto_optout_whatsapp)
        ledger = self.env["oto.consent"].search(
            [("partner_id", "=", self.maria.id), ("source", "=", "whatsapp_keyword")]
        )
        self.assertEqual(len(ledger), 1)
        self.assertEqual(ledger.text_shown, " Sair! ")

    def test_unknown_phone_number_id_is_ignored(self):
        body = json.dumps(
            build_status_payload("999999999999", "wamid.x", "read", "5511987654321")
        ).encode()
        with mute_logger(*LOGGERS):
            response = self._hook("post_raw", body, signature=self.graph.sign(body))
        self.assertEqual(response, 200)
