# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

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
    ("data_request", "Data subject request"),
]


# What a caller may say about an entry; the rest (when, who, where from, the
# company) is the server's.
CLIENT_FIELDS = frozenset(
    ("partner_id", "channel", "purpose", "granted", "reason", "text_shown")
)


class OtoConsent(models.Model):
    """The consent ledger (LGPD Art. 8): every grant or revocation of a
    customer's consent to be contacted on a channel, with who, when, where
    and why. Append-only for everyone: a change is a new entry, an entry is
    never changed nor deleted (the customer's erasure keeps them, as proof
    that consent existed). The date, the user and the source are set by the
    server. The customer's current state per channel
    (``res.partner.oto_optout_*``) is the latest entry of the whole ledger."""

    _name = "oto.consent"
    _description = "Consent ledger entry"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        # The proof outlives nothing: a customer with entries is anonymized
        # (data subject request), not deleted.
        ondelete="restrict",
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
    source = fields.Selection(SOURCES, required=True, readonly=True)
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

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            # A caller (a screen, an RPC): only what the customer said.
            vals_list = self._prepare_client_values(vals_list)
        # When and who: always the server's clock and the signed-in user
        # (code running as superuser keeps the user it acts for).
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.update(date=now, user_id=self.env.uid)
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

    def write(self, vals):
        if self:
            raise AccessError(
                self.env._(
                    "The consent ledger keeps proof: an entry cannot be changed. "
                    "Record a new grant or revocation instead."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        # Not even as superuser: the ledger is the proof of consent.
        raise AccessError(
            self.env._("The consent ledger keeps proof: an entry cannot be deleted.")
        )

    # ------------------------------------------------------------- business

    @api.model
    def _client_source(self):
        """Where an entry recorded by hand comes from: the user's role."""
        if self.env.user.has_group("oto_crm.oto_crm_group_manager"):
            return "manager"
        return "app"

    @api.model
    def _prepare_client_values(self, vals_list):
        """The entries a caller records: only the customer, the channel, the
        purpose, the choice and its words; for a customer the user may read;
        the company is the customer's, the source the user's role."""
        forged = sorted({key for vals in vals_list for key in vals} - CLIENT_FIELDS)
        if forged:
            labels = [
                self._fields[key].get_description(self.env)["string"]
                if key in self._fields
                else key
                for key in forged
            ]
            raise UserError(
                self.env._(
                    "The consent ledger sets these itself: %(fields)s. Give only "
                    "the customer, the channel, the purpose, the choice and the "
                    "words the customer saw.",
                    fields=", ".join(labels),
                )
            )
        partners = self.env["res.partner"].browse(
            {vals.get("partner_id") for vals in vals_list if vals.get("partner_id")}
        )
        # Only a customer the user may see: an AccessError otherwise.
        partners.check_access("read")
        source = self._client_source()
        return [
            {
                **vals,
                "source": source,
                "company_id": (
                    self.env["res.partner"].browse(vals.get("partner_id")).company_id
                    or self.env.company
                ).id,
            }
            for vals in vals_list
        ]

    def _apply_to_customers(self):
        """The customers' current state per channel is the latest entry of
        the whole ledger for that customer and channel (not only of these
        entries: one recorded later may carry an earlier date)."""
        if not self:
            return
        self.flush_recordset()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT ON (partner_id, channel) partner_id, channel, granted
                  FROM oto_consent
                 WHERE partner_id = ANY(%s) AND channel = ANY(%s)
              ORDER BY partner_id, channel, date DESC, id DESC
                """,
                list(set(self.partner_id.ids)),
                list(set(self.mapped("channel"))),
            )
        )
        touched = {(entry.partner_id.id, entry.channel) for entry in self}
        groups = {}
        Partner = self.env["res.partner"].sudo()
        for partner_id, channel, granted in rows:
            if (partner_id, channel) in touched:
                groups.setdefault((channel, not granted), []).append(partner_id)
        for (channel, optout), partner_ids in groups.items():
            field = f"oto_optout_{channel}"
            partners = Partner.browse(partner_ids).filtered(
                lambda p, f=field, o=optout: bool(p[f]) != o
            )
            if partners:
                partners.with_context(oto_consent_ledger=True).write({field: optout})
