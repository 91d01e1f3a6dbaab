# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        """Marketing from POS orders: one email per address, never to a
        customer who refused marketing emails; an address without a customer
        gets one."""
        if self.model == "pos.order":
            orders = self.env["pos.order"].browse(res_ids)
            res_ids, skipped = orders._oto_marketing_recipients()
            if not res_ids:
                raise UserError(
                    self.env._(
                        "Nothing to send: %(reasons)s.",
                        reasons=", ".join(
                            f"{count} {reason}" for reason, count in skipped.items()
                        ),
                    )
                )
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)
