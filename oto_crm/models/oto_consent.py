# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

CHANNELS = [
    ("whatsapp", "WhatsApp"),
    ("sms", "SMS"),
    ("call", "Phone call"),
    ("email", "Email"),
]
PHONE_CHANNELS = ("whatsapp", "sms", "call")

SOURCES = [
    ("pos", "Point of sale"),
    ("app", "Seller app"),
    ("seller_outcome", "Contact outcome"),
    ("manager", "Manager"),
    ("qr", "QR code"),
    ("whatsapp_keyword", "WhatsApp keyword"),
    ("import", "Import"),
    ("api", "API"),
]


class OtoConsent(models.Model):
    """The consent ledger (LGPD): every grant or revocation of a customer's
    consent to be contacted on a channel, with who, when, where and why.
    Append-only: a change is a new entry; the customer's current state per
    channel (``res.partner.oto_optout_*``) follows the latest entry."""

    _name = "oto.consent"
    _description = "Consent ledger entry"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    channel = fields.Selection(CHANNELS, required=True)
    purpose = fields.Selection(
        [("marketing", "Offers and news"), ("relationship", "Relationship")],
        default="marketing",
        required=True,
    )
    granted = fields.Boolean(help="Granted (opt-in) or revoked (opt-out).")
    source = fields.Selection(SOURCES, required=True)
    reason = fields.Char()
    text_shown = fields.Text(
        help="The words the customer saw or heard when giving or refusing "
        "consent: the proof."
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        default=lambda self: self.env.user,
        readonly=True,
    )

    def write(self, vals):
        if self:
            raise UserError(
                self.env._(
                    "The consent ledger keeps proof: an entry cannot be changed. "
                    "Record a new grant or revocation instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_except_proof(self):
        if not self.env.is_superuser():
            raise UserError(
                self.env._(
                    "The consent ledger keeps proof: an entry cannot be deleted."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        entries = super().create(vals_list)
        entries._apply_to_customers()
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for entry in entries:
            self.env["oto.audit"]._log(
                "consent",
                self.env._(
                    "%(channel)s: %(state)s (%(reason)s)",
                    channel=channels[entry.channel],
                    state=self.env._("granted")
                    if entry.granted
                    else self.env._("revoked"),
                    reason=entry.reason or entry.source,
                ),
                partner=entry.partner_id,
                company=entry.company_id,
            )
        return entries

    def _apply_to_customers(self):
        """The customers' current state per channel follows these entries."""
        # The latest entry per customer and channel decides; one write per
        # (channel, state) for all the customers concerned.
        latest = {}
        for entry in self.sorted(lambda e: (e.date, e.id)):
            latest[(entry.partner_id, entry.channel)] = not entry.granted
        groups = {}
        for (partner, channel), optout in latest.items():
            key = (channel, optout)
            groups[key] = groups.get(key, partner.browse()) | partner
        for (channel, optout), partners in groups.items():
            partners.sudo().with_context(oto_consent_ledger=True).write(
                {f"oto_optout_{channel}": optout}
            )
