# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The opportunity API's work, behind the controller: find or create the
customer, place them in a wallet, create the suggestion, read it back."""

import csv
import io
import logging

import psycopg2

from odoo import api, fields, models

from ..tools import purchase_feed
from ..tools.opportunity_api import PRIORITIES
from .brand_time import brand_timezone, brand_today
from .oto_suggestion import OPEN_STATES

_logger = logging.getLogger(__name__)


class OpportunityApiError(Exception):
    """An answer other than success: HTTP status, a stable code, a message
    for people (translated) and, for invalid input, the fields at fault."""

    def __init__(self, status, code, message, fields=None, extra=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}
        self.headers = headers or {}

    def to_json(self):
        error = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error, **self.extra}


class OtoOpportunityApi(models.AbstractModel):
    _name = "oto.opportunity.api"
    _description = "Opportunity API"

    # ------------------------------------------------------------ messages

    @api.model
    def _field_messages(self):
        """The validator's messages (``tools.opportunity_api.MESSAGES``) in
        the caller's language."""
        return {
            "required": self.env._("required"),
            "must be a string": self.env._("must be a string"),
            "must not contain NUL characters": self.env._(
                "must not contain NUL characters"
            ),
            "must be valid Unicode": self.env._("must be valid Unicode"),
            "must be an object": self.env._("must be an object"),
            "must be a JSON object": self.env._("must be a JSON object"),
            "unknown field": self.env._("unknown field"),
            "at most 100 characters": self.env._("at most 100 characters"),
            "at most 200 characters": self.env._("at most 200 characters"),
            "at most 2000 characters": self.env._("at most 2000 characters"),
            "not an email address": self.env._("not an email address"),
            "not a phone number": self.env._("not a phone number"),
            "a CPF (11 digits) or CNPJ (14 digits)": self.env._(
                "a CPF (11 digits) or CNPJ (14 digits)"
            ),
            "give an email, a phone or a document to find the customer": self.env._(
                "give an email, a phone or a document to find the customer"
            ),
            "must be a list of product codes": self.env._(
                "must be a list of product codes"
            ),
            "at most 20 products": self.env._("at most 20 products"),
            "a product code (internal reference)": self.env._(
                "a product code (internal reference)"
            ),
            "one of behavior, segment, manual": self.env._(
                "one of behavior, segment, manual"
            ),
            "a date, YYYY-MM-DD": self.env._("a date, YYYY-MM-DD"),
            "in the past": self.env._("in the past"),
            "one of normal, high, urgent": self.env._("one of normal, high, urgent"),
        }

    @api.model
    def _purchase_messages(self):
        """The purchases feed's messages (``tools.purchase_feed.MESSAGES``)
        in the caller's language."""
        return {
            "required": self.env._("required"),
            "must be a JSON object": self.env._("must be a JSON object"),
            "must be a string": self.env._("must be a string"),
            "unknown field": self.env._("unknown field"),
            "at most 64 characters": self.env._("at most 64 characters"),
            "must not contain control characters": self.env._(
                "must not contain control characters"
            ),
            "a date and time, ISO 8601 (YYYY-MM-DDTHH:MM:SS, a zone optional)": (
                self.env._(
                    "a date and time, ISO 8601 (YYYY-MM-DDTHH:MM:SS, a zone optional)"
                )
            ),
            "one of store, online": self.env._("one of store, online"),
            "one of done, cancel": self.env._("one of done, cancel"),
            "a number, 0 or more": self.env._("a number, 0 or more"),
            "must be a list": self.env._("must be a list"),
            "at most 200 lines": self.env._("at most 200 lines"),
            "the same purchase twice in the batch": self.env._(
                "the same purchase twice in the batch"
            ),
            "give a list of 1 to 1000 purchases": self.env._(
                "give a list of 1 to 1000 purchases"
            ),
        }

    @api.model
    def _invalid(self, errors):
        table = self._field_messages()
        return OpportunityApiError(
            422,
            "invalid",
            self.env._("The request has invalid fields."),
            {field: table.get(problem, problem) for field, problem in errors.items()},
        )

    # ------------------------------------------------------------ customer

    @api.model
    def _find_customer(self, company, customer):
        """The key's company's customer: one of the company, or one shared
        by the companies (no company) that is in no other company's wallet."""
        return self.env["res.partner"]._oto_find_customer(
            company,
            document=customer.get("document"),
            email=customer.get("email"),
            phone=customer.get("phone"),
            domain=[
                "|",
                ("company_id", "=", company.id),
                "|",
                ("oto_seller_id", "=", False),
                ("oto_seller_id.company_id", "=", company.id),
            ],
        )

    @api.model
    def _find_or_create_customer(self, company, customer):
        partner = self._find_customer(company, customer)
        values = {
            "email": customer.get("email"),
            "mobile": customer.get("phone"),
            "vat": customer.get("document"),
        }
        if partner:
            # Complete what the customer's record lacks; never overwrite.
            missing = {
                field: value
                for field, value in values.items()
                if value
                and not partner[field]
                and not (field == "mobile" and partner.oto_phone_e164)
            }
            if missing:
                partner.write(missing)
            return partner, False
        if not customer.get("name"):
            raise OpportunityApiError(
                422,
                "invalid",
                self.env._("The request has invalid fields."),
                {
                    "customer.name": self.env._(
                        "required to create a customer not found by email, "
                        "phone or document"
                    )
                },
            )
        partner = (
            self.env["res.partner"]
            .sudo()
            .create(
                {
                    "name": customer["name"],
                    "company_id": company.id,
                    "customer_rank": 1,
                    **{k: v for k, v in values.items() if v},
                }
            )
        )
        return partner, True

    @api.model
    def _place_customer(self, company, partner):
        """The customer's wallet seller, else one by location and capacity
        (the wallet engine's rules), recorded in the wallet history."""
        seller = self.env["oto.wallet.engine"]._place_one(company, partner, "api")
        if not seller:
            raise OpportunityApiError(
                422,
                "no_seller",
                self.env._(
                    "%(company)s has no active seller with room in their wallet "
                    "for this customer.",
                    company=company.name,
                ),
            )
        return seller

    @api.model
    def _check_contactable(self, partner):
        """The consent gate: the seller must be allowed to reach the customer
        on one phone channel at least (a customer without a phone yet may
        get one from the seller); otherwise 422 with the reasons."""
        gate = self.env["oto.consent.gate"]
        reasons = {}
        for channel in ("whatsapp", "sms", "call"):
            code = gate._refusal_codes(partner, channel, "marketing").get(partner.id)
            if not code or code == "no_phone":
                return True
            reasons[channel] = gate._reason(code, channel)
        raise OpportunityApiError(
            422,
            "not_contactable",
            self.env._(
                "%(customer)s may not be contacted: %(reasons)s.",
                customer=partner.name,
                reasons="; ".join(
                    f"{gate._channel_label(channel)}: {reason}"
                    for channel, reason in reasons.items()
                ),
            ),
            extra={"reasons": reasons},
        )

    # -------------------------------------------------------------- create

    @api.model
    def _products(self, company, codes):
        # One search for all the codes, not one per code; for a code held
        # by several products, the first in the default order.
        found = {}
        for product in (
            self.env["product.product"]
            .sudo()
            .search(
                [
                    ("default_code", "in", list(codes)),
                    ("sale_ok", "=", True),
                    ("company_id", "in", [company.id, False]),
                ]
            )
        ):
            found.setdefault(product.default_code, product)
        products = self.env["product.product"].sudo().browse()
        errors = {}
        for index, code in enumerate(codes):
            if code in found:
                products |= found[code]
            else:
                errors[f"products.{index}"] = self.env._(
                    "no product for sale has this code"
                )
        if errors:
            raise OpportunityApiError(
                422, "invalid", self.env._("The request has invalid fields."), errors
            )
        return products

    @api.model
    def _create(self, key, clean):
        """Create the opportunity of a validated payload for ``key``.
        Returns (suggestion, created); raises OpportunityApiError. Nothing is
        written when it raises."""
        Suggestion = self.env["oto.suggestion"].sudo()
        company = key.company_id
        idempotency = clean.get("idempotency_key")
        if idempotency:
            done = Suggestion._oto_find_by_request(key, idempotency)
            if done:
                return done, False
        try:
            with self.env.cr.savepoint():
                products = self._products(company, clean["products"])
                partner, _new = self._find_or_create_customer(
                    company, clean["customer"]
                )
                self._check_contactable(partner)
                # (Only the key's company's: another company's opportunities
                # are neither a conflict nor anything to name.)
                open_one = Suggestion.search(
                    [
                        ("partner_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("state", "in", OPEN_STATES),
                    ],
                    limit=1,
                )
                if open_one.state == "backlog" and open_one.api_key_id == key:
                    # Still waiting for a seller: the new request adds to it
                    # (its products, the higher priority, the earlier
                    # deadline) rather than a second opportunity.
                    open_one._oto_merge_backlog(clean, products)
                    return open_one, False
                if open_one:
                    raise OpportunityApiError(
                        409,
                        "open_opportunity",
                        self.env._(
                            "%(customer)s already has an open opportunity "
                            "(%(seller)s).",
                            customer=partner.name,
                            seller=open_one.seller_id.name or "-",
                        ),
                        extra={
                            "opportunity": {
                                "id": open_one.id,
                                "state": open_one.state,
                            }
                        },
                    )
                try:
                    with self.env.cr.savepoint():
                        seller = self._place_customer(company, partner)
                    store = seller.store_id
                except OpportunityApiError as exc:
                    if exc.code != "no_seller":
                        raise
                    # Nobody with room now: the backlog, assigned as room
                    # frees up (oldest and highest priority first).
                    seller = self.env["oto.seller"]
                    store = partner.oto_store_id
                suggestion = Suggestion.with_company(company).create(
                    {
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "seller_id": seller.id,
                        "store_id": store.id,
                        "type": clean["type"],
                        "state": "assigned" if seller else "backlog",
                        "date": brand_today(self.env),
                        "deadline": clean.get("deadline") or False,
                        "priority": clean.get("priority") or PRIORITIES["normal"],
                        "message_custom": clean.get("message") or False,
                        "origin_reason": clean["reason"],
                        "product_ids": [fields.Command.set(products.ids)],
                        "api_key_id": key.id,
                        "api_idempotency_key": idempotency or False,
                    }
                )
                suggestion.message_post(
                    body=self.env._(
                        "Created through the API by the integration %(name)s.",
                        name=key.name,
                    )
                )
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as exc:
            # The same idempotency key in a request running beside this one.
            raise OpportunityApiError(
                409,
                "in_progress",
                self.env._(
                    "A request with this idempotency key is being processed: "
                    "retry in a moment."
                ),
            ) from exc
        _logger.info(
            "Opportunity %s created through the API key %s (%s)",
            suggestion.id,
            key.id,
            key.prefix,
        )
        return suggestion, True

    # ---------------------------------------------------------------- read

    @api.model
    def _to_json(self, suggestion):
        """The opportunity as the API shows it: status, result, contacts and
        the sales attributed to them."""
        suggestion = suggestion.sudo()
        priorities = {value: name for name, value in PRIORITIES.items()}
        contacts = suggestion.contact_ids.sorted("date")
        sales = (
            self.env["oto.attribution"]
            .sudo()
            ._read_group(
                [("suggestion_id", "=", suggestion.id)], [], ["__count", "amount:sum"]
            )[0]
        )
        seller = suggestion.seller_id
        return {
            "id": suggestion.id,
            "type": suggestion.type,
            "state": suggestion.state,
            "result": suggestion.result or None,
            "reason": suggestion.origin_reason or None,
            "priority": priorities.get(suggestion.priority, "normal"),
            "date": fields.Date.to_string(suggestion.date),
            "deadline": fields.Date.to_string(suggestion.deadline) or None,
            "idempotency_key": suggestion.api_idempotency_key or None,
            "customer": {
                "id": suggestion.partner_id.id,
                "name": suggestion.partner_id.name,
            },
            "seller": {"id": seller.id, "name": seller.name, "code": seller.code}
            if seller
            else None,
            "store": {
                "id": suggestion.store_id.id,
                "name": suggestion.store_id.name,
            }
            if suggestion.store_id
            else None,
            "products": suggestion.product_ids.mapped("default_code"),
            "contacts": [
                {
                    "date": fields.Datetime.to_string(contact.date),
                    "channel": contact.channel,
                    "reached": contact.reached or None,
                    "result": contact.result or None,
                }
                for contact in contacts
            ],
            "sales": {"count": sales[0], "amount": sales[1] or 0.0},
        }

    @api.model
    def _purchases(self, key, payload):
        """A batch of purchases from another system, merged into the
        company's external purchases by their id (a purchase sent again
        changes only what changed), checked and written as the onboarding
        import does: each purchase answered with its own result, the valid
        ones written whole even when others are not."""
        user = key.user_id
        if not user.has_group("oto_crm.oto_crm_group_admin"):
            raise OpportunityApiError(
                403,
                "forbidden",
                self.env._(
                    "This key acts as %(user)s, who may not import purchases "
                    "(brand admins only).",
                    user=user.name,
                ),
            )
        table = self._purchase_messages()
        rows, places, errors, batch_error = purchase_feed.rows(
            payload, brand_timezone(self.env)
        )
        if batch_error:
            message = table.get(batch_error, batch_error)
            raise OpportunityApiError(422, "invalid", message, {"purchases": message})
        items = payload["purchases"]
        problems = {
            index: {field: table.get(text, text) for field, text in found.items()}
            for index, found in errors.items()
        }
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        if rows:
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(purchase_feed.KEYS)
            for row in rows:
                writer.writerow([row.get(k) or "" for k in purchase_feed.KEYS])
            outcome = (
                self.env["oto.import"]
                .with_user(user)
                .with_company(key.company_id)
                ._run(
                    "purchases",
                    buffer.getvalue().encode("utf-8"),
                    filename=f"api-{key.prefix}.csv",
                    mapping=list(purchase_feed.KEYS),
                    mode="valid",
                    listed=None,
                )
            )
            if outcome["file_issue"]:
                raise OpportunityApiError(
                    422,
                    "invalid",
                    outcome["file_issue"],
                    {"purchases": outcome["file_issue"]},
                )
            for issue in outcome["issues"]:
                index, line = places[issue["row"] - 2]
                field = purchase_feed.field_of(issue["column"], line)
                problems.setdefault(index, {}).setdefault(field, issue["message"])
            for name in counts:
                counts[name] = outcome[name] if outcome["done"] else 0
        results = []
        for index, item in enumerate(items):
            reference = item.get("id") if isinstance(item, dict) else None
            found = problems.get(index)
            results.append(
                {
                    "index": index,
                    "id": reference if isinstance(reference, str) else None,
                    "status": "invalid" if found else "ok",
                    **({"errors": found} if found else {}),
                }
            )
        invalid = sum(1 for result in results if result["status"] == "invalid")
        _logger.info(
            "Purchases through the API key %s (%s): %s received, %s invalid, %s",
            key.id,
            key.prefix,
            len(items),
            invalid,
            counts,
        )
        return {
            "received": len(items),
            "accepted": len(items) - invalid,
            "invalid": invalid,
            **counts,
            "results": results,
        }

    @api.model
    def _results(self, key, date_from, date_to):
        """What the opportunities this key created on the days ``date_from``
        to ``date_to`` (their date, in the brand's time) became, by type:
        how many, still open, worked, with a positive result, and the sales
        credited to their contacts (any day up to now)."""
        Suggestion = self.env["oto.suggestion"].sudo()
        domain = [
            ("api_key_id", "=", key.id),
            ("date", ">=", date_from),
            ("date", "<=", date_to),
        ]
        rows = {}

        def row(kind):
            return rows.setdefault(
                kind,
                {
                    "type": kind,
                    "opportunities": 0,
                    "open": 0,
                    "done": 0,
                    "positive": 0,
                    "sales": {"count": 0, "amount": 0.0},
                },
            )

        for kind, state, result, count in Suggestion._read_group(
            domain, ["type", "state", "result"], ["__count"]
        ):
            figures = row(kind)
            figures["opportunities"] += count
            if state in OPEN_STATES:
                figures["open"] += count
            elif state == "done":
                figures["done"] += count
            if result == "positive":
                figures["positive"] += count
        sales = (
            self.env["oto.attribution"]
            .sudo()
            ._read_group(
                [("suggestion_id", "in", Suggestion._search(domain))],
                ["suggestion_type"],
                ["__count", "amount:sum"],
            )
        )
        for kind, count, amount in sales:
            figures = row(kind)
            figures["sales"] = {"count": count, "amount": round(amount or 0.0, 2)}
        order = [kind for kind, _label in Suggestion._fields["type"].selection]
        types = sorted(rows.values(), key=lambda r: order.index(r["type"]))
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "currency": key.company_id.currency_id.name,
            "types": types,
            "total": {
                "opportunities": sum(r["opportunities"] for r in types),
                "open": sum(r["open"] for r in types),
                "done": sum(r["done"] for r in types),
                "positive": sum(r["positive"] for r in types),
                "sales": {
                    "count": sum(r["sales"]["count"] for r in types),
                    "amount": round(sum(r["sales"]["amount"] for r in types), 2),
                },
            },
        }

    @api.model
    def _get(self, key, opportunity_id):
        suggestion = (
            self.env["oto.suggestion"]
            .sudo()
            .search([("id", "=", opportunity_id), ("api_key_id", "=", key.id)])
        )
        if not suggestion:
            raise self._not_found(opportunity_id)
        return suggestion

    @api.model
    def _not_found(self, opportunity_id):
        return OpportunityApiError(
            404,
            "not_found",
            self.env._("No opportunity %(id)s for this API key.", id=opportunity_id),
        )
