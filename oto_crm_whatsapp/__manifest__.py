# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Oto CRM - WhatsApp Business",
    "summary": "WhatsApp Business Cloud API channel for Oto CRM",
    "version": "18.0.1.2.0",
    "category": "Marketing",
    "website": "https://github.com/oto-crm/oto-crm-odoo",
    "author": "Oto CRM for Odoo contributors",
    "maintainers": ["oto-crm"],
    "license": "LGPL-3",
    "images": ["static/description/banner.png"],
    "depends": ["oto_crm", "mail"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "security/oto_crm_whatsapp_security.xml",
        "data/ir_cron_data.xml",
        "views/oto_whatsapp_template_views.xml",
        "views/oto_whatsapp_event_views.xml",
        "views/oto_whatsapp_account_views.xml",
        "views/res_partner_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "oto_crm_whatsapp/static/src/my_day/*",
        ],
    },
}
