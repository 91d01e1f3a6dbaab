# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WhatsappCommon


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestPhoneWhatsapp(WhatsappCommon):
    """*My day*'s WhatsApp button when the brand has a Cloud API account:
    the seller's text inside the customer service window, the approved
    template outside it, through the queue and the one API client (to the
    local fake Graph API); the customer's replies in the phone's profile."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.joana.oto_seller_id = cls.seller
        cls.optout.oto_seller_id = cls.seller

    def _suggestion(self, partner):
        return self.env["oto.suggestion"].create(
            {
                "partner_id": partner.id,
                "seller_id": self.seller.id,
                "store_id": self.store.id,
                "company_id": self.store.company_id.id,
                "message_custom": "Oi! Chegou a coleção nova.",
            }
        )

    def _as_seller(self, record):
        return record.with_user(self.seller_user)

    def _card(self, suggestion):
        day = self._as_seller(self.env["oto.suggestion"]).get_seller_day()
        for group in day["groups"]:
            for card in group["suggestions"]:
                if card["id"] == suggestion.id:
                    return card
        return None

    def _sent_to(self, number):
        self.env["oto.whatsapp.message"]._cron_send_queue()
        return [m for m in self.graph.sent if m["to"] == number]

    def _wrote(self, partner, hours):
        """The customer wrote to the brand's number ``hours`` ago."""
        when = fields.Datetime.now() - timedelta(hours=hours)
        self.env["oto.whatsapp.message"].create(
            {
                "account_id": self.account.id,
                "direction": "in",
                "partner_id": partner.id,
                "phone": partner.mobile,
                "body": "Oi!",
                "state": "received",
                "status_date": when,
            }
        )
        partner.oto_whatsapp_last_inbound = when

    def test_inside_the_window_the_seller_s_text_from_the_brand_s_number(self):
        self._wrote(self.maria, 3)
        suggestion = self._suggestion(self.maria)
        card = self._card(suggestion)
        self.assertEqual(card["whatsapp_api"]["mode"], "text")
        self.assertIn("Aurora atendimento", card["channel_note"])
        answer = self._as_seller(suggestion).oto_send_whatsapp(
            "Oi Maria, separei o vestido para você."
        )
        self.assertEqual(answer["mode"], "text")
        self.assertEqual(suggestion.state, "in_progress")
        self.assertEqual(suggestion.message, "Oi Maria, separei o vestido para você.")
        (sent,) = self._sent_to("5511987654321")
        self.assertEqual(sent["type"], "text")
        self.assertEqual(sent["text"], "Oi Maria, separei o vestido para você.")
        message = self.env["oto.whatsapp.message"].search(
            [("partner_id", "=", self.maria.id), ("direction", "=", "out")]
        )
        self.assertEqual(
            (message.model, message.res_id), (suggestion._name, suggestion.id)
        )

    def test_outside_the_window_the_approved_template(self):
        template = self._approved()
        suggestion = self._suggestion(self.joana)
        card = self._card(suggestion)
        self.assertEqual(card["whatsapp_api"]["mode"], "template")
        self.assertEqual(
            card["channel_preview"], "Oi Joana! A coleção de verão chegou em Santos."
        )
        answer = self._as_seller(suggestion).oto_send_whatsapp("ignored text")
        self.assertEqual(answer["mode"], "template")
        self.assertIn(template.name, answer["message"])
        (sent,) = self._sent_to("5511977771111")
        self.assertEqual(sent["type"], "template")

    def test_without_a_way_the_seller_s_own_whatsapp(self):
        """Outside the window with no approved template, or without an
        account: the button opens the seller's own WhatsApp, as before."""
        suggestion = self._suggestion(self.joana)
        self.assertFalse(self._card(suggestion)["whatsapp_api"])
        self.assertNotIn("channel_note", self._card(suggestion))
        with self.assertRaisesRegex(UserError, "use your own WhatsApp"):
            self._as_seller(suggestion).oto_send_whatsapp("Oi!")
        self.assertFalse(self.graph.sent)

    def test_an_opted_out_customer_is_never_sent_to(self):
        self._approved()
        suggestion = self._suggestion(self.optout)
        self.assertNotIn("whatsapp", self._card(suggestion)["channels"])
        with self.assertRaisesRegex(UserError, "cannot be contacted by WhatsApp"):
            self._as_seller(suggestion).oto_send_whatsapp("Oi!")
        self.assertFalse(
            self.env["oto.whatsapp.message"].search(
                [("partner_id", "=", self.optout.id)]
            )
        )

    def test_another_seller_s_customer_is_refused(self):
        self._approved()
        other = self.env["oto.seller"].create(
            {"name": "Outra", "code": "WOUT", "store_id": self.store.id}
        )
        suggestion = self._suggestion(self.maria)
        suggestion.seller_id = other
        with self.assertRaisesRegex(Exception, "no longer in your list"):
            self._as_seller(suggestion).oto_send_whatsapp("Oi!")
        self.assertFalse(self.graph.sent)

    def test_the_customer_s_replies_in_the_phone_s_profile(self):
        self._approved()
        suggestion = self._suggestion(self.maria)
        self._as_seller(suggestion).oto_send_whatsapp("")
        self.env["oto.whatsapp.message"]._cron_send_queue()
        status, _message_id = self._hook(
            "post_inbound", "5511987654321", "Oba! Passo aí sábado.", "Maria"
        )
        self.assertEqual(status, 200)
        profile = self._as_seller(self.maria).oto_get_profile()
        lines = profile["conversation"]
        self.assertEqual([line["inbound"] for line in lines], [False, True])
        self.assertEqual(lines[1]["body"], "Oba! Passo aí sábado.")
        self.assertIn("verão", lines[0]["body"])
        # Now inside the window: the seller's text goes as it is.
        self.assertEqual(profile["whatsapp_api"]["mode"], "text")
        answer = self._as_seller(self.maria).oto_send_whatsapp("Te espero!")
        self.assertEqual(answer["mode"], "text")
        self.assertEqual(self._sent_to("5511987654321")[-1]["text"], "Te espero!")

    def test_one_tap_sends_once(self):
        """A retry after a lost answer or a double tap sends nothing more;
        an approved template goes once a day to a customer."""
        self._wrote(self.maria, 3)
        maria = self._as_seller(self.maria)
        maria.oto_send_whatsapp("Chegou o seu número!")
        with self.assertRaisesRegex(UserError, "not sent twice"):
            maria.oto_send_whatsapp("Chegou o seu número!")
        maria.oto_send_whatsapp("Passa aqui amanhã?")
        self.assertEqual(
            self.env["oto.whatsapp.message"].search_count(
                [("partner_id", "=", self.maria.id), ("direction", "=", "out")]
            ),
            2,
        )
        self._approved()
        suggestion = self._suggestion(self.joana)
        self._as_seller(suggestion).oto_send_whatsapp("")
        with self.assertRaisesRegex(UserError, "in the last 24 hours"):
            self._as_seller(self.joana).oto_send_whatsapp("")
        self.assertEqual(
            self.env["oto.whatsapp.message"].search_count(
                [("partner_id", "=", self.joana.id), ("direction", "=", "out")]
            ),
            1,
        )

    def test_the_database_s_users_get_no_offers(self):
        """An employee's partner (a user of the database) is no customer:
        nothing goes to it through the customers' channels."""
        self._approved()
        employee = self.env["res.users"].create(
            {
                "name": "Funcionária Lia",
                "login": "wa_lia",
                "mobile": "+55 11 94444-5555",
                "groups_id": [(4, self.env.ref("base.group_user").id)],
            }
        )
        reasons = self.env["oto.consent.gate"]._refusals(
            employee.partner_id, "whatsapp", "marketing"
        )
        self.assertEqual(
            reasons[employee.partner_id], "a user of the database, not a customer"
        )
        # Receipts the employee asked for still go.
        self.assertFalse(
            self.env["oto.consent.gate"]._refusals(
                employee.partner_id, "whatsapp", "transactional"
            )
        )
