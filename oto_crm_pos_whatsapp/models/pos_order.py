# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class PosOrder(models.Model):
    _inherit = "pos.order"

    def _oto_channel_off_message(self, channel):
        account = self.config_id.sudo().oto_whatsapp_receipt_template_id.account_id
        if channel == "whatsapp" and account.state == "paused":
            # Said at once: a paused account sends nothing until an admin
            # fixes it; the receipt would wait in the queue for hours.
            return self.env._(
                "WhatsApp is down for this store (%(error)s): the receipt was "
                "not sent and nothing was saved. Print it or send it by email.",
                error=account.last_error or self.env._("sending paused"),
            )
        return super()._oto_channel_off_message(channel)

    def _oto_send_whatsapp_receipt(self, phone, ticket_image, basic_image=None):
        """Queue the receipt template to the typed number (E.164); the
        WhatsApp queue sends it within seconds. The customer's refusal of
        WhatsApp messages, an invalid or unreachable number refuse it."""
        self.ensure_one()
        template = self.config_id.sudo().oto_whatsapp_receipt_template_id
        if not self.config_id.oto_whatsapp_receipt_ready:
            raise UserError(self._oto_channel_off_message("whatsapp"))
        composer = (
            self.env["oto.whatsapp.composer"]
            .sudo()
            .with_context(oto_whatsapp_phone=phone)
            .create(
                {
                    "res_model": self._name,
                    "res_ids": self.ids,
                    "template_id": template.id,
                    "account_id": template.account_id.id,
                }
            )
        )
        values, reason = composer._plan_one(self)
        if not values:
            raise UserError(
                self.env._("The WhatsApp receipt cannot be sent: %s.", reason)
            )
        message = self.env["oto.whatsapp.message"].sudo().create(values)
        self.env.ref("oto_crm_whatsapp.ir_cron_oto_whatsapp_send")._trigger()
        return message

    def action_oto_send_whatsapp(self):
        """The WhatsApp icon beside the order's mobile (seed 004): a
        marketing message about this one order."""
        self.ensure_one()
        return self.env["oto.whatsapp.composer"]._open(self)
