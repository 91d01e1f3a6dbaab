# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Oto CRM - Retail Clienteling",
    "summary": "Stores, sellers and customer wallets: retail clienteling in Odoo",
    "version": "18.0.1.3.0",
    "category": "Sales/CRM",
    "website": "https://github.com/oto-crm/oto-crm-odoo",
    "author": "Oto CRM for Odoo contributors",
    "maintainers": ["oto-crm"],
    "license": "LGPL-3",
    "application": True,
    "depends": ["sale_crm", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers", "requests"]},
    "data": [
        "security/oto_crm_groups.xml",
        "security/ir.model.access.csv",
        "security/oto_crm_security.xml",
        "data/oto_rfv_segment_data.xml",
        "data/ir_cron_data.xml",
        "views/oto_store_views.xml",
        "views/oto_seller_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/oto_purchase_views.xml",
        "views/oto_rfv_segment_views.xml",
        "views/oto_wallet_history_views.xml",
        "views/oto_campaign_views.xml",
        "views/oto_suggestion_views.xml",
        "views/oto_contact_views.xml",
        "views/oto_attribution_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/oto_wallet_assign_views.xml",
        "views/oto_crm_menus.xml",
    ],
    "demo": [
        "demo/oto_crm_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "oto_crm/static/src/scss/*.scss",
            "oto_crm/static/src/my_day/*",
            "oto_crm/static/src/results/*",
        ],
        "web.assets_tests": [
            "oto_crm/static/src/js/tours/*.js",
        ],
    },
}
