# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The seller's phone and the brand's WhatsApp Business account: from *My
day* (or a customer's profile) the WhatsApp button sends through the
brand's Cloud API number when the company has one: the seller's text
inside the customer service window, the brand's approved template outside
it. The message goes the way every WhatsApp message goes (the composer,
the queue, the one API client); the customer's replies show in the phone's
profile. Kept in this one file: the queue and the consent gate change
elsewhere, this only hands them a message."""

from datetime import timedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

# How many messages of the conversation the phone's profile shows.
CONVERSATION_SIZE = 20
# The same text to the same customer within these minutes is a repeat.
REPEAT_MINUTES = 10


# Apart from res_partner.py on purpose: the phone's bridge in one file, so
# that the queue and the consent gate can change beside it.
class ResPartner(models.Model):
    _inherit = "res.partner"

    # ------------------------------------------------------------- plan

    def _oto_phone_whatsapp_account(self):
        """The company's account the phone sends through (not paused)."""
        company = self.company_id or self.env.company
        return (
            self.env["oto.whatsapp.account"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("state", "!=", "paused")],
                order="id",
                limit=1,
            )
        )

    def _oto_phone_whatsapp_plan(self, suggestion=None):
        """How the phone's WhatsApp button sends to this customer: ``None``
        when it opens the seller's own WhatsApp (no account, or outside the
        window without an approved template); else the composer's values
        (the record the message is about, free text or template)."""
        self.ensure_one()
        account = self._oto_phone_whatsapp_account()
        if not account:
            return None
        if self.sudo()._oto_whatsapp_window_open(account):
            record = suggestion or self
            return {"account": account, "record": record, "mode": "text"}
        templates = (
            self.env["oto.whatsapp.template"]
            .sudo()
            .search(
                [("account_id", "=", account.id), ("status", "=", "approved")],
                order="id",
            )
        )
        for record in (suggestion, self):
            if not record:
                continue
            template = templates.filtered(lambda t, r=record: t.model == r._name)[:1]
            if template:
                return {
                    "account": account,
                    "record": record,
                    "mode": "template",
                    "template": template,
                }
        return None

    def _oto_phone_whatsapp_composer_values(self, plan, message=""):
        values = {
            "res_model": plan["record"]._name,
            "res_ids": plan["record"].ids,
            "account_id": plan["account"].id,
            "mode": plan["mode"],
        }
        if plan["mode"] == "template":
            values["template_id"] = plan["template"].id
        else:
            values["body"] = message
        return values

    def _oto_phone_whatsapp_composer(self, plan, message=""):
        # The seller's rights on the customer were checked by the caller
        # (the suggestion's or the wallet's check); the consent, the window
        # and the template are the composer's to check.
        return (
            self.env["oto.whatsapp.composer"]
            .sudo()
            .new(self._oto_phone_whatsapp_composer_values(plan, message))
        )

    def _oto_phone_whatsapp_card(self, suggestion=None):
        """What the phone says under the message: sent from the brand's
        number, and the template's text outside the window."""
        plan = self._oto_phone_whatsapp_plan(suggestion)
        if not plan:
            return False
        if plan["mode"] == "text":
            return {
                "mode": "text",
                "note": self.env._(
                    "Sent from %(account)s, the brand's WhatsApp number: the "
                    "customer wrote in the last %(hours)s hours, your text goes "
                    "as it is.",
                    account=plan["account"].name,
                    hours=plan["account"].window_hours,
                ),
            }
        values, reason = self._oto_phone_whatsapp_composer(plan)._plan_one(
            plan["record"]
        )
        return {
            "mode": "template",
            "template": plan["template"].name,
            "preview": values["body"] if values else "",
            "note": self.env._(
                "Sent from %(account)s, the brand's WhatsApp number. The "
                "customer has not written in the last %(hours)s hours: the "
                "brand's approved message goes instead of your text.",
                account=plan["account"].name,
                hours=plan["account"].window_hours,
            )
            if values
            else reason,
        }

    # ------------------------------------------------------------- send

    def _oto_phone_whatsapp_send(self, message, suggestion=None):
        """The one bridge from the phone to the WhatsApp queue: the consent
        gate asked first (when installed), then the composer queues the
        message (it checks consent, window and template again). Returns
        what the phone tells the seller."""
        self.ensure_one()
        plan = self._oto_phone_whatsapp_plan(suggestion)
        if not plan:
            raise UserError(
                self.env._(
                    "The brand's WhatsApp number cannot send to %(customer)s "
                    "now: use your own WhatsApp.",
                    customer=self.name,
                )
            )
        if plan["mode"] == "text" and not (message or "").strip():
            raise UserError(self.env._("Write the message first."))
        if "oto.consent.gate" in self.env:
            self.env["oto.consent.gate"]._check(self, "whatsapp", "marketing")
        self._oto_phone_whatsapp_not_again(plan, message)
        composer = self._oto_phone_whatsapp_composer(plan, message)
        values, reason = composer._plan_one(plan["record"])
        if not values:
            raise UserError(
                self.env._(
                    "%(customer)s cannot get the brand's WhatsApp: %(reason)s.",
                    customer=self.name,
                    reason=reason,
                )
            )
        self.env["oto.whatsapp.composer"].sudo().create(
            self._oto_phone_whatsapp_composer_values(plan, message)
        ).action_send()
        if plan["mode"] == "text":
            text = self.env._(
                "WhatsApp to %(customer)s sent from the brand's number.",
                customer=self.name,
            )
        else:
            text = self.env._(
                "WhatsApp to %(customer)s sent from the brand's number, with "
                "the approved message %(template)s.",
                customer=self.name,
                template=plan["template"].name,
            )
        return {"mode": plan["mode"], "message": text}

    def _oto_phone_whatsapp_not_again(self, plan, message):
        """The brand's number sends once what a tap asked for: the same text
        again within minutes (a retry after a lost answer, a double tap),
        or a second approved template the same day, is refused."""
        Message = self.env["oto.whatsapp.message"].sudo()
        domain = [
            ("account_id", "=", plan["account"].id),
            ("partner_id", "=", self.id),
            ("direction", "=", "out"),
            ("state", "not in", ("cancelled", "failed")),
        ]
        now = fields.Datetime.now()
        if plan["mode"] == "text":
            again = Message.search_count(
                [
                    *domain,
                    ("template_id", "=", False),
                    ("body", "=", (message or "").strip()),
                    ("create_date", ">=", now - timedelta(minutes=REPEAT_MINUTES)),
                ],
                limit=1,
            )
        else:
            again = Message.search_count(
                [
                    *domain,
                    ("template_id", "!=", False),
                    ("create_date", ">=", now - timedelta(hours=24)),
                ],
                limit=1,
            )
        if again:
            raise UserError(
                self.env._(
                    "This WhatsApp to %(customer)s already left the brand's "
                    "number: it is not sent twice.",
                    customer=self.name,
                )
                if plan["mode"] == "text"
                else self.env._(
                    "%(customer)s already got an approved message from the "
                    "brand's number in the last 24 hours: wait for their "
                    "answer, or write to them when they reply.",
                    customer=self.name,
                )
            )

    def oto_send_whatsapp(self, message):
        """The WhatsApp button of a customer's profile (a contact on the
        seller's own initiative), through the brand's number."""
        self.ensure_one()
        self.oto_start_contact("whatsapp")
        return self._oto_phone_whatsapp_send(message)

    # ---------------------------------------------------------- profile

    def oto_get_profile(self):
        profile = super().oto_get_profile()
        partner = self.sudo()
        messages = (
            self.env["oto.whatsapp.message"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("state", "!=", "cancelled"),
                    # The accounts of the user's companies only.
                    ("account_id.company_id", "in", self.env.user.company_ids.ids),
                ],
                order="id desc",
                limit=CONVERSATION_SIZE,
            )
        )
        states = dict(messages._fields["state"]._description_selection(self.env))
        profile["conversation"] = [
            {
                "id": message.id,
                "inbound": message.direction == "in",
                "body": message.body or "",
                "when": format_datetime(
                    self.env,
                    message.status_date
                    if message.direction == "in"
                    else message.sent_date or message.create_date,
                    dt_format="short",
                ),
                "state": states.get(message.state, "")
                if message.direction == "out"
                else "",
            }
            for message in reversed(messages)
        ]
        if profile.get("mine") and "whatsapp" in profile.get("channels", []):
            profile["whatsapp_api"] = self._oto_phone_whatsapp_card()
            if profile["whatsapp_api"]:
                profile["channel_note"] = profile["whatsapp_api"]["note"]
                profile["channel_preview"] = (
                    profile["whatsapp_api"].get("preview") or False
                )
        return profile


class OtoSuggestion(models.Model):
    _inherit = "oto.suggestion"

    def _oto_card(self, past=False):
        card = super()._oto_card(past=past)
        if card["open"] and "whatsapp" in card["channels"]:
            api = self.partner_id._oto_phone_whatsapp_card(self)
            card["whatsapp_api"] = api
            if api:
                card["channel_note"] = api["note"]
                card["channel_preview"] = api.get("preview") or False
        return card

    def oto_send_whatsapp(self, message):
        """*My day*'s WhatsApp button through the brand's number: the
        suggestion checked and in progress (as for the seller's own
        WhatsApp), then the message handed to the queue."""
        self.ensure_one()
        self.action_send("whatsapp", message)
        return self.partner_id._oto_phone_whatsapp_send(message, suggestion=self)
