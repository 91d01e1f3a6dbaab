# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from odoo.addons.oto_crm.wizard.mail_compose_message import OTO_MARKETING

# {composer id: the orders it sends to}, decided when the user sends.
RECIPIENTS = "oto_pos_marketing_recipients"


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    def action_send_mail(self):
        """Marketing from POS orders (Oto's "Send email" on orders): one
        email per address, to the customers the consent gate allows; an
        address without a customer gets one. Decided here, when the user
        sends, and said when no one is left; Odoo's composer then sends to
        those orders as it does."""
        if not self.env.context.get(OTO_MARKETING):
            return super().action_send_mail()
        recipients = {}
        for wizard in self:
            if wizard.composition_mode != "mass_mail" or wizard.model != "pos.order":
                continue
            orders = self.env["pos.order"].browse(wizard._oto_res_ids())
            res_ids, skipped = orders._oto_marketing_recipients()
            if not res_ids:
                self._oto_nothing_to_send(skipped)
            recipients[wizard.id] = res_ids
        return super(
            MailComposeMessage, self.with_context(**{RECIPIENTS: recipients})
        ).action_send_mail()

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        chosen = self.env.context.get(RECIPIENTS) or {}
        if self.model == "pos.order" and self.id in chosen:
            res_ids = chosen[self.id]
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)
