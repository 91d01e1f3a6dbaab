# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meta's webhook: the GET handshake, and signed POSTs (statuses, messages,
template reviews, number quality). A POST not signed with an account's app
secret is refused (403) and nothing is stored; a signed one is answered 200
and nothing in it is lost (see ``oto.whatsapp.webhook``)."""

import json
import logging

from odoo import SUPERUSER_ID, http
from odoo.http import request

from ..tools.webhook import (
    Delivery,
    Problem,
    handshake,
    parse_delivery,
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
        """A delivery signed with the app secret of one account at least
        (several numbers may share one Meta app): every event goes to the
        account of its number; what cannot be read or routed is kept with
        its raw JSON. A signed delivery is always answered 200 (Meta does
        not send it again otherwise), a forged one 403 with nothing kept."""
        raw = request.httprequest.get_data()
        header = request.httprequest.headers.get("X-Hub-Signature-256")
        accounts = self._accounts().filtered(
            lambda a: a.app_secret and signature_valid(a.app_secret, raw, header)
        )
        if not accounts:
            _logger.warning("WhatsApp webhook: bad or missing signature, refused")
            return request.make_json_response({"error": "bad signature"}, status=403)
        try:
            delivery = parse_delivery(json.loads(raw))
        except ValueError as exc:
            _logger.warning(
                "WhatsApp webhook: a signed body that is not JSON (%s)", exc
            )
            delivery = Delivery(
                problems=(Problem("payload", f"payload: not JSON ({exc})", None),)
            )
        if delivery.problems:
            _logger.warning(
                "WhatsApp webhook: %s item(s) could not be read and are kept: %s",
                len(delivery.problems),
                "; ".join(p.error for p in delivery.problems[:3]),
            )
        # Meta acts as no user: the changes are made by the system, each in
        # its account's company.
        request.update_env(user=SUPERUSER_ID)
        counts = request.env["oto.whatsapp.webhook"]._process_delivery(
            accounts.with_env(request.env), delivery, raw=raw
        )
        return request.make_json_response(counts)
