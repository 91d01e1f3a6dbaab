# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re
from datetime import timedelta

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .brand_time import brand_day, brand_timezone, brand_today, utc_start
from .oto_consent import PHONE_CHANNELS

# How far back a store manager or a brand admin may date a contact (to
# correct one); a seller records today's or yesterday's.
CORRECTION_DAYS = 30

# A phone's recording key: letters, digits and dashes (a UUID).
KEY_RE = re.compile(r"[A-Za-z0-9-]{8,64}")
REASONS = [
    ("number_invalid", "The number does not exist or failed"),
    ("no_whatsapp", "The number has no WhatsApp"),
    ("too_recent", "Last message too recent"),
    ("no_answer", "No answer yet"),
    ("declined", "Did not want to talk"),
    ("other", "Other"),
]


class OtoContact(models.Model):
    """A contact a seller made with a customer (atendimento), and its
    outcome. Recording it closes the suggestion and has the effects the
    brand relies on: a wrong number stops the suggestions, a reached
    customer rests for the quarantine, a follow-up becomes an activity."""

    _name = "oto.contact"
    _description = "Customer contact"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    seller_id = fields.Many2one(
        "oto.seller",
        index=True,
        check_company=True,
        default=lambda self: self.env["oto.seller"]._get_current_seller(),
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    suggestion_id = fields.Many2one(
        "oto.suggestion", check_company=True, index=True, ondelete="set null"
    )
    channel = fields.Selection(
        [
            ("whatsapp", "WhatsApp"),
            ("sms", "SMS"),
            ("call", "Phone call"),
            ("in_person", "In person"),
        ],
        required=True,
        default="whatsapp",
    )
    reached = fields.Selection(
        [("yes", "Yes"), ("no", "No")],
        string="Did you reach the customer?",
        required=True,
        default="yes",
    )
    reason = fields.Selection(REASONS, string="Why not")
    result = fields.Selection(
        [("positive", "Positive"), ("neutral", "Neutral"), ("negative", "Negative")],
        default="neutral",
    )
    notes = fields.Text()
    product_ids = fields.Many2many(
        "product.product", string="Products offered", check_company=True
    )
    followup_date = fields.Date(
        string="Follow up on", help="Creates a to-do for the seller that day."
    )
    consent = fields.Selection(
        [
            ("granted", "Agreed to receive messages"),
            ("revoked", "Asked not to receive messages"),
        ],
        string="Consent captured",
    )
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")
    message_sent = fields.Text(
        string="Message",
        help="The text the seller sent (after their review and edits).",
    )
    # The phone's key for one recording: a retry of the same save (a double
    # tap, a connection lost before the answer) finds this contact instead
    # of recording it twice.
    client_key = fields.Char(readonly=True, copy=False, index="btree_not_null")

    _sql_constraints = [
        (
            "client_key_unique",
            "UNIQUE (client_key)",
            "This contact was already recorded.",
        )
    ]

    @api.constrains("reached", "reason")
    def _check_reason(self):
        for contact in self:
            if contact.reached == "no" and not contact.reason:
                raise ValidationError(
                    self.env._(
                        "Tell why the customer was not reached: it decides when "
                        "(and whether) the customer is suggested again."
                    )
                )

    def _check_date_by_user(self):
        """A contact is never dated in the future; a seller dates it today or
        yesterday (a contact back-dated further would take the credit of a
        sale made before it), a store manager or a brand admin within
        CORRECTION_DAYS days. Checked for people, not for the server's own
        work (imports, demo data)."""
        now = fields.Datetime.now()
        manager = self.env.user.has_group("oto_crm.oto_crm_group_manager")
        days = CORRECTION_DAYS if manager else 1
        earliest = utc_start(
            brand_today(self.env) - timedelta(days=days), brand_timezone(self.env)
        )
        for contact in self:
            if contact.date > now:
                raise ValidationError(
                    self.env._("A contact cannot be dated in the future.")
                )
            if contact.date < earliest and manager:
                raise ValidationError(
                    self.env._(
                        "A store manager or a brand admin may date a contact at "
                        "most %(days)s days back.",
                        days=CORRECTION_DAYS,
                    )
                )
            if contact.date < earliest:
                raise ValidationError(
                    self.env._(
                        "A contact is dated today or yesterday: ask your store "
                        "manager to record an older one."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        Suggestion = self.env["oto.suggestion"]
        if not self.env.su:
            # Effects on a customer (consent, rest) only for one the user
            # may see.
            self.env["res.partner"].browse(
                {v["partner_id"] for v in vals_list if v.get("partner_id")}
            ).check_access("read")
        for vals in vals_list:
            if vals.get("reached") == "yes":
                vals["reason"] = False
            if (
                "message_sent" not in vals
                and vals.get("suggestion_id")
                and vals.get("channel") in ("whatsapp", "sms")
            ):
                vals["message_sent"] = Suggestion.browse(vals["suggestion_id"]).message
        contacts = super().create(vals_list)
        if not self.env.su:
            contacts._check_date_by_user()
            contacts._check_suggestion_by_user()
        for contact in contacts:
            contact._apply_outcome()
        return contacts

    def write(self, vals):
        result = super().write(vals)
        if "date" in vals and not self.env.su:
            self._check_date_by_user()
        if "suggestion_id" in vals and not self.env.su:
            self._check_suggestion_by_user()
        return result

    def _check_suggestion_by_user(self):
        """A contact works a suggestion the user may work, of its own
        customer and seller: never closes a colleague's suggestion."""
        for contact in self.filtered("suggestion_id"):
            suggestion = contact.suggestion_id
            suggestion.check_access("write")
            if (
                suggestion.sudo().partner_id != contact.partner_id
                or suggestion.sudo().seller_id not in (contact.seller_id, False)
            ):
                raise AccessError(
                    self.env._(
                        "A contact works a suggestion of its own customer and "
                        "seller: nothing was recorded."
                    )
                )

    def _apply_outcome(self):
        """The effects of the outcome on the customer, the suggestion and the
        seller's to-dos."""
        self.ensure_one()
        partner = self.partner_id.sudo()
        # The contact's day (a contact may be recorded after the fact).
        today = min(brand_day(self.env, self.date), brand_today(self.env))
        source = "seller_outcome"
        if self.reason == "number_invalid":
            reason = self.env._("Contact outcome: the number does not exist or failed")
            partner._oto_set_consent(PHONE_CHANNELS, False, source, reason)
            partner._oto_mark_phone_invalid(reason)
        elif self.reason == "no_whatsapp":
            # The number exists (SMS and calls reach it): WhatsApp only.
            reason = self.env._("Contact outcome: the number has no WhatsApp")
            partner._oto_set_consent(["whatsapp"], False, source, reason)
        if self.consent and self.channel in PHONE_CHANNELS:
            partner._oto_set_consent(
                [self.channel],
                self.consent == "granted",
                "app",
                self.env._(
                    "Captured by %(seller)s during a contact",
                    seller=self.seller_id.name,
                ),
            )
        values = {"oto_last_contact": self.date}
        interval = partner._oto_compute_contact_interval(extra=self)
        values["oto_contact_interval"] = interval
        if self.reached == "yes" or self.reason == "too_recent":
            values["oto_quarantine_until"] = today + timedelta(days=interval)
        partner.write(values)
        # The contact's own links are the server's to set (a seller creates
        # contacts, never edits them).
        contact = self.sudo()
        suggestion = contact.suggestion_id
        if not suggestion:
            # A contact the seller started (the wallet, the customer's
            # profile): a suggestion of its own, done, so that it counts in
            # the day's work, the results and the attribution like the others.
            suggestion = (
                self.env["oto.suggestion"]
                .sudo()
                .create(
                    {
                        "type": "contact",
                        "partner_id": partner.id,
                        "seller_id": contact.seller_id.id,
                        "store_id": contact.seller_id.store_id.id,
                        "company_id": contact.company_id.id,
                        "date": today,
                    }
                )
            )
            contact.suggestion_id = suggestion
        suggestion.sudo().write(
            {
                "state": "done",
                "result": self.result
                if self.reached == "yes"
                else "negative"
                if self.reason in ("number_invalid", "no_whatsapp", "declined")
                else "neutral",
            }
        )
        if self.followup_date:
            # The seller's own login; a seller of the shared device has none,
            # and the device's login is everyone's: their store's manager
            # follows up, the to-do says for whom (without a manager, the
            # date stays on the contact).
            own = self.seller_id.user_id
            user = own or self.seller_id.store_id.manager_ids[:1]
            if user:
                summary = self.env._(
                    "Follow up with %(customer)s", customer=partner.name
                )
                if not own:
                    summary = self.env._(
                        "%(summary)s (for %(seller)s)",
                        summary=summary,
                        seller=self.seller_id.name,
                    )
                contact.activity_id = partner.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=self.followup_date,
                    summary=summary,
                    note=self.notes or False,
                    user_id=user.id,
                )

    # ----------------------------------------------------- seller's phone

    @api.model
    def _oto_by_key(self, key, record=None):
        """The contact a phone already recorded with ``key`` (a retry) about
        ``record`` (the suggestion, or the customer of a contact without
        one). A key already used about anything else is refused: nobody
        reads another's contact, nor makes a phone's waiting contact look
        recorded, with its key."""
        if not key:
            return self.browse()
        if not isinstance(key, str) or not KEY_RE.fullmatch(key):
            raise UserError(self.env._("This recording has an invalid key."))
        existing = self.sudo().search([("client_key", "=", key)], limit=1)
        if existing and record is not None:
            about = (
                existing.suggestion_id
                if record._name == "oto.suggestion"
                else existing.partner_id
            )
            if about != record.sudo() or not record.has_access("read"):
                raise UserError(
                    self.env._(
                        "This recording's key was already used for another "
                        "contact: record it again."
                    )
                )
        return existing

    @api.model
    def _oto_phone_values(self, values):
        """The contact's values from what the phone sent (one tap on an
        outcome, with the optional details), checked: a wrong value is
        refused with the reason, nothing is recorded."""
        values = dict(values or {})
        channels = dict(self._fields["channel"]._description_selection(self.env))
        channel = values.get("channel") or "whatsapp"
        if channel not in channels:
            raise UserError(
                self.env._("Unknown contact channel: %(channel)s.", channel=channel)
            )
        reached = values.get("reached")
        if reached not in ("yes", "no"):
            raise UserError(
                self.env._("Tell whether you reached the customer (yes or no).")
            )
        vals = {
            "channel": channel,
            "reached": reached,
            "notes": (values.get("notes") or "").strip() or False,
            "client_key": values.get("key") or False,
        }
        if reached == "yes":
            result = values.get("result") or "neutral"
            if result not in ("positive", "neutral", "negative"):
                raise UserError(
                    self.env._("Unknown contact result: %(result)s.", result=result)
                )
            vals["result"] = result
        else:
            reason = values.get("reason")
            if reason not in dict(REASONS):
                raise UserError(
                    self.env._(
                        "Tell why the customer was not reached: it decides when "
                        "(and whether) the customer is suggested again."
                    )
                )
            vals["reason"] = reason
            vals["result"] = False
        if values.get("followup_date"):
            try:
                followup = fields.Date.to_date(values["followup_date"])
            except (TypeError, ValueError) as exc:
                raise UserError(self.env._("The follow-up day is not a date.")) from exc
            if followup < brand_today(self.env):
                raise UserError(self.env._("The follow-up day cannot be in the past."))
            vals["followup_date"] = followup
        if values.get("recorded_at"):
            vals["date"] = self._oto_recorded_at(values["recorded_at"])
        if values.get("consent"):
            if values["consent"] not in ("granted", "revoked"):
                raise UserError(self.env._("Unknown consent answer."))
            vals["consent"] = values["consent"]
        if values.get("message") and channel in ("whatsapp", "sms"):
            vals["message_sent"] = values["message"]
        product_ids = values.get("product_ids")
        if product_ids is not None:
            if not isinstance(product_ids, list) or not all(
                isinstance(i, int) for i in product_ids
            ):
                raise UserError(self.env._("The products offered are not valid."))
            vals["product_ids"] = [
                fields.Command.set(
                    self.env["product.product"].browse(product_ids).exists().ids
                )
            ]
        return vals

    @api.model
    def _oto_recorded_at(self, value):
        """When the phone recorded the contact (UTC, ``YYYY-MM-DD HH:MM:SS``):
        a contact recorded offline keeps its moment when it arrives later.
        A phone's clock ahead of the server's is taken as now; how far back
        is checked as for any contact (today or yesterday for a seller)."""
        try:
            moment = fields.Datetime.to_datetime(value)
        except (TypeError, ValueError):
            moment = None
        if not moment:
            raise UserError(self.env._("The moment of this recording is not a date."))
        return min(moment, fields.Datetime.now())

    @api.model
    def _oto_phone_record(self, partner, seller, values, suggestion=None):
        """Record a contact from the seller's phone, once per key: a retry
        of the same save answers with the contact already recorded."""
        existing = self._oto_by_key(values.get("key"), suggestion or partner)
        if existing:
            return existing, True
        vals = self._oto_phone_values(values)
        if "product_ids" not in vals and suggestion:
            # What the seller was asked to offer, unless they said otherwise.
            vals["product_ids"] = [
                fields.Command.set(
                    suggestion.sudo().recommendation_ids.product_id.ids
                    or suggestion.sudo().product_ids.ids
                )
            ]
        vals.update(
            {
                "partner_id": partner.id,
                "seller_id": seller.id,
                "suggestion_id": suggestion.id if suggestion else False,
                "company_id": (
                    suggestion.sudo().company_id if suggestion else seller.company_id
                ).id,
            }
        )
        try:
            with self.env.cr.savepoint():
                contact = self.create(vals)
        except psycopg2.errors.UniqueViolation:
            # The same save, recorded meanwhile by a request that ran beside
            # this one.
            existing = self._oto_by_key(values.get("key"), suggestion or partner)
            if not existing:
                raise
            return existing, True
        return contact, False

    def _oto_phone_answer(self, already=False):
        """What the phone shows once the contact is recorded."""
        self.ensure_one()
        contact = self.sudo()
        results = dict(self._fields["result"]._description_selection(self.env))
        reasons = dict(self._fields["reason"]._description_selection(self.env))
        if contact.reached == "yes":
            outcome = results.get(contact.result) or self.env._("Reached")
        else:
            outcome = reasons.get(contact.reason, "")
        return {
            "contact_id": contact.id,
            "suggestion_id": contact.suggestion_id.id,
            "partner_id": contact.partner_id.id,
            "already": already,
            "outcome": outcome,
            "message": self.env._(
                "Contact with %(customer)s recorded: %(outcome)s.",
                customer=contact.partner_id.name,
                outcome=outcome,
            ),
        }
