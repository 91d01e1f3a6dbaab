# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import RedirectWarning, UserError
from odoo.tests import tagged

from .common import PosCommon


@tagged("post_install", "-at_install", "oto_crm_pos")
class TestPosMarketing(PosCommon):
    def _orders_with(self, *emails, partner=None):
        orders = self.env["pos.order"]
        for email in emails:
            order = self._order(self.seller, partner, total=100.0, state="paid")
            order.email = email
            orders |= order
        return orders

    def _compose(self, orders):
        action = orders.action_send_mail()
        self.assertEqual(action["res_model"], "mail.compose.message")
        return (
            self.env["mail.compose.message"]
            .with_context(
                active_model="pos.order", active_ids=orders.ids, **action["context"]
            )
            .create({})
        )

    def _mails(self):
        return self.env["mail.mail"].search([("model", "=", "pos.order")])

    def _address(self, mail):
        """Where a mail goes: its address, or the customer it was turned into."""
        return (mail.email_to or mail.recipient_ids.email_normalized or "").lower()

    def test_mass_email_one_per_address_creates_customers_skips_refusals(self):
        refused = self.env["res.partner"].create(
            {"name": "Não Quer", "email": "naoquer@example.com"}
        )
        refused._oto_set_consent(["email"], False, "manager", "pediu")
        new = self._orders_with("novo@example.com")
        twice = self._orders_with("dupla@example.com", "Dupla@Example.com")
        optout = self._orders_with("naoquer@example.com", partner=refused)
        without = self._orders_with(False)
        composer = self._compose(new | twice | optout | without)
        self.assertEqual(composer.composition_mode, "mass_mail")
        self.assertEqual(
            composer.template_id,
            self.env.ref("point_of_sale.pos_email_marketing_template"),
        )
        composer.action_send_mail()
        mails = self._mails()
        self.assertEqual(
            sorted(self._address(m) for m in mails),
            ["dupla@example.com", "novo@example.com"],
        )
        # The address without customer got one, linked to its order.
        self.assertEqual(new.partner_id.email, "novo@example.com")
        self.assertEqual(new.partner_id.oto_store_id, self.store)
        # The later of the two orders to the same address was the one sent.
        self.assertEqual(
            mails.filtered(lambda m: "dupla" in self._address(m)).res_id, twice[-1].id
        )

    def test_mass_email_with_nothing_to_send_says_why(self):
        refused = self.env["res.partner"].create(
            {"name": "Não Quer", "email": "naoquer@example.com"}
        )
        refused._oto_set_consent(["email"], False, "manager", "pediu")
        orders = self._orders_with(False) | self._orders_with(
            "naoquer@example.com", partner=refused
        )
        composer = self._compose(orders)
        with self.assertRaisesRegex(UserError, "refused marketing emails"):
            composer.action_send_mail()
        self.assertFalse(self._mails())

    def test_send_email_without_any_template_offers_to_configure(self):
        orders = self._orders_with("alguem@example.com")
        self.env["mail.template"].search([("model", "=", "pos.order")]).unlink()
        with self.assertRaises(RedirectWarning) as caught:
            orders.action_send_mail()
        self.assertIn("No email template applies to POS orders", str(caught.exception))
        action = caught.exception.args[1]
        self.assertEqual(action["res_model"], "mail.template")
        self.assertEqual(action["context"], {"default_model": "pos.order"})

    def test_send_email_uses_a_saved_template_when_the_default_is_gone(self):
        self.env.ref("point_of_sale.pos_email_marketing_template").unlink()
        saved = self.env["mail.template"].create(
            {
                "name": "Coleção de verão",
                "model_id": self.env.ref("point_of_sale.model_pos_order").id,
                "subject": "Chegou a coleção de verão",
                "email_to": "{{ object.email }}",
                "body_html": "<p>Olá!</p>",
                "auto_delete": False,
            }
        )
        composer = self._compose(self._orders_with("verao@example.com"))
        self.assertEqual(composer.template_id, saved)
        composer.action_send_mail()
        self.assertEqual(self._mails().subject, "Chegou a coleção de verão")
