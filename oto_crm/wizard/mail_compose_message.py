# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError

# Set in the context by Oto's own marketing screens (the customers' lists, the
# POS orders' "Send email"): their mass emails go through the consent gate.
OTO_MARKETING = "oto_marketing"

# How a refusal of the consent gate shows on the cancelled mail (and on
# Email Marketing's trace).
FAILURE_TYPES = {
    "optout": "mail_optout",
    "blacklisted": "mail_bl",
    "no_email": "mail_email_missing",
}


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    # ------------------------------------------------------------ actions

    def action_send_mail(self):
        """Oto's marketing to customers: say why when no one may receive it
        (before anything is made)."""
        for wizard in self:
            if wizard.composition_mode != "mass_mail" or wizard.model != "res.partner":
                continue
            res_ids = wizard._oto_res_ids()
            gated = wizard._oto_gated_partners(res_ids)
            if not gated or len(gated) < len(res_ids):
                continue
            refused = self.env["oto.consent.gate"]._refusals(
                gated, "email", "marketing"
            )
            if len(refused) == len(gated):
                reasons = {}
                for reason in refused.values():
                    reasons[reason] = reasons.get(reason, 0) + 1
                self._oto_nothing_to_send(reasons)
        return super().action_send_mail()

    # ----------------------------------------------------------- business

    def _oto_res_ids(self):
        self.ensure_one()
        if self.res_domain:
            return self.env[self.model].search(self._evaluate_res_domain()).ids
        return self._evaluate_res_ids()

    def _oto_gated_partners(self, res_ids):
        """Those of the contacts ``res_ids`` that Oto's consent gate decides
        for this mass email: all of them from Oto's own marketing screens,
        the customers of the stores' wallets when an Oto user sends; none
        otherwise (Odoo's mass email as it is, apart from the customers who
        refused marketing emails: see ``_get_optout_emails``)."""
        self.ensure_one()
        Partner = self.env["res.partner"].with_context(active_test=False)
        if self.model != "res.partner" or self.composition_mode != "mass_mail":
            return Partner
        if self.env.context.get(OTO_MARKETING):
            return Partner.browse(res_ids)
        if self.env.su or not self.env.user._has_group("oto_crm.oto_crm_group_seller"):
            return Partner
        return Partner.browse(
            Partner.sudo()
            .search([("id", "in", list(res_ids)), ("oto_store_id", "!=", False)])
            .ids
        )

    def _process_mail_values_state(self, mail_values_dict):
        """The customers the consent gate refuses get a cancelled mail, as
        Odoo does for a blacklisted address (Email Marketing counts it as a
        cancelled trace): the send itself goes on, never refused here (the
        mass mailing queue runs it)."""
        mail_values_dict = super()._process_mail_values_state(mail_values_dict)
        gated = self._oto_gated_partners(list(mail_values_dict))
        gate = self.env["oto.consent.gate"]
        if self.model == "res.partner" and self.composition_mode == "mass_mail":
            # A customer who refused marketing emails gets none from any
            # mass email to contacts, whoever sends it and whether or not
            # the sender kept Odoo's exclusion list.
            refused = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search(
                    [
                        (
                            "id",
                            "in",
                            [i for i in mail_values_dict if i not in gated.ids],
                        ),
                        ("oto_optout_email", "=", True),
                    ]
                )
            )
            for res_id in refused.ids:
                values = mail_values_dict[res_id]
                if values.get("state") != "cancel":
                    values.update(
                        state="cancel",
                        failure_type="mail_optout",
                        failure_reason=gate._reason("optout", "email"),
                        is_notification=False,
                    )
        if not gated:
            return mail_values_dict
        codes = gate._refusal_codes(gated, "email", "marketing")
        for res_id, code in codes.items():
            values = mail_values_dict[res_id]
            if values.get("state") == "cancel":
                continue
            values.update(
                state="cancel",
                failure_type=FAILURE_TYPES.get(code, "unknown"),
                failure_reason=gate._reason(code, "email"),
                is_notification=False,
            )
        return mail_values_dict

    def _get_optout_emails(self, mail_values_dict):
        """A customer who refused marketing emails (Oto's consent ledger)
        is an opted-out address for every mass email that keeps Odoo's
        exclusion list, whoever sends it."""
        optout = super()._get_optout_emails(mail_values_dict)
        if not self.use_exclusion_list or not mail_values_dict:
            return optout
        recipients = self._get_recipients_data(mail_values_dict)
        emails = {
            email
            for info in recipients.values()
            for email in info["mail_to_normalized"]
            if email
        }
        if not emails:
            return optout
        refused = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("email_normalized", "in", list(emails)),
                    ("oto_optout_email", "=", True),
                ]
            )
        )
        # (Odoo's own list may be a list or a set, depending on the model.)
        return [*optout, *(set(refused.mapped("email_normalized")) - set(optout))]

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
