# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    oto_store_id = fields.Many2one(
        "oto.store",
        string="Oto store",
        index="btree_not_null",
        check_company=True,
        help="The store whose sellers assist at this point of sale.",
    )
