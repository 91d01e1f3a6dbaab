# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class OtoStore(models.Model):
    _inherit = "oto.store"

    pos_config_ids = fields.One2many(
        "pos.config",
        "oto_store_id",
        string="Points of sale",
        groups="point_of_sale.group_pos_user",
        help="Paid orders of these points of sale count as purchases in this store.",
    )
