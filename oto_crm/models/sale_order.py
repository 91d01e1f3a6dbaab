# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    oto_seller_id = fields.Many2one(
        "oto.seller",
        string="Store seller",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        help="The store seller credited with this sale (wallet, results).",
    )
    oto_store_id = fields.Many2one(
        "oto.store",
        string="Store",
        compute="_compute_oto_store_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
    )
    oto_channel = fields.Selection(
        [("store", "Store"), ("online", "Online")],
        string="Sales channel",
        default="store",
        help="Online orders carrying a seller code count for that seller.",
    )

    @api.depends("oto_seller_id")
    def _compute_oto_store_id(self):
        for order in self:
            if order.oto_seller_id:
                order.oto_store_id = order.oto_seller_id.store_id
