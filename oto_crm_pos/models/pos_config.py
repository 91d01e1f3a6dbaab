# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    oto_store_id = fields.Many2one(
        "oto.store",
        string="Oto store",
        index="btree_not_null",
        check_company=True,
        help="The store whose sellers assist at this point of sale.",
    )
    oto_receipt_whatsapp = fields.Boolean(
        string="WhatsApp receipts",
        help="Send receipts by WhatsApp from the receipt screen; the number "
        "typed is saved on the customer.",
    )
    oto_whatsapp_receipt_ready = fields.Boolean(
        compute="_compute_oto_whatsapp_receipt_ready",
        help="WhatsApp receipts can be sent: Oto CRM - WhatsApp is installed "
        "and a receipt template is chosen.",
    )
    oto_consent_text = fields.Text(
        string="Consent text",
        translate=True,
        default=lambda self: self._oto_default_consent_text(),
        help="What the cashier reads or shows to the customer when recording "
        "their marketing consent; kept in the consent ledger as proof.",
    )

    @api.model
    def _oto_default_consent_text(self):
        return self.env._(
            "I agree to receive offers and news from the store by the channels "
            "ticked. I can stop at any time by replying STOP or asking at the "
            "store."
        )

    def _compute_oto_whatsapp_receipt_ready(self):
        # oto_crm_pos_whatsapp (with oto_crm_whatsapp) sends them.
        self.oto_whatsapp_receipt_ready = False

    def _oto_receipt_channels(self):
        """The receipt channels usable at this point of sale."""
        self.ensure_one()
        channels = {"email"}
        if self.module_pos_sms and hasattr(
            self.env["pos.order"], "action_sent_message_on_sms"
        ):
            channels.add("sms")
        if self.oto_receipt_whatsapp and self.oto_whatsapp_receipt_ready:
            channels.add("whatsapp")
        return channels
