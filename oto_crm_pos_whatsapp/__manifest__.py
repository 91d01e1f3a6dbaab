# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Oto CRM - POS WhatsApp",
    "summary": "WhatsApp receipts at the counter, WhatsApp marketing from POS orders",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/oto-crm/oto-crm-odoo",
    "author": "Oto CRM for Odoo contributors",
    "maintainers": ["oto-crm"],
    "license": "LGPL-3",
    "images": ["static/description/banner.png"],
    "auto_install": True,
    "depends": ["oto_crm_pos", "oto_crm_whatsapp"],
    "external_dependencies": {"python": []},
    "data": [
        "data/ir_actions_server.xml",
        "views/pos_order_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "oto_crm_pos_whatsapp/static/tests/tours/**/*",
        ],
    },
}
