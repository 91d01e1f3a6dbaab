# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.oto_crm.tools.demo_brand import BRAND, STORES


class OtoDemo(models.AbstractModel):
    _inherit = "oto.demo"

    @api.model
    def _generate_pos_demo(self):
        """The brand's first store gets a point of sale of its own, in the
        brand's company and currency, selling the brand's products (by
        their categories), not Odoo's demo furniture."""
        store = self.env["oto.store"].search([("code", "=", STORES[0][0])], limit=1)
        if not store or self.env["pos.config"].search_count(
            [("oto_store_id", "=", store.id)], limit=1
        ):
            return
        company = store.company_id
        self = self.with_company(company)
        templates = self.env["product.template"].search(
            [("categ_id.parent_id.name", "=", BRAND)]
        )
        categories = {}
        for category in templates.categ_id.sorted("name"):
            categories[category] = self.env["pos.category"].create(
                {"name": category.name, "sequence": len(categories) + 1}
            )
        for template in templates:
            template.write(
                {
                    "available_in_pos": True,
                    "pos_categ_ids": [
                        fields.Command.set(categories[template.categ_id].ids)
                    ],
                }
            )
        Config = self.env["pos.config"]
        journal, payment_methods = Config._create_journal_and_payment_methods(
            cash_journal_vals={
                "name": f"Caixa {store.name}",
                "show_on_dashboard": False,
            }
        )
        categ_ids = [category.id for category in categories.values()]
        Config.create(
            {
                "name": store.name,
                "company_id": company.id,
                "journal_id": journal.id,
                "payment_method_ids": [fields.Command.set(payment_methods)],
                "oto_store_id": store.id,
                "limit_categories": True,
                "iface_available_categ_ids": [fields.Command.set(categ_ids)],
            }
        )
