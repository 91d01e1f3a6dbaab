# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The opportunity API (JSON over HTTP, ``/oto/api/v1``): other systems
push opportunities into the sellers' day and read their outcome. Every
answer is JSON; a bad request gets a 4xx with the fields at fault and
changes nothing."""

import json
import logging
import os

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.brand_time import brand_today
from ..models.oto_opportunity_api import OpportunityApiError
from ..tools.opportunity_api import validate

_logger = logging.getLogger(__name__)

PREFIX = "/oto/api/v1"
MAX_BODY = 64 * 1024
OPENAPI = os.path.join(os.path.dirname(__file__), "..", "static", "api", "openapi.json")


def _json(status, payload, headers=None):
    return request.make_json_response(payload, headers=headers, status=status)


def _error(exc):
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return _json(exc.status, exc.to_json(), headers=headers)


def _lang(key=None):
    """The caller's language (Accept-Language) when installed, else the
    language of the key's user, else English."""
    installed = [code for code, _name in request.env["res.lang"].get_installed()]
    for tag in request.httprequest.accept_languages.values():
        code = tag.replace("-", "_")
        for lang in installed:
            if lang.lower() == code.lower() or lang.split("_")[0] == code.lower():
                return lang
    if key and key.user_id.lang in installed:
        return key.user_id.lang
    return "en_US"


class OtoOpportunityApiController(http.Controller):
    def _api(self, key=None):
        return request.env["oto.opportunity.api"].sudo().with_context(lang=_lang(key))

    def _authenticate(self):
        """The API key of the request (``Authorization: Bearer <key>``)."""
        header = request.httprequest.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        key = request.env["oto.api.key"].browse()
        if scheme.lower() == "bearer" and token.strip():
            key = request.env["oto.api.key"].sudo()._authenticate(token.strip())
        if not key:
            api = self._api()
            _logger.info(
                "Opportunity API: refused %s %s (%s key)",
                request.httprequest.method,
                request.httprequest.path,
                "wrong or revoked" if header else "no",
            )
            raise OpportunityApiError(
                401,
                "unauthorized",
                api.env._(
                    "A valid API key is required: send the header "
                    "'Authorization: Bearer <key>'."
                )
                if not header
                else api.env._("The API key is wrong or was revoked."),
            )
        request.update_env(user=key.user_id.id)
        return key

    @http.route(
        f"{PREFIX}/opportunities",
        type="http",
        auth="none",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def opportunities(self, **params):
        try:
            key = self._authenticate()
            api = self._api(key)
            if request.httprequest.method == "GET":
                return self._find(api, key, params)
            return self._create(api, key)
        except OpportunityApiError as exc:
            return _error(exc)

    def _find(self, api, key, params):
        idempotency = params.get("idempotency_key")
        if not idempotency:
            raise OpportunityApiError(
                400,
                "invalid",
                api.env._("Give the idempotency_key to look for."),
                {"idempotency_key": api.env._("required")},
            )
        suggestion = (
            request.env["oto.suggestion"]
            .sudo()
            .search(
                [
                    ("api_key_id", "=", key.id),
                    ("api_idempotency_key", "=", idempotency),
                ],
                limit=1,
            )
        )
        if not suggestion:
            raise OpportunityApiError(
                404,
                "not_found",
                api.env._("No opportunity with this idempotency key."),
            )
        return _json(200, api._to_json(suggestion))

    def _create(self, api, key):
        # (Cached: a request retried after a concurrent update reads it again.)
        raw = request.httprequest.get_data()
        if len(raw) > MAX_BODY:
            raise OpportunityApiError(
                413,
                "too_large",
                api.env._(
                    "The body is larger than %(size)s KB.", size=MAX_BODY // 1024
                ),
            )
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise OpportunityApiError(
                400, "malformed", api.env._("The body is not valid JSON.")
            ) from exc
        clean, errors = validate(payload, brand_today(api.env))
        if errors:
            raise api._invalid(errors)
        try:
            suggestion, created = api._create(key, clean)
        except (UserError, ValidationError) as exc:
            raise OpportunityApiError(422, "rejected", exc.args[0]) from exc
        headers = {"Location": f"{PREFIX}/opportunities/{suggestion.id}"}
        return _json(201 if created else 200, api._to_json(suggestion), headers)

    @http.route(
        f"{PREFIX}/opportunities/<int:opportunity_id>",
        type="http",
        auth="none",
        methods=["GET"],
        save_session=False,
        readonly=False,
    )
    def opportunity(self, opportunity_id):
        try:
            key = self._authenticate()
            api = self._api(key)
            return _json(200, api._to_json(api._get(key, opportunity_id)))
        except OpportunityApiError as exc:
            return _error(exc)

    @http.route(
        f"{PREFIX}/openapi.json",
        type="http",
        auth="none",
        methods=["GET"],
        save_session=False,
    )
    def openapi(self):
        with open(OPENAPI, encoding="utf-8") as document:
            spec = json.load(document)
        spec["servers"] = [{"url": request.httprequest.host_url.rstrip("/") + PREFIX}]
        return _json(200, spec)
