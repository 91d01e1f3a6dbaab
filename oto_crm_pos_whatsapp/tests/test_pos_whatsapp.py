# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import RedirectWarning, UserError
from odoo.tests import tagged

from .common import PosWhatsappCommon


@tagged("post_install", "-at_install", "oto_crm_pos_whatsapp")
class TestPosWhatsapp(PosWhatsappCommon):
    def _queued(self):
        return self.env["oto.whatsapp.message"].search(
            [("account_id", "=", self.account.id), ("direction", "=", "out")]
        )

    def _orders(self, *partners):
        self.config.open_ui()
        return self.env["pos.order"].create(
            [
                {
                    "session_id": self.config.current_session_id.id,
                    "partner_id": partner.id if partner else False,
                    "amount_tax": 0.0,
                    "amount_total": 100.0,
                    "amount_paid": 100.0,
                    "amount_return": 0.0,
                    "state": "paid",
                    "oto_seller_id": self.seller.id,
                }
                for partner in partners
            ]
        )

    def _receipt_template(self, **values):
        return self._approved(
            name="recibo_loja",
            category="utility",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="mobile",
            body="Obrigado pela compra {{1}}! Valor: {{2}}.",
            variable_ids=[
                (0, 0, {"name": "1", "field_path": "name"}),
                (0, 0, {"name": "2", "field_path": "amount_total"}),
            ],
            **values,
        )

    def test_mass_send_from_pos_orders(self):
        template = self._approved(
            name="oferta_loja",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="partner_id.mobile",
            allow_multi=True,
            body="Oi {{1}}! Obrigado pela compra {{2}}.",
            variable_ids=[
                (
                    0,
                    0,
                    {"name": "1", "field_path": "partner_id.name", "first_word": True},
                ),
                (0, 0, {"name": "2", "field_path": "name"}),
            ],
        )
        self.assertEqual(template.action_id.binding_model_id.model, "pos.order")
        orders = self._orders(self.maria, self.optout)
        # What the list's Actions menu runs.
        action = template.action_id.with_context(
            active_model="pos.order", active_ids=orders.ids
        ).run()
        composer = self.env["oto.whatsapp.composer"].browse(action["res_id"])
        self.assertEqual((composer.send_count, composer.skip_count), (1, 1))
        composer.action_send()
        message = self._queued()
        self.assertEqual(message.model, "pos.order")
        self.assertEqual(message.res_id, orders[0].id)
        self.assertIn(orders[0].name, message.body)

    def test_whatsapp_action_without_template_offers_to_configure(self):
        orders = self._orders(self.maria, self.optout)
        action = self.env.ref("oto_crm_pos_whatsapp.action_pos_order_whatsapp")
        with self.assertRaises(RedirectWarning) as caught:
            action.with_context(active_model="pos.order", active_ids=orders.ids).run()
        self.assertIn("Marketing category", str(caught.exception))
        # A receipt (utility) template, and a marketing one without "Allow
        # multi", are not for marketing from the counter's orders.
        receipt = self._receipt_template()
        single = self._approved(
            name="oferta_unica",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="partner_id.mobile",
            body="Oi! Temos novidades na loja.",
            variable_ids=[],
        )
        with self.assertRaises(RedirectWarning):
            action.with_context(active_model="pos.order", active_ids=orders.ids).run()
        # With an approved marketing template that allows multi it opens the
        # composer on it, and only such templates can be sent from there.
        template = self._approved(
            name="oferta_colecao",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="partner_id.mobile",
            allow_multi=True,
            body="Oi! A nova coleção chegou.",
            variable_ids=[],
        )
        result = action.with_context(
            active_model="pos.order", active_ids=orders.ids
        ).run()
        composer = self.env["oto.whatsapp.composer"].browse(result["res_id"])
        self.assertEqual(composer.template_id, template)
        for refused in (receipt, single):
            composer.template_id = refused
            with self.assertRaisesRegex(UserError, "Marketing category"):
                composer.action_send()
        self.assertFalse(self._queued(), "nothing queued by a refused template")
        composer.template_id = template
        composer.action_send()
        self.assertEqual(self._queued().res_id, orders[0].id, "the opted-out skipped")

    def test_whatsapp_icon_on_one_order(self):
        """The icon beside the order's mobile: a marketing template for this
        one order ("Allow multi" is for several); never a receipt one."""
        order = self._orders(self.maria)
        receipt = self._receipt_template()
        with self.assertRaises(RedirectWarning):
            order.action_oto_send_whatsapp()
        offer = self._approved(
            name="oferta_cliente",
            model_id=self.env.ref("point_of_sale.model_pos_order").id,
            phone_field="partner_id.mobile",
            body="Oi! Separamos novidades para você.",
            variable_ids=[],
        )
        action = order.action_oto_send_whatsapp()
        composer = self.env["oto.whatsapp.composer"].browse(action["res_id"])
        self.assertEqual((composer.template_id, composer.res_ids), (offer, order.ids))
        composer.template_id = receipt
        with self.assertRaisesRegex(UserError, "Marketing category"):
            composer.action_send()
        # Free text is for conversations, not marketing from the orders.
        composer.write({"mode": "text", "body": "Oi! Promoção só hoje."})
        with self.assertRaisesRegex(UserError, "Marketing category"):
            composer.action_send()
        composer.write({"mode": "template", "template_id": offer.id})
        composer.action_send()
        self.assertEqual(self._queued().res_id, order.id)
        view = self.env["pos.order"].get_view(
            self.env.ref("point_of_sale.view_pos_pos_form").id
        )
        self.assertIn('name="action_oto_send_whatsapp"', view["arch"])

    def test_whatsapp_receipt_to_the_number_typed(self):
        self.config.write(
            {
                "oto_receipt_whatsapp": True,
                "oto_whatsapp_receipt_template_id": self._receipt_template().id,
            }
        )
        self.assertIn("whatsapp", self.config._oto_receipt_channels())
        order = self._orders(None)
        # Maria's number typed without the 9th digit finds her.
        result = order.oto_send_receipt("whatsapp", "(11) 8765-4321", "", None)
        self.assertFalse(result["created"])
        self.assertEqual(order.partner_id, self.maria)
        message = self._queued()
        self.assertEqual(message.phone, "+5511987654321")
        self.assertEqual(message.res_id, order.id)
        self.assertIn(order.name, message.body)

    def test_whatsapp_receipt_refused_saves_nothing(self):
        self.config.oto_receipt_whatsapp = True
        order = self._orders(None)
        # No template chosen: off, with what to do.
        with self.assertRaisesRegex(UserError, "choose an approved receipt template"):
            order.oto_send_receipt("whatsapp", "11 96666-2222", "", None)
        self.config.oto_whatsapp_receipt_template_id = self._receipt_template()
        # Pedro refused WhatsApp messages.
        with self.assertRaisesRegex(UserError, "asked not to receive WhatsApp"):
            order.oto_send_receipt("whatsapp", "11 96666-2222", "", None)
        # The request's writes were undone with it (the cache dropped).
        self.env.invalidate_all()
        self.assertFalse(order.partner_id)
        self.assertFalse(order.mobile)
        self.assertFalse(self._queued())
        # An account paused (refused token) turns the channel off: a
        # receipt tapped meanwhile is refused at once, saying why.
        self.account.write({"state": "paused", "last_error": "token expired"})
        self.assertNotIn("whatsapp", self.config._oto_receipt_channels())
        with self.assertRaisesRegex(UserError, r"WhatsApp is down .*token expired"):
            order.oto_send_receipt("whatsapp", "11 98765-4321", "", None)
        self.env.invalidate_all()
        self.assertFalse(order.partner_id)
        self.assertFalse(self._queued())
