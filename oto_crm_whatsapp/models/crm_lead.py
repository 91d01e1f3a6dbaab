# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def action_oto_whatsapp(self):
        """WhatsApp from the subject through the Cloud API when the company
        has an account and an approved template for subjects; otherwise the
        seller's own WhatsApp (wa.me)."""
        self._oto_whatsapp_partner()
        templates = self.env["oto.whatsapp.template"].search(
            [
                ("model", "=", "crm.lead"),
                ("status", "=", "approved"),
                ("account_id.state", "!=", "paused"),
                ("company_id", "in", [self.company_id.id or self.env.company.id]),
            ],
            limit=1,
        )
        if not templates:
            return super().action_oto_whatsapp()
        return self.env["oto.whatsapp.composer"]._open(self, templates)
