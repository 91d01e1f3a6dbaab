# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    oto_cart_opportunities = fields.Boolean(
        related="company_id.oto_cart_opportunities", readonly=False
    )
