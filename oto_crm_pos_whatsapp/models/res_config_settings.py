# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pos_oto_whatsapp_receipt_template_id = fields.Many2one(
        related="pos_config_id.oto_whatsapp_receipt_template_id", readonly=False
    )
