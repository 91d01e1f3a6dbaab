# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.oto_crm.tools.phone import PhoneError, normalize_phone


class ResPartner(models.Model):
    _inherit = "res.partner"

    oto_whatsapp_unavailable = fields.Boolean(
        string="Not on WhatsApp",
        tracking=True,
        help="Meta said this number cannot receive WhatsApp messages (131026).",
    )
    oto_whatsapp_last_inbound = fields.Datetime(
        string="Last WhatsApp message received",
        readonly=True,
        help="The customer's last message, on any of the brand's numbers (the "
        "service window is counted per number).",
    )
    oto_whatsapp_user_id = fields.Char(
        string="WhatsApp user ID",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="Meta's ID of the customer for this business (BR.1502...): it "
        "finds a customer who shows WhatsApp a username instead of a number.",
    )
    oto_whatsapp_username = fields.Char(
        string="WhatsApp username", readonly=True, copy=False
    )
    oto_whatsapp_new_number = fields.Char(
        string="New WhatsApp number",
        readonly=True,
        copy=False,
        help="WhatsApp said the customer changed to this number: a person "
        "checks it, then uses it.",
    )
    oto_whatsapp_message_ids = fields.One2many(
        "oto.whatsapp.message", "partner_id", string="WhatsApp messages"
    )

    # ------------------------------------------------- personal data (LGPD)

    def _oto_personal_data(self):
        sections = super()._oto_personal_data()
        partner = self.sudo()
        messages = (
            self.env["oto.whatsapp.message"]
            .sudo()
            .search([("partner_id", "=", partner.id)], order="id")
        )
        sections += [
            self._oto_section(
                "whatsapp",
                self.env._("WhatsApp"),
                partner,
                ("oto_whatsapp_unavailable", "oto_whatsapp_last_inbound"),
            ),
            self._oto_section(
                "whatsapp_messages",
                self.env._("WhatsApp messages"),
                messages,
                (
                    "create_date",
                    "direction",
                    "phone",
                    "template_id",
                    "body",
                    "variables",
                    "state",
                    "status_date",
                ),
            ),
        ]
        return sections

    def _oto_erasure_cancel_pending(self, request):
        done = super()._oto_erasure_cancel_pending(request)
        queued = (
            self.env["oto.whatsapp.message"]
            .sudo()
            .search([("partner_id", "=", self.id), ("state", "=", "queued")])
        )
        queued.write({"state": "cancelled"})
        done[self.env._("queued WhatsApp messages cancelled")] = len(queued)
        return done

    def _oto_erase_personal_data(self, request):
        done = super()._oto_erase_personal_data(request)
        messages = (
            self.env["oto.whatsapp.message"]
            .sudo()
            .search([("partner_id", "=", self.id)])
        )
        # Kept for the counts (sent, delivered, read), without their words.
        messages.write({"body": False, "variables": False, "phone": "-"})
        self.sudo().with_context(tracking_disable=True).write(
            {"oto_whatsapp_unavailable": False, "oto_whatsapp_last_inbound": False}
        )
        done[self.env._("WhatsApp messages emptied")] = len(messages)
        return done

    def _oto_whatsapp_window_open(self, account):
        """Within the customer service window of ``account``: the customer
        wrote to that number less than its window (24 hours) ago."""
        self.ensure_one()
        return self.id in self._oto_whatsapp_window_open_ids(account)

    @api.model
    def _oto_whatsapp_window_open_ids(self, account, partner_ids=None):
        """The customers (among ``partner_ids``, default ``self``) who wrote
        to ``account``'s number within its window."""
        ids = partner_ids if partner_ids is not None else self.ids
        if not ids:
            return set()
        since = fields.Datetime.now() - timedelta(hours=account.window_hours)
        self.env["oto.whatsapp.message"].flush_model(
            ["account_id", "partner_id", "direction", "status_date"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT partner_id FROM oto_whatsapp_message
                 WHERE direction = 'in' AND account_id = %s
                   AND partner_id = ANY(%s) AND status_date > %s
                """,
                account.id,
                list(ids),
                since,
            )
        )
        return {row[0] for row in rows}

    def action_oto_whatsapp_use_new_number(self):
        """A person checked the number WhatsApp proposed: it becomes the
        customer's mobile (the old one stays in the chatter)."""
        self._oto_check_number_rights()
        for partner in self:
            new = partner.oto_whatsapp_new_number
            if not new:
                continue
            try:
                normalize_phone(new)
            except PhoneError as exc:
                raise UserError(
                    self.env._("%(number)s is not a valid phone number.", number=new)
                ) from exc
            old = partner.mobile or partner.phone or "-"
            partner.sudo().write(
                {
                    "mobile": new,
                    "oto_whatsapp_new_number": False,
                    "oto_whatsapp_unavailable": False,
                }
            )
            partner.sudo().message_post(
                body=self.env._(
                    "WhatsApp number changed from %(old)s to %(new)s by %(user)s.",
                    old=old,
                    new=new,
                    user=self.env.user.name,
                )
            )
        return True

    def action_oto_whatsapp_dismiss_new_number(self):
        self._oto_check_number_rights()
        self.sudo().write({"oto_whatsapp_new_number": False})
        return True

    def _oto_check_number_rights(self):
        self.check_access("write")
        if not self.env.user.has_group("oto_crm.oto_crm_group_seller"):
            raise UserError(
                self.env._("Only the store's people change a customer's number.")
            )


class OtoConsent(models.Model):
    _inherit = "oto.consent"

    source = fields.Selection(
        selection_add=[("whatsapp_api", "WhatsApp (reported by Meta)")],
        # Uninstalled, the proof stays: its entries keep the closest source.
        ondelete={"whatsapp_api": "set whatsapp_keyword"},
    )
