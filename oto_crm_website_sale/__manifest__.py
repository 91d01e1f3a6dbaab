# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Oto CRM - eCommerce",
    "summary": "Abandoned carts of the online shop to the customers' sellers",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "website": "https://github.com/oto-crm/oto-crm-odoo",
    "author": "Oto CRM for Odoo contributors",
    "maintainers": ["oto-crm"],
    "license": "LGPL-3",
    "images": ["static/description/banner.png"],
    "auto_install": True,
    "depends": ["oto_crm", "website_sale"],
    "external_dependencies": {"python": []},
    "data": [
        "data/ir_cron_data.xml",
        "views/oto_suggestion_views.xml",
        "views/sale_order_views.xml",
        "views/res_config_settings_views.xml",
    ],
}
