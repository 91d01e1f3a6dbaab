# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        """Marketing from POS orders: one email per address, to the customers
        the consent gate allows; an address without a customer gets one."""
        if self.model == "pos.order":
            orders = self.env["pos.order"].browse(res_ids)
            res_ids, skipped = orders._oto_marketing_recipients()
            if not res_ids:
                self._oto_nothing_to_send(skipped)
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)
