# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        """A mass email to customers asks the consent gate: never to one who
        refused marketing emails (or without an address, or blacklisted)."""
        if self.model == "res.partner":
            partners = self.env["res.partner"].browse(res_ids)
            refused = self.env["oto.consent.gate"]._refusals(
                partners, "email", "marketing"
            )
            if refused:
                res_ids = [
                    pid for pid in res_ids if partners.browse(pid) not in refused
                ]
                if not res_ids:
                    reasons = {}
                    for reason in refused.values():
                        reasons[reason] = reasons.get(reason, 0) + 1
                    self._oto_nothing_to_send(reasons)
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)

    def _oto_nothing_to_send(self, reasons):
        """A mass email whose every recipient was left out: say why
        (``reasons``: {reason: count})."""
        raise UserError(
            self.env._(
                "Nothing to send: %(reasons)s.",
                reasons=", ".join(
                    f"{count} {reason}" for reason, count in reasons.items()
                ),
            )
        )
