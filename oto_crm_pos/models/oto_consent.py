# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OtoConsent(models.Model):
    _inherit = "oto.consent"

    pos_config_id = fields.Many2one(
        "pos.config", string="Point of sale", readonly=True, ondelete="set null"
    )
    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Assisting seller",
        readonly=True,
        ondelete="set null",
        help="The seller with the customer when consent was given at the counter.",
    )
