# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import new_test_user, tagged

from .common import WhatsappCommon


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWhatsappPersonalData(WhatsappCommon):
    """A customer's WhatsApp messages in their data subject requests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "wa_store_manager", groups="oto_crm.oto_crm_group_manager"
        )
        cls.admin = new_test_user(
            cls.env, "wa_brand_admin", groups="oto_crm.oto_crm_group_admin"
        )
        cls.store.manager_ids = cls.manager

    def _request(self, kind):
        request = (
            self.env["oto.data.request"]
            .with_user(self.manager)
            .create({"partner_id": self.maria.id, "kind": kind})
        )
        request.with_user(self.admin).action_execute()
        return request

    def test_messages_are_reported_then_emptied_and_the_queue_cancelled(self):
        self._approved()
        composer = self.env["oto.whatsapp.composer"].browse(
            self.env["oto.whatsapp.composer"]._open(self.maria)["res_id"]
        )
        composer.action_send()
        self.env["oto.whatsapp.message"]._cron_send_queue()
        sent = self.env["oto.whatsapp.message"].search(
            [("partner_id", "=", self.maria.id)]
        )
        self.assertEqual(sent.state, "sent")
        self.env["oto.whatsapp.composer"].browse(
            self.env["oto.whatsapp.composer"]._open(self.maria)["res_id"]
        ).action_send()
        queued = (
            self.env["oto.whatsapp.message"].search(
                [("partner_id", "=", self.maria.id)]
            )
            - sent
        )
        self.assertEqual(queued.state, "queued")
        # The report has them, with their words.
        report = json.loads(self._request("access").report_id.raw)
        sections = {s["key"]: s for s in report["sections"]}
        rows = sections["whatsapp_messages"]["rows"]
        self.assertEqual(len(rows), 2)
        self.assertTrue(all("Maria" in row["body"] for row in rows))
        self.assertEqual({row["phone"] for row in rows}, {"+5511987654321"})
        # Erasure: the queued one is cancelled first, never sent; the sent
        # one stays for the counts, without its words.
        erasure = self._request("erasure")
        self.assertEqual(queued.state, "cancelled")
        self.assertEqual(sent.state, "sent")
        for message in sent | queued:
            self.assertFalse(message.body or message.variables)
            self.assertEqual(message.phone, "-")
        self.assertIn("queued WhatsApp messages cancelled 1", erasure.summary)
        self.graph.reset()
        self.assertEqual(self.env["oto.whatsapp.message"]._cron_send_queue(), 0)
        self.assertEqual(self.graph.sent, [])
