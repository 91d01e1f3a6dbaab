# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL


class OtoConsentGate(models.AbstractModel):
    _inherit = "oto.consent.gate"

    @api.model
    def _refusal_rules(self, alias, channel, purpose):
        rules = super()._refusal_rules(alias, channel, purpose)
        if channel == "whatsapp":
            rules.append(
                (
                    "not_on_whatsapp",
                    SQL(
                        "COALESCE(%s, FALSE)",
                        SQL.identifier(alias, "oto_whatsapp_unavailable"),
                    ),
                )
            )
        return rules

    @api.model
    def _reason(self, code, channel):
        if code == "not_on_whatsapp":
            return self.env._("number not on WhatsApp")
        return super()._reason(code, channel)
