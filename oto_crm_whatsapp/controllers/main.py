# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meta's webhook: the GET handshake, and signed POSTs (statuses, messages,
template reviews). A POST not signed with an account's app secret is
refused (403) and nothing is stored."""

import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tools.webhook import (
    WebhookPayloadError,
    handshake,
    parse_events,
    signature_valid,
)

_logger = logging.getLogger(__name__)

WEBHOOK = "/oto_crm_whatsapp/webhook"


class OtoWhatsappWebhookController(http.Controller):
    def _accounts(self):
        return request.env["oto.whatsapp.account"].sudo().search([])

    @http.route(
        WEBHOOK,
        type="http",
        auth="none",
        methods=["GET"],
        save_session=False,
    )
    def verify(self, **params):
        for account in self._accounts():
            token = account.webhook_verify_token
            challenge = token and handshake(params, token)
            if challenge:
                return request.make_response(
                    challenge, headers=[("Content-Type", "text/plain")]
                )
        _logger.warning("WhatsApp webhook: verification refused")
        return request.make_response("forbidden", status=403)

    @http.route(
        WEBHOOK,
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def receive(self):
        raw = request.httprequest.get_data()
        header = request.httprequest.headers.get("X-Hub-Signature-256")
        account = next(
            (
                a
                for a in self._accounts()
                if a.app_secret and signature_valid(a.app_secret, raw, header)
            ),
            None,
        )
        if account is None:
            _logger.warning("WhatsApp webhook: bad or missing signature, refused")
            return request.make_json_response({"error": "bad signature"}, status=403)
        try:
            events = parse_events(json.loads(raw))
        except (ValueError, WebhookPayloadError) as exc:
            _logger.warning("WhatsApp webhook: malformed payload refused (%s)", exc)
            return request.make_json_response(
                {"error": "malformed payload"}, status=400
            )
        # Meta acts as no user: the changes are made by the system, in the
        # account's company.
        request.update_env(user=SUPERUSER_ID)
        account = account.with_env(request.env).with_company(account.company_id)
        counts = (
            request.env["oto.whatsapp.webhook"]
            .with_company(account.company_id)
            ._process(account, events)
        )
        return request.make_json_response(counts)
