# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OtoSeller(models.Model):
    _name = "oto.seller"
    _inherit = ["oto.seller", "pos.load.mixin"]

    @api.model
    def _load_pos_data_domain(self, data):
        """The active sellers of the point of sale's store: the ones a
        cashier can name as the assisting seller."""
        store_id = data["pos.config"]["data"][0]["oto_store_id"]
        return [("store_id", "=", store_id or False), ("active", "=", True)]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "name", "code"]
