# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import fields, models
from odoo.tools import SQL

from ..tools.suggestion_rules import render_template
from ..tools.text_generation import (
    ChatClient,
    ProviderError,
    build_messages,
    clean_draft,
)

_logger = logging.getLogger(__name__)


class OtoSuggestion(models.Model):
    _inherit = "oto.suggestion"

    # ------------------------------------------------------------- drafting

    def _draft_purchase_summary(self):
        """The customer's last purchase for the provider: its day, the
        names of its items and its store. Nothing else about them."""
        self.ensure_one()
        lines = SQL(" UNION ALL ").join(
            self.env["oto.purchase"]._get_purchase_line_queries()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH l AS (SELECT * FROM (%(lines)s) l
                            WHERE l.partner_id = %(partner)s
                              AND l.company_id = %(company)s),
                     last AS (SELECT max(date) AS date FROM l)
                SELECT l.date, l.store_id, array_agg(DISTINCT l.product_id)
                  FROM l JOIN last ON l.date = last.date
                 GROUP BY l.date, l.store_id
                 LIMIT 1
                """,
                lines=lines,
                partner=self.partner_id.id,
                company=self.company_id.id,
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            return None
        date, store_id, product_ids = row
        products = self.env["product.product"].sudo().browse(product_ids)
        return {
            "date": fields.Date.to_string(date.date()),
            "items": products.mapped("name")[:5],
            "store": self.env["oto.store"].sudo().browse(store_id).name or "",
        }

    def _draft_template(self):
        """The message the seller would start from, with the customer's
        first name only (never their full name)."""
        self.ensure_one()
        template = self.message_custom or self.campaign_id.message or ""
        if not template:
            return self.message or ""
        values = self._message_values()
        values["name"] = values["first_name"]
        return render_template(template, values)

    def oto_draft_message(self):
        """A first message for the seller to review: drafted by the brand's
        text-generation provider when one is set up, else (or when it fails
        or is slow) the template's own message. Returns {message, source}."""
        self.ensure_one()
        self.check_access("write")
        template = self._draft_template()
        company = self.company_id.sudo()
        if not company.oto_draft_enabled:
            return {"message": template, "source": "template"}
        recommended = self.recommendation_ids.sorted("sequence").product_id
        intent = " · ".join(
            p
            for p in (
                self.campaign_id.name,
                dict(
                    self.env["oto.campaign"]
                    ._fields["audience"]
                    ._description_selection(self.env)
                ).get(self.campaign_id.audience)
                if self.campaign_id
                else "",
                self.origin_reason,
            )
            if p
        )
        messages = build_messages(
            template,
            intent,
            self._message_values()["first_name"],
            self._draft_purchase_summary(),
            recommended.mapped("name")[:3],
            max_chars=company.oto_draft_max_chars,
        )
        try:
            client = ChatClient(
                company.oto_draft_base_url,
                company.oto_draft_model,
                api_key=company.oto_draft_api_key or None,
                timeout=company.oto_draft_timeout,
            )
            draft = clean_draft(
                client.complete(messages, max_tokens=company.oto_draft_max_chars),
                company.oto_draft_max_chars,
            )
        except ProviderError as exc:
            _logger.warning(
                "Draft of suggestion %s: the provider failed (%s: %s); the "
                "template is used",
                self.id,
                type(exc).__name__,
                exc,
            )
            return {"message": template, "source": "template"}
        if not draft:
            return {"message": template, "source": "template"}
        return {"message": draft, "source": "provider"}
