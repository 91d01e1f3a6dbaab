# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    oto_whatsapp_unavailable = fields.Boolean(
        string="Not on WhatsApp",
        tracking=True,
        help="Meta said this number cannot receive WhatsApp messages (131026).",
    )
    oto_whatsapp_last_inbound = fields.Datetime(
        string="Last WhatsApp message received",
        readonly=True,
        help="Free text may be sent within the service window after it.",
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
        """Within the customer service window: the customer wrote less than
        the account's window (24 hours) ago."""
        self.ensure_one()
        last = self.oto_whatsapp_last_inbound
        return bool(
            last
            and fields.Datetime.now() - last < timedelta(hours=account.window_hours)
        )


class OtoConsent(models.Model):
    _inherit = "oto.consent"

    source = fields.Selection(
        selection_add=[("whatsapp_api", "WhatsApp (reported by Meta)")],
        # Uninstalled, the proof stays: its entries keep the closest source.
        ondelete={"whatsapp_api": "set whatsapp_keyword"},
    )
