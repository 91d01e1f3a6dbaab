# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_oto_store_id = fields.Many2one(
        related="pos_config_id.oto_store_id", readonly=False
    )
    pos_oto_receipt_whatsapp = fields.Boolean(
        related="pos_config_id.oto_receipt_whatsapp", readonly=False
    )
    pos_oto_whatsapp_receipt_ready = fields.Boolean(
        related="pos_config_id.oto_whatsapp_receipt_ready"
    )
    pos_oto_consent_text = fields.Text(
        related="pos_config_id.oto_consent_text", readonly=False
    )
    oto_whatsapp_installed = fields.Boolean(compute="_compute_oto_whatsapp_installed")

    def _compute_oto_whatsapp_installed(self):
        installed = "oto.whatsapp.template" in self.env
        for settings in self:
            settings.oto_whatsapp_installed = installed
