# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    oto_whatsapp_unavailable = fields.Boolean(
        string="Not on WhatsApp",
        tracking=True,
        help="Meta said this number cannot receive WhatsApp messages (131026).",
    )
    oto_whatsapp_last_inbound = fields.Datetime(
        string="Last WhatsApp message received",
        readonly=True,
        help="Free text may be sent within the service window after it.",
    )
    oto_whatsapp_message_ids = fields.One2many(
        "oto.whatsapp.message", "partner_id", string="WhatsApp messages"
    )

    def _oto_whatsapp_window_open(self, account):
        """Within the customer service window: the customer wrote less than
        the account's window (24 hours) ago."""
        self.ensure_one()
        last = self.oto_whatsapp_last_inbound
        return bool(
            last
            and fields.Datetime.now() - last < timedelta(hours=account.window_hours)
        )


class OtoConsent(models.Model):
    _inherit = "oto.consent"

    source = fields.Selection(
        selection_add=[("whatsapp_api", "WhatsApp (reported by Meta)")],
        ondelete={"whatsapp_api": "cascade"},
    )
