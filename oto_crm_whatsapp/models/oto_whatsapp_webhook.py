# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from datetime import UTC, datetime

from markupsafe import Markup, escape

from odoo import api, fields, models

from ..tools.webhook import (
    InboundMessage,
    StatusEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    brazil_phone_variants,
    is_optout,
)

_logger = logging.getLogger(__name__)


class OtoWhatsappWebhook(models.AbstractModel):
    """What Meta's webhook brings: statuses of sent messages, customers'
    messages, template reviews and quality."""

    _name = "oto.whatsapp.webhook"
    _description = "WhatsApp webhook"

    @api.model
    def _process(self, account, events):
        """Apply the events of a payload signed with ``account``'s secret.
        Returns {handled, ignored}."""
        counts = {"handled": 0, "ignored": 0}
        for event in events:
            if isinstance(event, StatusEvent | InboundMessage):
                if event.phone_number_id != account.phone_number_id:
                    _logger.warning(
                        "WhatsApp webhook: unknown phone number id %s (account %s)",
                        event.phone_number_id,
                        account.id,
                    )
                    counts["ignored"] += 1
                    continue
                handled = (
                    self._status(account, event)
                    if isinstance(event, StatusEvent)
                    else self._inbound(account, event)
                )
            elif event.waba_id != account.business_account_id:
                _logger.warning(
                    "WhatsApp webhook: unknown business account %s", event.waba_id
                )
                handled = False
            else:
                handled = self._template(account, event)
            counts["handled" if handled else "ignored"] += 1
        return counts

    def _status(self, account, event):
        message = self.env["oto.whatsapp.message"].search(
            [("meta_id", "=", event.message_id), ("account_id", "=", account.id)],
            limit=1,
        )
        if not message:
            _logger.info(
                "WhatsApp webhook: status of unknown message %s", event.message_id
            )
            return False
        return message._apply_status(event)

    def _find_customer(self, account, sender):
        Partner = self.env["res.partner"]
        candidates = Partner.search(
            [
                ("oto_phone_e164", "in", brazil_phone_variants(sender)),
                # The account's company's customers only (never another
                # franchise's, even a shared partner in its wallet).
                *Partner._oto_company_customers_domain(account.company_id),
                ("partner_share", "!=", False),
            ],
            order="id",
        )
        with_seller = candidates.filtered("oto_seller_id")
        return (with_seller or candidates)[:1]

    def _inbound(self, account, event):
        Message = self.env["oto.whatsapp.message"]
        if Message.search_count([("meta_id", "=", event.message_id)]):
            return False  # a replay
        partner = self._find_customer(account, event.sender)
        if not partner:
            partner = self.env["res.partner"].create(
                {
                    "name": event.contact_name or f"+{event.sender}",
                    "mobile": f"+{event.sender}",
                    "company_id": account.company_id.id,
                    "customer_rank": 1,
                }
            )
        when = (
            datetime.fromtimestamp(event.timestamp, tz=UTC).replace(tzinfo=None)
            if event.timestamp
            else fields.Datetime.now()
        )
        Message.create(
            {
                "account_id": account.id,
                "direction": "in",
                "partner_id": partner.id,
                "phone": f"+{event.sender}",
                "body": event.text,
                "state": "received",
                "meta_id": event.message_id,
                "status_date": when,
                "model": "res.partner",
                "res_id": partner.id,
            }
        )
        if (
            not partner.oto_whatsapp_last_inbound
            or partner.oto_whatsapp_last_inbound < when
        ):
            partner.oto_whatsapp_last_inbound = when
        keywords = [k.strip() for k in (account.optout_keywords or "").split(",")]
        optout = is_optout(event.text, [k for k in keywords if k])
        if optout and not partner.oto_optout_whatsapp:
            partner._oto_set_consent(
                ["whatsapp"],
                False,
                "whatsapp_keyword",
                self.env._(
                    "WhatsApp: the customer answered '%(text)s'", text=event.text
                ),
                text_shown=event.text,
            )
        # On the customer, and to their seller (or the store's managers).
        seller = partner.oto_seller_id
        recipients = seller.user_id.partner_id or seller.store_id.manager_ids.partner_id
        partner.message_post(
            body=Markup("%s<br/>%s")
            % (
                self.env._("WhatsApp from the customer:"),
                escape(event.text or f"({event.kind})"),
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=recipients.ids,
        )
        return True

    def _template(self, account, event):
        Template = self.env["oto.whatsapp.template"]
        template = Template.search(
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
        if not template:
            return False
        if isinstance(event, TemplateStatusEvent):
            template._apply_meta(
                event.event, reason=event.reason, meta_id=event.template_id
            )
        elif isinstance(event, TemplateQualityEvent):
            template._apply_meta(quality=event.quality, meta_id=event.template_id)
        return True
