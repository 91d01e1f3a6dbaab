# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    @api.model
    def _find_allowed_model_wise(self, doc_model, doc_dict):
        """Searching messages: a cashier does not find the chatter of
        customers in wallets they do not work (see res.partner)."""
        allowed = super()._find_allowed_model_wise(doc_model, doc_dict)
        if doc_model != "res.partner" or not allowed:
            return allowed
        kept = self.env["res.partner"]._oto_messages_kept_from_cashier(doc_dict)
        return allowed - {mid for pid in kept for mid in doc_dict[pid]}
