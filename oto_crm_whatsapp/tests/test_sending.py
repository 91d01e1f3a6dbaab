# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tests import tagged

from ..tools.cloud_api import CloudApiClient, CloudApiTemporaryError
from .common import TOKEN, WhatsappCommon


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWhatsappSending(WhatsappCommon):
    def _compose(self, records, **values):
        action = self.env["oto.whatsapp.composer"]._open(records)
        composer = self.env["oto.whatsapp.composer"].browse(action["res_id"])
        if values:
            composer.write(values)
        return composer

    def _queued(self):
        return self.env["oto.whatsapp.message"].search(
            [("account_id", "=", self.account.id), ("direction", "=", "out")]
        )

    def test_composer_previews_and_skips_with_reasons(self):
        self._approved()
        customers = self.maria | self.joana | self.optout | self.no_phone | self.no_city
        composer = self._compose(customers)
        self.assertEqual((composer.record_count, composer.send_count), (5, 2))
        self.assertEqual(composer.skip_count, 3)
        self.assertIn("asked not to receive WhatsApp messages", composer.skip_summary)
        self.assertIn("no valid phone number", composer.skip_summary)
        self.assertIn("{{2}} has no value (city)", composer.skip_summary)
        self.assertIn(
            "Oi Maria! A coleção de verão chegou em São Paulo.", composer.preview
        )
        composer.action_send()
        queued = self._queued()
        self.assertEqual(queued.partner_id, self.maria | self.joana)
        self.assertEqual(set(queued.mapped("state")), {"queued"})
        self.assertEqual(
            queued.filtered(lambda m: m.partner_id == self.maria).body,
            "Oi Maria! A coleção de verão chegou em São Paulo.",
        )

    def test_free_text_only_inside_the_service_window(self):
        self._approved()
        self._inbound(self.maria, hours_ago=2)
        self._inbound(self.joana, hours_ago=30)
        # Bruna wrote two hours ago, but to another number of the brand: the
        # window is per number and customer.
        other = self.account.copy(
            {"name": "Outra loja", "phone_number_id": "100200300999"}
        )
        self._inbound(self.no_city, account=other, hours_ago=2)
        composer = self._compose(
            self.maria | self.joana | self.no_city,
            mode="text",
            body="Oi! Seu pedido chegou.",
        )
        self.assertEqual(composer.send_count, 1)
        self.assertIn("2 outside the service window", composer.skip_summary)
        composer.action_send()
        self.assertEqual(self._queued().partner_id, self.maria)
        self.assertFalse(self._queued().template_id)
        self.assertTrue(self.no_city._oto_whatsapp_window_open(other))
        self.assertFalse(self.no_city._oto_whatsapp_window_open(self.account))

    def test_no_approved_template_says_what_to_do(self):
        self._template()  # a draft only
        with self.assertRaises(RedirectWarning) as caught:
            self._compose(self.maria)
        self.assertIn(
            "No approved WhatsApp template applies to", caught.exception.args[0]
        )
        self.assertEqual(
            caught.exception.args[1],
            self.env.ref("oto_crm_whatsapp.oto_whatsapp_template_action").id,
        )

    def test_queue_sends_over_http_and_statuses_come_back(self):
        self._approved()
        self._compose(self.maria | self.joana).action_send()
        sent = self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual(sent, 2)
        messages = self._queued()
        self.assertEqual(set(messages.mapped("state")), {"sent"})
        self.assertEqual(
            sorted(m["to"] for m in self.graph.sent), ["5511977771111", "5511987654321"]
        )
        request = next(m for m in self.graph.sent if m["to"] == "5511987654321")
        self.assertEqual(request["template"]["name"], "nova_colecao")
        # The statuses, signed, from the fake to Odoo's webhook over HTTP.
        maria_message = messages.filtered(lambda m: m.partner_id == self.maria)
        self.assertEqual(
            self._hook(
                "post_status", maria_message.meta_id, "delivered", "5511987654321"
            ),
            200,
        )
        self.assertEqual(maria_message.state, "delivered")
        self.assertTrue(
            any(
                "WhatsApp sent" in body
                for body in self.maria.message_ids.mapped("body")
            )
        )

    def test_rate_limit_is_never_exceeded(self):
        self._approved()
        customers = self.env["res.partner"].create(
            [
                {"name": f"Cliente {n}", "mobile": f"+55119800{n:05d}", "city": "SP"}
                for n in range(12)
            ]
        )
        self.account.rate_per_second = 10
        self._compose(customers).action_send()
        started = time.monotonic()
        self._send_all()
        times = [m["time"] for m in self.graph.sent]
        self.assertEqual(len(times), 12)
        # At most 10 in any one second, as Meta would see them arrive.
        self.assertLessEqual(self.busiest_second(times), 10)
        self.assertGreaterEqual(time.monotonic() - started, 1.0)

    def test_retries_with_backoff_then_permanent_failure(self):
        self._approved()
        self._compose(self.maria).action_send()
        message = self._queued()
        self.graph.fail_next(1, 500, 131000, "Something went wrong")
        self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual((message.state, message.attempts), ("queued", 1))
        self.assertGreater(message.next_attempt, fields.Datetime.now())
        # Not due yet: nothing sent.
        self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual(message.attempts, 1)
        message.next_attempt = fields.Datetime.now() - timedelta(seconds=1)
        self.graph.fail_next(1, 400, 132001, "Template name does not exist")
        self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.error_code, 132001)
        self.assertIn("132001", message.error_reason)

    def test_retryable_errors_give_up_after_the_last_attempt(self):
        self._approved()
        self._compose(self.maria).action_send()
        message = self._queued()
        with patch.object(
            CloudApiClient,
            "send_template",
            side_effect=CloudApiTemporaryError("timeout", retryable=True),
        ):
            for _attempt in range(5):
                message.next_attempt = fields.Datetime.now() - timedelta(seconds=1)
                self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual((message.state, message.attempts), ("failed", 5))

    def test_expired_token_pauses_sending_and_loses_nothing(self):
        self._approved()
        self._compose(self.maria | self.joana).action_send()
        self.account.access_token = "EAAG-expired"
        self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual(self.account.state, "paused")
        self.assertIn("token", self.account.last_error)
        self.assertEqual(set(self._queued().mapped("state")), {"queued"})
        self.assertNotIn("EAAG-expired", self.account.last_error)
        # Sending stays paused until an admin fixes the token and resumes.
        self.account.access_token = TOKEN
        self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual(set(self._queued().mapped("state")), {"queued"})
        self.account.action_resume()
        self.env["oto.whatsapp.message"]._cron_send_queue()
        self.assertEqual(set(self._queued().mapped("state")), {"sent"})

    def test_test_connection(self):
        result = self.account.action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.account.verified_name, "Oto Demo")
        self.account.access_token = "wrong"
        result = self.account.action_test_connection()
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(self.account.state, "paused")
        self.assertIn("190", self.account.last_error)

    def test_composer_only_about_what_templates_apply_to(self):
        """The composer is no way to message whoever a model holds: only
        records of a model templates apply to (customers always), only the
        records the person reads."""
        self._approved()
        manager = self.env["res.users"].create(
            {
                "name": "Gil Gerente",
                "login": "wa_gil",
                "groups_id": [(4, self.env.ref("oto_crm.oto_crm_group_manager").id)],
            }
        )
        self.store.manager_ids = manager
        Composer = self.env["oto.whatsapp.composer"].with_user(manager)
        base = {"account_id": self.account.id, "mode": "text", "body": "Oi"}
        # A customer of the store: yes.
        composer = Composer.create(
            dict(base, res_model="res.partner", res_ids=self.maria.ids)
        )
        self.assertEqual(composer.record_count, 1)
        # The company's users (their partners have phones too), companies,
        # wizards, unknown models: no.
        for model, ids in (
            ("res.users", self.seller_user.ids),
            ("res.company", self.env.company.ids),
            ("oto.whatsapp.composer", composer.ids),
            ("no.such.model", [1]),
        ):
            with self.assertRaises(AccessError):
                Composer.create(dict(base, res_model=model, res_ids=ids))
            # Nor by changing a composer afterwards.
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                composer.write({"res_model": model, "res_ids": ids})
        # A customer of another store, which the manager does not read: no.
        elsewhere = self.env["oto.store"].create({"name": "Loja Moema", "code": "WM"})
        other = self.env["oto.seller"].create(
            {"name": "Bia Outra", "code": "WBIA", "store_id": elsewhere.id}
        )
        self.joana.oto_seller_id = other
        with self.assertRaises(AccessError):
            Composer.create(dict(base, res_model="res.partner", res_ids=self.joana.ids))
        with self.assertRaises(UserError):
            Composer.create(dict(base, res_model="res.partner", res_ids="1,2"))
