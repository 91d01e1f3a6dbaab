# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The consent gate: whether a customer may be contacted on a channel for a
purpose, and why not.

Every path that contacts a customer asks it: the seller's WhatsApp, SMS and
call buttons, the WhatsApp composer (one record or many) and the WhatsApp
queue when it sends, receipts and marketing from the Point of Sale, mass
emails, opportunities pushed by the API and the daily campaign generation.

The rule is written once, as one SQL expression (``_refusal_sql``) that
gives the first reason to refuse, or NULL: set-based work (the campaign
generation, the queue) puts it in its query, and ``_refusals`` runs it for
a set of customers. It reads what the consent ledger keeps on the customer
(the latest grant or revocation per channel), the phone's validity and the
channel's own states; bridges add theirs with ``_refusal_rules``.

Purposes:

- ``marketing``: offers, campaigns, a seller's contact, anything the
  customer did not ask for right now;
- ``transactional``: what the customer asked for (a receipt at the
  counter). A refused phone channel is refused for it too; a refusal of
  marketing emails (the only thing the email channel's consent is about)
  does not stop a receipt by email.
"""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .oto_consent import PHONE_CHANNELS

PURPOSES = ("marketing", "transactional")


class OtoConsentGate(models.AbstractModel):
    _name = "oto.consent.gate"
    _description = "Consent gate"

    # --------------------------------------------------------------- rule

    @api.model
    def _refusal_rules(self, alias, channel, purpose):
        """``[(reason code, SQL condition that refuses)]`` for the customer
        row ``alias`` (a ``res_partner``), the first that holds wins."""
        p = SQL.identifier(alias)
        rules = [("archived", SQL("NOT COALESCE(%s.active, FALSE)", p))]
        if purpose == "marketing":
            # The database's own users (employees, the brand's admins) get
            # no offers through the customers' channels.
            rules.append(("internal", SQL("NOT COALESCE(%s.partner_share, TRUE)", p)))
        if channel in PHONE_CHANNELS:
            rules += [
                ("no_phone", SQL("%s.oto_phone_e164 IS NULL", p)),
                ("phone_invalid", SQL("COALESCE(%s.oto_phone_invalid, FALSE)", p)),
                (
                    "optout",
                    SQL(
                        "COALESCE(%s, FALSE)",
                        SQL.identifier(alias, f"oto_optout_{channel}"),
                    ),
                ),
            ]
        elif channel == "email":
            rules.append(("no_email", SQL("%s.email_normalized IS NULL", p)))
            if purpose == "marketing":
                rules += [
                    (
                        "blacklisted",
                        SQL(
                            "EXISTS (SELECT 1 FROM mail_blacklist b "
                            "WHERE b.email = %s.email_normalized AND b.active)",
                            p,
                        ),
                    ),
                    ("optout", SQL("COALESCE(%s.oto_optout_email, FALSE)", p)),
                ]
        return rules

    @api.model
    def _check_arguments(self, channel, purpose):
        if channel not in (*PHONE_CHANNELS, "email") or purpose not in PURPOSES:
            raise ValueError(f"No consent rule for {channel!r} and {purpose!r}.")

    @api.model
    def _refusal_sql(self, alias, channel, purpose):
        """The reason code to refuse the customer row ``alias`` on
        ``channel`` for ``purpose``, or NULL when they may be contacted."""
        self._check_arguments(channel, purpose)
        rules = self._refusal_rules(alias, channel, purpose)
        return SQL(
            "CASE %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", condition, code) for code, condition in rules
            ),
        )

    @api.model
    def _allowed_sql(self, alias, channel, purpose):
        """A condition: the customer row ``alias`` may be contacted."""
        return SQL("(%s) IS NULL", self._refusal_sql(alias, channel, purpose))

    # ------------------------------------------------------------ asking

    @api.model
    def _flush(self):
        self.env["res.partner"].flush_model()
        self.env["mail.blacklist"].flush_model(["email", "active"])

    @api.model
    def _refusals(self, partners, channel, purpose):
        """``{customer: reason}`` (reason in the user's language) of those of
        ``partners`` who may not be contacted on ``channel`` for
        ``purpose``; the others are not in it."""
        codes = self._refusal_codes(partners, channel, purpose)
        return {
            partner: self._reason(code, channel)
            for partner in partners
            if (code := codes.get(partner._origin.id))
        }

    @api.model
    def _refusal_codes(self, partners, channel, purpose):
        """``{customer id: reason code}`` of the refused ones."""
        self._check_arguments(channel, purpose)
        ids = [pid for pid in partners._origin.ids if pid]
        if not ids:
            return {}
        self._flush()
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id, %s FROM res_partner p WHERE p.id = ANY(%s)",
                self._refusal_sql("p", channel, purpose),
                ids,
            )
        )
        return {pid: code for pid, code in rows if code}

    @api.model
    def _allowed(self, partners, channel, purpose):
        """Those of ``partners`` who may be contacted."""
        codes = self._refusal_codes(partners, channel, purpose)
        return partners.filtered(lambda p: p._origin.id and p._origin.id not in codes)

    @api.model
    def _check(self, partners, channel, purpose):
        """Raise a UserError with the reason when one of ``partners`` may not
        be contacted on ``channel`` for ``purpose``."""
        refused = self._refusals(partners, channel, purpose)
        if refused:
            partner, reason = next(iter(refused.items()))
            raise UserError(
                self.env._(
                    "%(customer)s cannot be contacted by %(channel)s: %(reason)s.",
                    customer=partner.display_name,
                    channel=self._channel_label(channel),
                    reason=reason,
                )
            )
        return True

    @api.model
    def _channel_label(self, channel):
        return dict(
            self.env["oto.consent"]._fields["channel"]._description_selection(self.env)
        ).get(channel, channel)

    @api.model
    def _reason(self, code, channel):
        """The reason code in the user's language."""
        optout = {
            "whatsapp": self.env._("asked not to receive WhatsApp messages"),
            "sms": self.env._("asked not to receive SMS"),
            "call": self.env._("asked not to be called"),
            "email": self.env._("refused marketing emails"),
        }
        return {
            "archived": self.env._("archived"),
            "internal": self.env._("a user of the database, not a customer"),
            "no_phone": self.env._("no valid phone number"),
            "phone_invalid": self.env._("number marked invalid"),
            "optout": optout.get(channel),
            "no_email": self.env._("no email address"),
            "blacklisted": self.env._("on the email blacklist"),
        }.get(code) or code
