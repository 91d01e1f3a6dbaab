# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OtoDemo(models.AbstractModel):
    _inherit = "oto.demo"

    @api.model
    def _generate_pos_demo(self):
        """Link the demo point of sale to the brand's first store."""
        store = self.env["oto.store"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        config = self.env.ref("point_of_sale.pos_config_main", raise_if_not_found=False)
        if store and config and not config.oto_store_id:
            config.oto_store_id = store
