# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import Counter
from datetime import UTC, datetime

from markupsafe import Markup, escape

from odoo import api, fields, models

from ..tools.webhook import (
    InboundMessage,
    PhoneQualityEvent,
    StatusEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    brazil_phone_variants,
    cap_text,
    is_optout,
)
from .oto_whatsapp_message import MAX_BODY, MAX_CHATTER_TEXT

_logger = logging.getLogger(__name__)

# Kinds whose text a customer typed or chose (an opt-out keyword counts).
TYPED_KINDS = ("text", "button", "interactive")


def _when(timestamp):
    if not timestamp:
        return fields.Datetime.now()
    return datetime.fromtimestamp(timestamp, tz=UTC).replace(tzinfo=None)


def _digits(text):
    return "".join(char for char in text or "" if char.isdigit())


class OtoWhatsappWebhook(models.AbstractModel):
    """What Meta's webhook brings: statuses of sent messages, customers'
    messages, template reviews and quality, the numbers' quality. Every
    event goes to the account of its phone number (or business account)
    among those whose app secret signed the delivery; what cannot be applied
    is kept (``oto.whatsapp.event``), never dropped."""

    _name = "oto.whatsapp.webhook"
    _description = "WhatsApp webhook"

    # ------------------------------------------------------------ delivery

    @api.model
    def _process_delivery(self, accounts, delivery, keep=True, raw=None):
        """Apply a parsed delivery signed with the app secret of
        ``accounts``; each event on its own (one failing is kept with its
        error, the others go on). Returns the counts per outcome.

        All the events are first applied together (one flush for them all:
        a delivery may hold a hundred statuses); when one of them fails,
        that is undone and they are applied again one by one."""
        try:
            with self.env.cr.savepoint():
                counts = self._apply_events(accounts, delivery, keep, isolate=False)
        except Exception:  # Again one by one, to keep the failing one aside.
            counts = self._apply_events(accounts, delivery, keep, isolate=True)
        return self._keep_the_rest(accounts, delivery, keep, raw, counts)

    def _apply_events(self, accounts, delivery, keep, isolate):
        counts = Counter()
        for event in delivery.events:
            targets = self._route(accounts, event)
            if not targets:
                counts["unroutable"] += 1
                if keep:
                    self._keep(event, "unroutable")
                continue
            for account in targets:
                account = account.with_company(account.company_id)
                if not isolate:
                    outcome = self._apply(account, event)
                else:
                    try:
                        with self.env.cr.savepoint():
                            outcome = self._apply(account, event)
                    except Exception as exc:  # One event's trouble only.
                        _logger.exception("WhatsApp webhook: event not applied")
                        counts["failed"] += 1
                        if keep:
                            self._keep(
                                event,
                                "failed",
                                account,
                                error=f"{type(exc).__name__}: {exc}",
                            )
                        continue
                counts[outcome] += 1
                if outcome == "pending" and keep:
                    self._keep(event, "pending", account)
                elif outcome == "no_template" and keep:
                    self._keep(
                        event,
                        "unhandled",
                        account,
                        error=self.env._("No template of this name and language."),
                    )
        return counts

    def _keep_the_rest(self, accounts, delivery, keep, raw, counts):
        """Keep what could not be read, and the fields not acted on."""
        Event = self.env["oto.whatsapp.event"]
        for problem in delivery.problems:
            counts["unparseable"] += 1
            if keep:
                account = self._account_of(
                    accounts, problem.phone_number_id, problem.waba_id
                )
                Event._keep(
                    "item",
                    "unparseable",
                    problem.raw if problem.path != "payload" or raw is None else raw,
                    account,
                    path=problem.path,
                    error=problem.error,
                    phone_number_id=problem.phone_number_id,
                    waba_id=problem.waba_id,
                )
        for change in delivery.unhandled:
            counts["unhandled"] += 1
            if keep:
                Event._keep(
                    "field",
                    "unhandled",
                    change.raw,
                    self._account_of(accounts, "", change.waba_id),
                    field_name=change.field,
                    waba_id=change.waba_id,
                )
        return dict(counts)

    def _account_of(self, accounts, phone_number_id, waba_id):
        if phone_number_id:
            found = accounts.filtered(lambda a: a.phone_number_id == phone_number_id)
            if found:
                return found[:1]
        found = accounts.filtered(lambda a: a.business_account_id == waba_id)
        return found[:1] if len(found) == 1 else accounts.browse()

    def _route(self, accounts, event):
        """The accounts an event is for: its phone number's, or for a
        business account's event those of that business account."""
        if isinstance(event, StatusEvent | InboundMessage):
            return accounts.filtered(
                lambda a: a.phone_number_id == event.phone_number_id
            )
        same_waba = accounts.filtered(lambda a: a.business_account_id == event.waba_id)
        if isinstance(event, PhoneQualityEvent):
            numbered = same_waba.filtered(
                lambda a: _digits(a.display_phone) == event.display_phone_number
            )
            return numbered or (same_waba if len(same_waba) == 1 else accounts.browse())
        # A template belongs to one of the business account's numbers.
        having = same_waba.filtered(lambda a: self._find_template(a, event))
        return having or same_waba[:1]

    def _keep(self, event, state, account=None, error=None):
        """Keep an event that could not be applied, with its raw JSON."""
        values = {"error": error}
        if isinstance(event, StatusEvent):
            kind, raw = "status", event.raw
            values.update(
                phone_number_id=event.phone_number_id,
                meta_message_id=event.message_id,
                event_time=event.timestamp,
            )
        elif isinstance(event, InboundMessage):
            kind = "message"
            contact = {"profile": {"name": event.contact_name}}
            if event.sender:
                contact["wa_id"] = event.sender
            if event.user_id:
                contact["user_id"] = event.user_id
            if event.username:
                contact["profile"]["username"] = event.username
            raw = {"message": event.raw, "contacts": [contact]}
            values.update(
                phone_number_id=event.phone_number_id,
                meta_message_id=event.message_id,
                event_time=event.timestamp,
            )
        else:
            kind = "quality" if isinstance(event, PhoneQualityEvent) else "template"
            raw = (
                event.raw
                if isinstance(event, PhoneQualityEvent)
                else {
                    "event": getattr(event, "event", None),
                    "new_quality_score": getattr(event, "quality", None),
                    "message_template_id": event.template_id,
                    "message_template_name": event.name,
                    "message_template_language": event.language,
                    "reason": getattr(event, "reason", None),
                }
            )
            values.update(
                waba_id=event.waba_id,
                event_time=event.time,
                field_name={
                    TemplateStatusEvent: "message_template_status_update",
                    TemplateQualityEvent: "message_template_quality_update",
                    PhoneQualityEvent: "phone_number_quality_update",
                }[type(event)],
            )
            if isinstance(raw, dict):
                raw = {k: v for k, v in raw.items() if v is not None}
        return self.env["oto.whatsapp.event"]._keep(kind, state, raw, account, **values)

    def _apply(self, account, event):
        """Apply one event for one account: ``applied``, ``ignored`` (a
        replay, an older status), ``pending`` (its message is not known
        yet) or ``no_template``."""
        if isinstance(event, StatusEvent):
            return self._status(account, event)
        if isinstance(event, InboundMessage):
            return self._inbound(account, event)
        if isinstance(event, PhoneQualityEvent):
            return "applied" if account._apply_phone_quality(event) else "ignored"
        return self._template(account, event)

    # ------------------------------------------------------------ statuses

    def _status(self, account, event):
        Message = self.env["oto.whatsapp.message"]
        message = Message.search(
            [("meta_id", "=", event.message_id), ("account_id", "=", account.id)],
            limit=1,
        )
        if not message and event.callback_data:
            # Sent, but Meta's answer was lost (or is being recorded): the
            # message's own reference came back with its status.
            message = Message.search(
                [
                    ("callback_ref", "=", event.callback_data),
                    ("account_id", "=", account.id),
                    ("direction", "=", "out"),
                ],
                limit=1,
            )
            if message.meta_id and message.meta_id != event.message_id:
                message = Message
            elif message:
                message.meta_id = event.message_id
        if not message:
            return "pending"
        return "applied" if message._apply_status(event) else "ignored"

    # ------------------------------------------------------------ customers

    def _find_customer(self, account, event):
        """The customer who wrote: by phone (with or without the 9th digit),
        else by their business-scoped user ID; the one in a wallet first."""
        Partner = self.env["res.partner"]
        # The account's company's customers only (never another franchise's,
        # even a shared partner in its wallet), and never a user of the
        # database.
        scope = [
            *Partner._oto_company_customers_domain(account.company_id),
            ("partner_share", "!=", False),
        ]
        candidates = Partner.browse()
        if event.sender:
            candidates = Partner.search(
                [*scope, ("oto_phone_e164", "in", brazil_phone_variants(event.sender))],
                order="id",
            )
        if not candidates and event.user_id:
            candidates = Partner.search(
                [*scope, ("oto_whatsapp_user_id", "=", event.user_id)], order="id"
            )
        with_seller = candidates.filtered("oto_seller_id")
        return (with_seller or candidates)[:1]

    def _new_customer(self, account, event):
        name = (
            event.contact_name
            or (event.username and f"@{event.username.lstrip('@')}")
            or (event.sender and f"+{event.sender}")
            or event.user_id
        )
        return self.env["res.partner"].create(
            {
                "name": name,
                "mobile": f"+{event.sender}" if event.sender else False,
                "oto_whatsapp_user_id": event.user_id or False,
                "oto_whatsapp_username": event.username or False,
                "company_id": account.company_id.id,
                "customer_rank": 1,
            }
        )

    # ------------------------------------------------------------- messages

    def _inbound(self, account, event):
        Message = self.env["oto.whatsapp.message"]
        if Message.search_count(
            [("meta_id", "=", event.message_id), ("account_id", "=", account.id)]
        ):
            return "ignored"  # a replay (of this account: one account's
            # deliveries never decide about another's)
        partner = self._find_customer(account, event) or self._new_customer(
            account, event
        )
        when = _when(event.timestamp)
        text = event.text or ""
        body, _cut = cap_text(text, MAX_BODY)
        referral = event.referral or None
        Message.create(
            {
                "account_id": account.id,
                "direction": "in",
                "partner_id": partner.id,
                "phone": f"+{event.sender}" if event.sender else False,
                "body": body,
                "state": "received",
                "meta_id": event.message_id,
                "status_date": when,
                "model": "res.partner",
                "res_id": partner.id,
                "kind": event.kind,
                "context_meta_id": event.context_id or False,
                "sender_user_id": event.user_id or False,
                "sender_username": event.username or False,
                "ctwa_clid": (referral or {}).get("ctwa_clid") or False,
                "referral": referral,
                "flow_response": event.flow or None,
                "media": event.media or None,
            }
        )
        values = {}
        if (
            not partner.oto_whatsapp_last_inbound
            or partner.oto_whatsapp_last_inbound < when
        ):
            values["oto_whatsapp_last_inbound"] = when
        if event.user_id and partner.oto_whatsapp_user_id != event.user_id:
            values["oto_whatsapp_user_id"] = event.user_id
        if event.username and partner.oto_whatsapp_username != event.username:
            values["oto_whatsapp_username"] = event.username
        if values:
            partner.write(values)
        if event.kind in TYPED_KINDS:
            self._optout(account, partner, text)
        if event.kind == "system":
            self._system(partner, event)
        self._post(partner, event, text)
        return "applied"

    def _optout(self, account, partner, text):
        keywords = [k.strip() for k in (account.optout_keywords or "").split(",")]
        if (
            is_optout(text, [k for k in keywords if k])
            and not partner.oto_optout_whatsapp
        ):
            shown, _cut = cap_text(text, 200)
            partner._oto_set_consent(
                ["whatsapp"],
                False,
                "whatsapp_keyword",
                self.env._("WhatsApp: the customer answered '%(text)s'", text=shown),
                text_shown=shown,
            )

    def _system(self, partner, event):
        """A system message: a customer who changed number proposes the new
        one, for a person to confirm."""
        system = event.system or {}
        new_number = system.get("new_wa_id")
        if system.get("type") != "user_changed_number" or not new_number:
            return
        proposed = f"+{new_number}"
        if proposed in brazil_phone_variants(partner.oto_phone_e164 or ""):
            return
        partner.oto_whatsapp_new_number = proposed
        seller = partner.oto_seller_id
        user = seller.user_id or seller.store_id.manager_ids[:1]
        if user:
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._(
                    "Confirm the new WhatsApp number %(number)s", number=proposed
                ),
                note=self.env._(
                    "WhatsApp says the customer changed number. Check it with them, "
                    "then use it (button on the customer)."
                ),
                user_id=user.id,
            )

    def _chatter_text(self, event, text, partner=None):
        """What the chatter says of a customer's message."""
        labels = {
            "image": self.env._("(image)"),
            "video": self.env._("(video)"),
            "audio": self.env._("(audio)"),
            "document": self.env._("(document)"),
            "sticker": self.env._("(sticker)"),
            "contacts": self.env._("(contacts)"),
            "order": self.env._("(order)"),
            "unsupported": self.env._("(a message WhatsApp does not support)"),
        }
        if event.kind == "reaction":
            # A message of this customer's conversation (never another
            # customer's or another account's text).
            target = self.env["oto.whatsapp.message"].search(
                [
                    ("meta_id", "=", event.reaction_to),
                    ("partner_id", "=", partner.id if partner else False),
                ],
                limit=1,
            )
            excerpt, _cut = cap_text(target.body or "", 80)
            if not text:
                return self.env._(
                    "Removed their reaction to: %(message)s", message=excerpt or "-"
                )
            return self.env._(
                "Reacted %(emoji)s to: %(message)s", emoji=text, message=excerpt or "-"
            )
        if event.kind == "interactive" and event.flow:
            return self.env._(
                "Answered the form %(name)s:\n%(answers)s",
                name=event.flow.get("name") or "",
                answers=text,
            )
        if event.kind == "system":
            return self.env._("WhatsApp: %(text)s", text=text)
        label = labels.get(event.kind, "")
        if text and label:
            return f"{label} {text}"
        return text or label or f"({event.kind})"

    def _post(self, partner, event, text):
        """On the customer's chatter, to their seller (or the store's
        managers): long texts shortened, the whole text attached."""
        shown = self._chatter_text(event, text, partner)
        shown, cut = cap_text(shown, MAX_CHATTER_TEXT)
        lines = [escape(line) for line in shown.split("\n")]
        parts = [escape(self.env._("WhatsApp from the customer:")), *lines]
        if event.referral:
            parts.append(
                escape(
                    self.env._(
                        "Came from the ad %(ad)s (ad click ID %(clid)s).",
                        ad=event.referral.get("headline")
                        or event.referral.get("source_url")
                        or event.referral.get("source_id")
                        or "-",
                        clid=event.referral.get("ctwa_clid") or "-",
                    )
                )
            )
        if event.system and event.system.get("type") == "user_changed_number":
            parts.append(
                escape(
                    self.env._(
                        "The new number is proposed on the customer: confirm it "
                        "before using it."
                    )
                )
            )
        if cut:
            parts.append(
                escape(self.env._("The message was long: the whole text is attached."))
            )
        seller = partner.oto_seller_id
        recipients = seller.user_id.partner_id or seller.store_id.manager_ids.partner_id
        partner.message_post(
            body=Markup("<br/>").join(parts),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipients.ids,
            attachments=[(f"whatsapp-{event.message_id[-12:]}.txt", text.encode())]
            if cut or len(text) > MAX_CHATTER_TEXT
            else None,
        )

    # ------------------------------------------------------------ templates

    def _find_template(self, account, event):
        Template = self.env["oto.whatsapp.template"]
        return Template.search(
            [("account_id", "=", account.id), ("meta_id", "=", event.template_id)],
            limit=1,
        ) or Template.search(
            [
                ("account_id", "=", account.id),
                ("name", "=", event.name),
                ("language", "=", event.language),
            ],
            limit=1,
        )

    def _template(self, account, event):
        template = self._find_template(account, event)
        if not template:
            return "no_template"
        if isinstance(event, TemplateStatusEvent):
            changed = template._apply_meta(
                event.event,
                reason=event.reason or event.other_info or None,
                meta_id=event.template_id,
                time=event.time,
            )
        else:
            changed = template._apply_meta(
                quality=event.quality, meta_id=event.template_id, time=event.time
            )
        return "applied" if changed else "ignored"
