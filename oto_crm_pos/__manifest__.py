# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Oto CRM - Point of Sale",
    "summary": "POS orders feed the Oto CRM wallets: assisting seller, store, contacts",
    "version": "18.0.1.3.0",
    "category": "Sales/Point of Sale",
    "website": "https://github.com/oto-crm/oto-crm-odoo",
    "author": "Oto CRM for Odoo contributors",
    "maintainers": ["oto-crm"],
    "license": "LGPL-3",
    "auto_install": True,
    "depends": ["oto_crm", "point_of_sale"],
    "uninstall_hook": "uninstall_hook",
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/ir.model.access.csv",
        "security/oto_crm_pos_security.xml",
        "views/pos_config_views.xml",
        "views/res_config_settings_views.xml",
        "views/oto_consent_views.xml",
        "views/pos_order_views.xml",
        "views/oto_store_views.xml",
    ],
    "assets": {
        "point_of_sale._assets_pos": [
            "oto_crm_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "oto_crm_pos/static/tests/tours/**/*",
        ],
    },
    "demo": [
        "demo/oto_crm_pos_demo.xml",
    ],
}
