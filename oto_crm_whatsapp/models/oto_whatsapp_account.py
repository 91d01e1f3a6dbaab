# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

SECRET_GROUP = "base.group_system"


class OtoWhatsappAccount(models.Model):
    _name = "oto.whatsapp.account"
    _description = "WhatsApp Business account"
    _inherit = ["mail.thread"]
    _order = "name, id"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    phone_number_id = fields.Char(
        string="Phone number ID",
        required=True,
        tracking=True,
        help="The ID of the sending phone number in Meta's WhatsApp Manager "
        "(not the phone number itself).",
    )
    business_account_id = fields.Char(
        string="Business account ID",
        required=True,
        tracking=True,
        help="The WhatsApp Business Account (WABA) ID: templates live there.",
    )
    api_version = fields.Char(
        string="Graph API version", default="v21.0", required=True
    )
    access_token = fields.Char(
        groups=SECRET_GROUP,
        copy=False,
        help="A permanent system-user token with whatsapp_business_messaging "
        "and whatsapp_business_management permissions.",
    )
    app_secret = fields.Char(
        groups=SECRET_GROUP,
        copy=False,
        help="The Meta app's secret: webhooks are accepted only when signed with it.",
    )
    webhook_verify_token = fields.Char(
        groups=SECRET_GROUP,
        copy=False,
        help="The token Meta sends back when you register the webhook URL.",
    )

    _sql_constraints = [
        (
            "phone_number_id_uniq",
            "unique(phone_number_id)",
            "This phone number ID is already used by another WhatsApp account.",
        ),
    ]

    @api.constrains("phone_number_id", "business_account_id")
    def _check_ids(self):
        for account in self:
            for value in (account.phone_number_id, account.business_account_id):
                if not re.fullmatch(r"\d{5,25}", value or ""):
                    raise ValidationError(
                        self.env._(
                            "'%(value)s' is not a Meta ID: it has only digits, "
                            "as shown in WhatsApp Manager.",
                            value=value,
                        )
                    )

    @api.constrains("api_version")
    def _check_api_version(self):
        for account in self:
            if not re.fullmatch(r"v\d{1,2}\.\d", account.api_version or ""):
                raise ValidationError(
                    self.env._(
                        "The Graph API version looks like 'v21.0', not '%(version)s'.",
                        version=account.api_version,
                    )
                )
