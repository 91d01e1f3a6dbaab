# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The opportunity API (JSON over HTTP, ``/oto/api/v1``): other systems
push opportunities into the sellers' day and read their outcome. Every
answer is JSON; a bad request gets a 4xx with the fields at fault and
changes nothing."""

import datetime
import json
import logging
import os
import re

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from odoo import http
from odoo.exceptions import AccessDenied, AccessError, UserError, ValidationError
from odoo.http import request

from ..models.brand_time import brand_today
from ..models.oto_opportunity_api import OpportunityApiError
from ..tools.opportunity_api import MAX_TEXT, validate

_logger = logging.getLogger(__name__)

API_ROOT = "/oto/api"
PREFIX = f"{API_ROOT}/v1"
MAX_BODY = 64 * 1024
# A batch of up to 1,000 purchases with their lines.
MAX_BATCH_BODY = 8 * 1024 * 1024
# The results' period: 30 days unless told, a year at most.
RESULTS_DAYS = 30
RESULTS_MAX_DAYS = 366
# Record ids are PostgreSQL integers.
MAX_ID = 2**31 - 1
# The API's routes and their methods (anything else under /oto/api: 404/405).
ROUTES = (
    (re.compile(r"v1/opportunities/?"), ("GET", "HEAD", "POST")),
    (re.compile(r"v1/opportunities/[0-9]+/?"), ("GET", "HEAD")),
    (re.compile(r"v1/results/?"), ("GET", "HEAD")),
    (re.compile(r"v1/purchases/?"), ("POST",)),
    (re.compile(r"v1/openapi\.json"), ("GET", "HEAD")),
)
HTTP_CODES = {
    400: "malformed",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    411: "length_required",
    413: "too_large",
    415: "unsupported_media_type",
}
OPENAPI = os.path.join(os.path.dirname(__file__), "..", "static", "api", "openapi.json")


def _json(status, payload, headers=None):
    return request.make_json_response(payload, headers=headers, status=status)


def _error(exc):
    headers = dict(exc.headers)
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return _json(exc.status, exc.to_json(), headers=headers or None)


def is_api_request():
    return request and (
        request.httprequest.path == API_ROOT
        or request.httprequest.path.startswith(f"{API_ROOT}/")
    )


def error_response(exception):
    """Whatever went wrong under /oto/api, the answer is JSON (called by
    ``ir.http._handle_error``; the transaction is rolled back)."""
    if isinstance(exception, OpportunityApiError):
        return _error(exception)
    if isinstance(exception, HTTPException) and exception.code:
        status = exception.code
        message = exception.description or exception.name
    elif isinstance(exception, AccessDenied | AccessError):
        status, message = 403, exception.args[0]
    elif isinstance(exception, UserError | ValidationError):
        status, message = 422, exception.args[0]
    else:
        _logger.exception("Opportunity API: unexpected error")
        status, message = 500, "Internal error: the request changed nothing."
    try:
        message = _http_messages(status).get(status, message)
    except Exception:  # noqa: BLE001 - the error must be answered, in English then
        _logger.debug("Opportunity API: error message left untranslated")
    code = HTTP_CODES.get(status, "rejected" if status == 422 else "error")
    return _json(status, {"error": {"code": code, "message": message}})


def _http_messages(status):
    """The caller's language for the errors Odoo or werkzeug raised."""
    env = request.env["oto.opportunity.api"].with_context(lang=_lang()).env
    batch = request.httprequest.path.rstrip("/") == f"{PREFIX}/purchases"
    limit = MAX_BATCH_BODY if batch else MAX_BODY
    return {
        400: env._("The request is malformed."),
        404: env._("There is nothing at this address."),
        405: env._("This method is not allowed here."),
        413: env._("The body is larger than %(size)s KB.", size=limit // 1024),
        500: env._("Internal error: the request changed nothing."),
    }


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


def _not_json(constant):
    raise ValueError(f"{constant} is not JSON")


class OtoOpportunityApiController(http.Controller):
    def _api(self, key=None):
        return request.env["oto.opportunity.api"].sudo().with_context(lang=_lang(key))

    def _authenticate(self):
        """The API key of the request (``Authorization: Bearer <key>``)."""
        header = request.httprequest.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        token = token.strip()
        key = request.env["oto.api.key"].browse()
        # A key is short printable ASCII: anything else is wrong, unread.
        if (
            scheme.lower() == "bearer"
            and 0 < len(token) <= 200
            and token.isascii()
            and token.isprintable()
        ):
            key = request.env["oto.api.key"].sudo()._authenticate(token)
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
        # Forms are parsed before the route runs: cut them at the limit too.
        max_content_length=MAX_BODY,
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
        if not isinstance(idempotency, str) or not idempotency.strip():
            raise OpportunityApiError(
                400,
                "invalid",
                api.env._("Give the idempotency_key to look for."),
                {"idempotency_key": api.env._("required")},
            )
        idempotency = idempotency.strip()
        if len(idempotency) > MAX_TEXT["idempotency_key"] or "\x00" in idempotency:
            # No opportunity can have such a key.
            raise OpportunityApiError(
                404,
                "not_found",
                api.env._("No opportunity with this idempotency key."),
            )
        suggestion = request.env["oto.suggestion"]._oto_find_by_request(
            key, idempotency
        )
        if not suggestion:
            raise OpportunityApiError(
                404,
                "not_found",
                api.env._("No opportunity with this idempotency key."),
            )
        return _json(200, api._to_json(suggestion))

    def _read_body(self, api, limit=MAX_BODY):
        """The request's body as JSON (an object or anything else: the
        validator says what is wrong): only ``application/json`` in UTF-8,
        at most ``limit`` bytes, strict JSON (no NaN, no Infinity)."""
        httprequest = request.httprequest
        charset = httprequest.mimetype_params.get("charset", "utf-8").lower()
        if httprequest.mimetype != "application/json" or charset not in (
            "utf-8",
            "utf8",
        ):
            raise OpportunityApiError(
                415,
                "unsupported_media_type",
                api.env._(
                    "Send the body as JSON in UTF-8, with the header "
                    "'Content-Type: application/json'."
                ),
                headers={"Accept-Post": "application/json"},
            )
        too_large = OpportunityApiError(
            413,
            "too_large",
            api.env._("The body is larger than %(size)s KB.", size=limit // 1024),
        )
        if httprequest.content_length is None:
            # A body of unknown length (chunked) would be read whole to
            # know it is too large: its length first.
            raise OpportunityApiError(
                411,
                "length_required",
                api.env._("Send the body with its length (Content-Length)."),
            )
        if httprequest.content_length > limit:
            raise too_large
        try:
            # (Cached: a request retried after a concurrent update reads it
            # again.)
            raw = httprequest.get_data()
        except RequestEntityTooLarge as exc:
            raise too_large from exc
        if len(raw) > limit:
            raise too_large
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_not_json)
        except (ValueError, RecursionError) as exc:
            # Not UTF-8, not JSON, NaN or Infinity, numbers too long, or
            # nested deeper than a parser goes.
            raise OpportunityApiError(
                400, "malformed", api.env._("The body is not valid JSON in UTF-8.")
            ) from exc

    def _create(self, api, key):
        payload = self._read_body(api)
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
            if opportunity_id > MAX_ID:
                raise api._not_found(opportunity_id)
            return _json(200, api._to_json(api._get(key, opportunity_id)))
        except OpportunityApiError as exc:
            return _error(exc)

    @http.route(
        f"{PREFIX}/purchases",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
        max_content_length=MAX_BATCH_BODY,
    )
    def purchases(self, **_params):
        """A batch of purchases from another system (up to 1,000), each
        answered with its own result."""
        try:
            key = self._authenticate()
            api = self._api(key)
            payload = self._read_body(api, MAX_BATCH_BODY)
            return _json(200, api._purchases(key, payload))
        except OpportunityApiError as exc:
            return _error(exc)

    @http.route(
        f"{PREFIX}/results",
        type="http",
        auth="none",
        methods=["GET"],
        save_session=False,
        readonly=False,
    )
    def results(self, date_from=None, date_to=None, **_params):
        """What this key's opportunities became, by type, for the days of
        their creation ``date_from`` to ``date_to`` (YYYY-MM-DD)."""
        try:
            key = self._authenticate()
            api = self._api(key)
            today = brand_today(api.env)
            errors = {}
            days = {}
            for name, value in (("date_from", date_from), ("date_to", date_to)):
                if value in (None, ""):
                    continue
                try:
                    days[name] = datetime.date.fromisoformat(str(value)[:10])
                    if len(str(value)) != 10:
                        raise ValueError(value)
                except ValueError:
                    errors[name] = api.env._("a date as YYYY-MM-DD")
            if errors:
                raise OpportunityApiError(
                    400, "invalid", api.env._("Some dates are not valid."), errors
                )
            until = days.get("date_to", today)
            since = days.get(
                "date_from", until - datetime.timedelta(days=RESULTS_DAYS - 1)
            )
            if since > until:
                raise OpportunityApiError(
                    400,
                    "invalid",
                    api.env._("The period ends before it starts."),
                    {"date_from": api.env._("on or before date_to")},
                )
            if (until - since).days >= RESULTS_MAX_DAYS:
                raise OpportunityApiError(
                    400,
                    "invalid",
                    api.env._("Ask for %(days)s days at most.", days=RESULTS_MAX_DAYS),
                    {"date_from": api.env._("within a year of date_to")},
                )
            return _json(200, api._results(key, since, until))
        except OpportunityApiError as exc:
            return _error(exc)

    @http.route(
        [API_ROOT, f"{API_ROOT}/<path:path>"],
        type="http",
        auth="none",
        csrf=False,
        save_session=False,
    )
    def not_found(self, path=""):
        """Anything else under /oto/api: a JSON 404, or a 405 for a method
        the route does not take (never Odoo's HTML pages)."""
        api = self._api()
        method = request.httprequest.method
        for pattern, methods in ROUTES:
            if pattern.fullmatch(path) and method not in methods:
                return _error(
                    OpportunityApiError(
                        405,
                        "method_not_allowed",
                        api.env._(
                            "%(method)s is not allowed here: use %(allowed)s.",
                            method=method,
                            allowed=", ".join(m for m in methods if m != "HEAD"),
                        ),
                        headers={"Allow": ", ".join(methods)},
                    )
                )
        return _error(
            OpportunityApiError(
                404, "not_found", api.env._("There is nothing at this address.")
            )
        )

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
