# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    oto_whatsapp_receipt_template_id = fields.Many2one(
        "oto.whatsapp.template",
        string="WhatsApp receipt template",
        domain="[('model', '=', 'pos.order'), ('status', '=', 'approved')]",
        help="An approved template that applies to POS orders (category "
        "Utility), sent to the number typed on the receipt screen.",
    )

    @api.depends(
        "oto_receipt_whatsapp",
        "oto_whatsapp_receipt_template_id.status",
        "oto_whatsapp_receipt_template_id.account_id.state",
    )
    def _compute_oto_whatsapp_receipt_ready(self):
        # Cashiers load this flag without access to the WhatsApp set-up.
        for config in self:
            template = config.sudo().oto_whatsapp_receipt_template_id
            config.oto_whatsapp_receipt_ready = bool(
                config.oto_receipt_whatsapp
                and template.status == "approved"
                and template.account_id.state != "paused"
            )
