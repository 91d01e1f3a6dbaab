# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A fake of the WhatsApp Cloud API (Meta Graph API) on 127.0.0.1, for
end-to-end tests and benchmarks; plain Python, no pytest needed.

It serves the calls of ``cloud_api.CloudApiClient`` over real HTTP::

    with FakeGraph("token", "app-secret", webhook_url=url) as graph:
        client = CloudApiClient("token", base_url=graph.base_url)
        client.send_text(graph.phone_number_id, "+5511987654321", "Oi!")
        graph.sent[0]["text"]                          # "Oi!"
        graph.post_status(graph.sent[0]["message_id"], "delivered",
                          "5511987654321")             # signed webhook

Behaviour:

- a missing or wrong bearer token: HTTP 401, Meta code 190;
- ``POST /{version}/{phone_number_id}/messages`` (text or template):
  answers a new ``wamid`` and records the message in ``sent`` (thread-safe):
  ``{phone_number_id, to, type, text, preview_url}`` or ``{..., template:
  {name, language, components}}``, with ``message_id`` and ``time``
  (``time.monotonic()`` when the request came). With ``check_templates``
  only approved templates of ``templates`` are accepted (paused 132015,
  disabled 132016, else 132001);
- ``GET /{version}/{phone_number_id}``: the number, "Oto Demo", GREEN;
- several phone numbers (``add_number``), each with its own token (a
  number whose token is wrong or expired answers 401 / 190, the others
  go on); ``biz_opaque_callback_data`` sent with a message is kept
  (``callback_data`` in ``sent``) and comes back in its statuses;
- ``/{version}/{waba_id}/message_templates``: GET (pages of ``page_size``
  templates, ``after`` cursors, ``name`` filter), POST (new templates are
  PENDING; the same name and language again replaces the earlier one, or is
  refused with ``reject_duplicate_templates``), DELETE ``?name=`` (every
  language). ``templates`` is ``{template id: template}``;
- knobs: ``fail_next`` queues error answers for the next sends,
  ``fail_next_templates`` (a list of ``(http status, code, message)``) for
  the next template calls, ``raw_next`` queues any answer (say, not JSON)
  for the next calls of any kind, ``rate_limit_per_second`` answers
  429 / 130429 beyond that rate, ``delay`` seconds before each answer,
  ``not_on_whatsapp`` numbers are accepted then reported failed (131026) by
  ``deliver_pending`` (in the background with ``auto_deliver``).

``received`` lists the calls (method, path, params, body) unless
``keep_calls`` is False (long benchmarks); ``errors`` the tracebacks of the
fake's own bugs (answered HTTP 500).

Webhook helpers (``post_status``, ``post_inbound``, ``post_template_status``,
``post_template_quality``, ``post_payload``) POST payloads shaped as Meta's
to ``webhook_url``, signed with ``X-Hub-Signature-256`` over the exact bytes
sent, and return the HTTP status (``last_payload`` keeps the last one);
``post_raw`` posts bytes with the signature given (``sign(body)``, a wrong
one, or ``None`` for none); ``post_sent_statuses`` posts the ``sent``
status of every message received, as Meta does after accepting one.
``build_*_payload`` give the payloads.
"""

import base64
import hashlib
import hmac
import json
import re
import threading
import time
import traceback
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

DEFAULT_PHONE_NUMBER_ID = "100200300400"
DEFAULT_WABA_ID = "500600700800"
DISPLAY_PHONE_NUMBER = "+55 11 4000-0000"
VERIFIED_NAME = "Oto Demo"
QUALITY_RATING = "GREEN"
# What Meta puts in a webhook's metadata: the same number, digits only.
METADATA_PHONE_NUMBER = "551140000000"
WEBHOOK_TIMEOUT = 10
MAX_TEXT_LENGTH = 4096
TEMPLATE_CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")
TEMPLATE_STATUSES = ("APPROVED", "REJECTED", "PENDING", "PAUSED", "DISABLED")
ERROR_HREF = (
    "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
)

# Titles of the errors the fake reports (Meta's wording).
ERROR_TITLES = {
    100: "Invalid parameter",
    130429: "Rate limit hit",
    131000: "Something went wrong",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131050: "Unable to deliver the message. This recipient has chosen to stop "
    "receiving marketing messages on WhatsApp from your business.",
    132001: "Template name does not exist in the translation",
    132015: "Template is Paused",
    132016: "Template is Disabled",
    190: "Invalid OAuth access token - Cannot parse access token",
}

_VERSION_RE = re.compile(r"v[0-9]{1,3}\.[0-9]{1,3}")
_RECIPIENT_RE = re.compile(r"\+?[0-9]{8,15}")
_TEMPLATE_NAME_RE = re.compile(r"[a-z0-9_]{1,512}")


def _now():
    return str(int(time.time()))


def _digits(number):
    return str(number).strip().removeprefix("+")


def _new_id():
    """A Meta-like numeric ID."""
    return str(10**15 + uuid.uuid4().int % (9 * 10**15))


def _numeric(value):
    """Meta sends template ids as numbers in webhooks."""
    text = str(value)
    return int(text) if text.isdigit() and text.isascii() else text


def graph_error(code, message, subcode=None, details=None, error_type=None):
    """Meta's error body; ``code`` ``None`` leaves the code out."""
    error = {
        "message": message,
        "type": error_type or ("OAuthException" if code in (100, 190) else "Error"),
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details or message},
        "fbtrace_id": "A" + uuid.uuid4().hex[:22],
    }
    if code is None:
        del error["code"]
    if subcode is not None:
        error["error_subcode"] = subcode
    return {"error": error}


def status_error(code, details=None):
    """An error of a failed status, as Meta reports it in a webhook."""
    title = ERROR_TITLES.get(code, "Error")
    return {
        "code": code,
        "title": title,
        "message": title,
        "error_data": {"details": details or title},
        "href": ERROR_HREF,
    }


def _notification(waba_id, field, value, time=None):
    entry = {"id": waba_id, "changes": [{"value": value, "field": field}]}
    if time is not None:
        # WhatsApp Business Account fields carry when Meta issued them.
        entry["time"] = int(time)
    return {"object": "whatsapp_business_account", "entry": [entry]}


def _metadata(phone_number_id, display_phone_number):
    return {
        "display_phone_number": display_phone_number,
        "phone_number_id": phone_number_id,
    }


def build_status_payload(
    phone_number_id,
    message_id,
    status,
    recipient,
    errors=None,
    timestamp=None,
    *,
    waba_id=DEFAULT_WABA_ID,
    display_phone_number=METADATA_PHONE_NUMBER,
    callback_data=None,
):
    """The webhook payload of a status (``sent``, ``delivered``, ``read``,
    ``failed``) of ``message_id``; ``errors`` are Meta error codes or error
    dicts (``{"code", "title"...}``, see ``status_error``);
    ``callback_data`` the message's ``biz_opaque_callback_data``."""
    item = {
        "id": message_id,
        "status": status,
        "timestamp": str(timestamp) if timestamp is not None else _now(),
        "recipient_id": _digits(recipient),
    }
    if callback_data:
        item["biz_opaque_callback_data"] = callback_data
    if status in ("sent", "delivered", "read"):
        item["conversation"] = {"id": uuid.uuid4().hex, "origin": {"type": "marketing"}}
        item["pricing"] = {
            "billable": True,
            "pricing_model": "CBP",
            "category": "marketing",
        }
    if errors:
        item["errors"] = [
            error if isinstance(error, dict) else status_error(error)
            for error in errors
        ]
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "statuses": [item],
    }
    return _notification(waba_id, "messages", value)


def build_inbound_payload(
    phone_number_id,
    sender,
    text,
    name="Cliente",
    message_id=None,
    timestamp=None,
    *,
    waba_id=DEFAULT_WABA_ID,
    display_phone_number=METADATA_PHONE_NUMBER,
):
    """The webhook payload of a text message from ``sender`` (digits)."""
    sender = _digits(sender)
    value = {
        "messaging_product": "whatsapp",
        "metadata": _metadata(phone_number_id, display_phone_number),
        "contacts": [{"profile": {"name": name}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": message_id or f"wamid.{uuid.uuid4().hex}",
                "timestamp": str(timestamp) if timestamp is not None else _now(),
                "type": "text",
                "text": {"body": text},
            }
        ],
    }
    return _notification(waba_id, "messages", value)


def build_template_status_payload(
    waba_id, name, language, event, reason=None, template_id=None, time=None
):
    """The webhook payload of a template's review or status change
    (``APPROVED``, ``REJECTED``, ``PAUSED``, ``DISABLED``...) issued at
    ``time`` (seconds; none when not given)."""
    value = {
        "event": event,
        "message_template_id": _numeric(template_id or _new_id()),
        "message_template_name": name,
        "message_template_language": language,
        "reason": reason if reason is not None else "NONE",
    }
    return _notification(waba_id, "message_template_status_update", value, time)


def build_template_quality_payload(
    waba_id, name, language, quality, previous="GREEN", template_id=None, time=None
):
    """The webhook payload of a template's new quality score."""
    value = {
        "previous_quality_score": previous,
        "new_quality_score": quality,
        "message_template_id": _numeric(template_id or _new_id()),
        "message_template_name": name,
        "message_template_language": language,
    }
    return _notification(waba_id, "message_template_quality_update", value, time)


def build_phone_quality_payload(
    waba_id, display_phone_number, event, current_limit="TIER_1K", time=None
):
    """The webhook payload of a phone number's quality or messaging limit
    change (``FLAGGED``, ``UNFLAGGED``, ``DOWNGRADE``, ``UPGRADE``)."""
    value = {
        "display_phone_number": _digits(display_phone_number),
        "event": event,
        "current_limit": current_limit,
    }
    return _notification(waba_id, "phone_number_quality_update", value, time)


def _cursor(offset):
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor):
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (ValueError, UnicodeError):
        return None
    match = re.fullmatch(r"offset:([0-9]{1,9})", text)
    return int(match.group(1)) if match else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


class _Handler(BaseHTTPRequestHandler):
    def _handle(self):
        # When the request came, before anything else: the rate as Meta sees it.
        self.arrived = time.monotonic()
        length = self.headers.get("Content-Length") or "0"
        body = self.rfile.read(int(length)) if length.isdigit() else b""
        fake = self.server.fake
        try:
            status, answer, content_type = fake.handle(
                self.command, self.path, self.headers, body, arrived=self.arrived
            )
        except Exception:  # A bug of the fake: kept in ``errors``, answer 500.
            fake.errors.append(traceback.format_exc())
            status, content_type = 500, "application/json"
            answer = graph_error(1, "An unknown error occurred (fake)")
        if not isinstance(answer, bytes):
            answer = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # The client gave up (timeout tests).

    do_GET = do_POST = do_DELETE = _handle

    def log_message(self, *args):
        pass


class FakeGraph:
    """A fake Graph API server; see the module's docstring."""

    def __init__(
        self,
        access_token,
        app_secret,
        webhook_url=None,
        phone_number_id=DEFAULT_PHONE_NUMBER_ID,
        waba_id=DEFAULT_WABA_ID,
    ):
        self._access_token = access_token
        self._app_secret = app_secret
        self.webhook_url = webhook_url
        self.phone_number_id = str(phone_number_id)
        # Every phone number served: {id: {"token": ..., "display": ...}}.
        self.numbers = {
            self.phone_number_id: {
                "token": access_token,
                "display": METADATA_PHONE_NUMBER,
            }
        }
        self.waba_id = str(waba_id)
        self.display_phone_number = DISPLAY_PHONE_NUMBER
        self.verified_name = VERIFIED_NAME
        self.quality_rating = QUALITY_RATING
        # Knobs.
        self.page_size = 25
        self.rate_limit_per_second = None
        self.not_on_whatsapp = set()
        self.check_templates = False
        self.reject_duplicate_templates = False
        self.fail_next_templates = []
        self.delay = 0.0
        self.keep_calls = True
        self.auto_deliver = False
        self.auto_deliver_delay = 0.05
        # What happened.
        self.sent = []
        self.received = []
        self.pending_statuses = []
        self.webhook_results = []
        self.errors = []
        self.templates = {}
        self.last_payload = None
        self.base_url = None
        self._lock = threading.RLock()
        self._failures = deque()
        self._raw_answers = deque()
        self._send_times = {}
        self._by_message_id = {}
        self._tls = threading.local()
        self._stopping = threading.Event()
        self._server = None
        self._thread = None

    def __repr__(self):
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # Life cycle --------------------------------------------------------------

    def start(self):
        """Serve on 127.0.0.1 (a free port) in a daemon thread; ``self``."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self.base_url = "http://127.0.0.1:%d" % self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-graph",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving (slow answers in progress are released)."""
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self):
        """Forget the messages, calls, queued answers, pending statuses and
        templates (the knobs stay)."""
        with self._lock:
            for bucket in (
                self.sent,
                self.received,
                self.pending_statuses,
                self.webhook_results,
                self.errors,
                self.fail_next_templates,
                self._failures,
                self._raw_answers,
                self._send_times,
            ):
                bucket.clear()
            self._by_message_id = {}
            self.templates.clear()
            self.last_payload = None

    # Knobs -------------------------------------------------------------------

    def add_number(self, phone_number_id, access_token=None, display=None):
        """Serve another phone number of the business account, with its own
        token (default: the fake's) and display number (digits)."""
        with self._lock:
            self.numbers[str(phone_number_id)] = {
                "token": access_token or self._access_token,
                "display": _digits(display or METADATA_PHONE_NUMBER),
            }
        return str(phone_number_id)

    def fail_number(self, phone_number_id, http_status=500, code=131000):
        """Answer every send of this number with this error (``None``: stop
        failing): Meta down for one number."""
        with self._lock:
            number = self.numbers[str(phone_number_id)]
            number["failure"] = (http_status, code) if http_status else None

    def set_token(self, phone_number_id, access_token):
        """Change the token a number accepts (expire it: calls with the old
        one answer 401 / 190)."""
        with self._lock:
            self.numbers[str(phone_number_id)]["token"] = access_token

    def fail_next(
        self, count=1, http_status=500, code=131000, message=None, details=None
    ):
        """Answer the next ``count`` message sends with this Meta error
        (``code`` ``None``: an error body without a code)."""
        message = message or ERROR_TITLES.get(code, "Error")
        with self._lock:
            for _index in range(count):
                self._failures.append((http_status, code, message, details))

    def raw_next(
        self,
        body=b"<html><body>Bad gateway</body></html>",
        http_status=200,
        content_type="text/html",
        count=1,
    ):
        """Answer the next ``count`` calls (any kind) with exactly ``body``."""
        if isinstance(body, str):
            body = body.encode()
        with self._lock:
            for _index in range(count):
                self._raw_answers.append((http_status, body, content_type))

    def add_template(
        self,
        name,
        language,
        category="MARKETING",
        components=None,
        status="APPROVED",
    ):
        """Put a template in the business account (replacing one of the same
        name and language); a copy of it."""
        template = {
            "id": _new_id(),
            "name": name,
            "language": language,
            "status": status,
            "category": category,
            "components": list(
                components or [{"type": "BODY", "text": f"Template {name}"}]
            ),
            "quality_score": {"score": "UNKNOWN"},
        }
        with self._lock:
            for old in self._find_templates(name, language):
                del self.templates[old["id"]]
            self.templates[template["id"]] = template
        return dict(template)

    def _find_templates(self, name, language=None):
        with self._lock:
            return [
                template
                for template in self.templates.values()
                if template["name"] == name and language in (None, template["language"])
            ]

    def set_template_status(self, name, language, status):
        """Set the status of the template ``name`` in ``language``."""
        with self._lock:
            for template in self._find_templates(name, language):
                template["status"] = status

    # Requests ----------------------------------------------------------------

    def handle(self, method, raw_path, headers, body, arrived=None):
        """``(http status, answer, content type)`` of one request; the answer
        is a dict (sent as JSON) or bytes."""
        self._tls.arrived = arrived if arrived is not None else time.monotonic()
        url = urlsplit(raw_path)
        params = {
            key: values[0]
            for key, values in parse_qs(url.query, keep_blank_values=True).items()
        }
        if self.keep_calls:
            with self._lock:
                self.received.append(
                    {"method": method, "path": url.path, "params": params, "body": body}
                )
        if self.delay:
            self._stopping.wait(self.delay)
        parts = url.path.strip("/").split("/")
        target = parts[1] if len(parts) > 1 else ""
        if not self._authorized(headers.get("Authorization"), target):
            return self._error(401, 190, ERROR_TITLES[190])
        with self._lock:
            raw = self._raw_answers.popleft() if self._raw_answers else None
        if raw:
            return raw
        if len(parts) in (2, 3) and _VERSION_RE.fullmatch(parts[0]):
            edge = parts[2] if len(parts) == 3 else None
            number = "number" if target in self.numbers else target
            route = {
                ("GET", "number", None): self._phone_number,
                ("POST", "number", "messages"): self._send,
                ("GET", self.waba_id, "message_templates"): self._list_templates,
                ("POST", self.waba_id, "message_templates"): self._create_template,
                ("DELETE", self.waba_id, "message_templates"): self._delete_template,
            }.get((method, number, edge))
            if route:
                return route(params, body, url.path)
        return self._error(
            400,
            100,
            f"Unsupported {method.lower()} request. Object with ID "
            f"'{parts[1] if len(parts) > 1 else ''}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this "
            "operation.",
            subcode=33,
        )

    def _authorized(self, header, target=""):
        number = self.numbers.get(target)
        token = number["token"] if number else self._access_token
        expected = f"Bearer {token}".encode()
        given = (header or "").encode("utf-8", "replace")
        return hmac.compare_digest(expected, given)

    @staticmethod
    def _error(http_status, code, message, subcode=None, details=None):
        body = graph_error(code, message, subcode=subcode, details=details)
        return http_status, body, "application/json"

    @staticmethod
    def _ok(answer):
        return 200, answer, "application/json"

    @staticmethod
    def _json(body):
        try:
            data = json.loads(body or b"null")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def _phone_number(self, params, body, path):
        number = path.strip("/").split("/")[1]
        answer = {
            "display_phone_number": self.display_phone_number,
            "verified_name": self.verified_name,
            "quality_rating": self.quality_rating,
            "id": number,
        }
        fields = params.get("fields")
        if fields:
            wanted = set(fields.split(",")) | {"id"}
            answer = {key: value for key, value in answer.items() if key in wanted}
        return self._ok(answer)

    def _rate_limited(self, number):
        """Beyond ``rate_limit_per_second`` messages of ``number`` in the
        last second (each number has its own throughput)."""
        limit = self.rate_limit_per_second
        if not limit:
            return False
        with self._lock:
            now = time.monotonic()
            times = self._send_times.setdefault(number, deque())
            while times and times[0] <= now - 1:
                times.popleft()
            if len(times) >= limit:
                return True
            times.append(now)
            return False

    def _send(self, params, body, path):
        number = path.strip("/").split("/")[1]
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
        if failure:
            http_status, code, message, details = failure
            return self._error(http_status, code, message, details=details)
        broken = self.numbers.get(number, {}).get("failure")
        if broken:
            return self._error(
                broken[0], broken[1], ERROR_TITLES.get(broken[1], "Error")
            )
        if self._rate_limited(number):
            return self._error(429, 130429, ERROR_TITLES[130429])
        data = self._json(body)
        if data is None or data.get("messaging_product") != "whatsapp":
            return self._error(400, 100, "The parameter messaging_product is required.")
        to = data.get("to")
        if not isinstance(to, str) or not _RECIPIENT_RE.fullmatch(to):
            return self._error(400, 100, "Invalid parameter", details="to")
        to = _digits(to)
        record = {"phone_number_id": number, "to": to}
        callback = data.get("biz_opaque_callback_data")
        if callback is not None:
            if not isinstance(callback, str) or len(callback) > 512:
                return self._error(
                    400, 100, "Invalid parameter", details="biz_opaque_callback_data"
                )
            record["callback_data"] = callback
        kind = data.get("type")
        if kind == "text":
            text = data.get("text")
            content = text.get("body") if isinstance(text, dict) else None
            if not isinstance(content, str) or not content.strip():
                return self._error(400, 100, "The parameter text['body'] is required.")
            if len(content) > MAX_TEXT_LENGTH:
                return self._error(
                    400,
                    100,
                    "Param text['body'] must be at most 4096 characters long.",
                )
            record.update(
                type="text", text=content, preview_url=bool(text.get("preview_url"))
            )
        elif kind == "template":
            error = self._check_template(data.get("template"), record)
            if error:
                return error
        else:
            return self._error(400, 100, "Invalid parameter", details="type")
        message_id = f"wamid.{uuid.uuid4().hex}"
        record.update(message_id=message_id, time=self._tls.arrived, wall=time.time())
        with self._lock:
            self.sent.append(record)
            self._by_message_id[message_id] = record
            if to in {_digits(number) for number in self.not_on_whatsapp}:
                self.pending_statuses.append((message_id, to))
                if self.auto_deliver:
                    timer = threading.Timer(self.auto_deliver_delay, self._deliver)
                    timer.daemon = True
                    timer.start()
        return self._ok(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": data["to"], "wa_id": to}],
                "messages": [{"id": message_id}],
            }
        )

    def _check_template(self, template, record):
        """The error answer of a template message, or ``None`` (and the
        template recorded in ``record``)."""
        template = template if isinstance(template, dict) else {}
        name, language = template.get("name"), template.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not isinstance(name, str) or not isinstance(code, str):
            return self._error(
                400, 100, "Invalid parameter", details="template name and language"
            )
        components = template.get("components") or []
        if not isinstance(components, list):
            return self._error(400, 100, "Invalid parameter", details="components")
        if self.check_templates:
            known = self._find_templates(name, code)
            status = known[0]["status"] if known else None
            if status == "PAUSED":
                return self._error(400, 132015, ERROR_TITLES[132015])
            if status == "DISABLED":
                return self._error(400, 132016, ERROR_TITLES[132016])
            if status != "APPROVED":
                return self._error(
                    404,
                    132001,
                    f"(#132001) {ERROR_TITLES[132001]}",
                    details=f"template name ({name}) does not exist in {code}",
                )
        record.update(
            type="template",
            template={"name": name, "language": code, "components": components},
        )
        return None

    def _template_failure(self):
        with self._lock:
            failure = (
                self.fail_next_templates.pop(0) if self.fail_next_templates else None
            )
        if failure:
            http_status, code, message = failure
            return self._error(http_status, code, message)
        return None

    def _list_templates(self, params, body, path):
        failure = self._template_failure()
        if failure:
            return failure
        name = params.get("name")
        with self._lock:
            templates = [
                dict(template)
                for template in self.templates.values()
                if name in (None, template["name"])
            ]
        try:
            limit = int(params.get("limit") or 25)
        except ValueError:
            return self._error(400, 100, "Invalid parameter", details="limit")
        limit = max(1, min(limit, self.page_size))
        offset = 0
        if params.get("after"):
            offset = _offset(params["after"])
            if offset is None:
                return self._error(400, 100, "Invalid parameter", details="after")
        page = templates[offset : offset + limit]
        fields = params.get("fields")
        if fields:
            wanted = set(fields.split(",")) | {"id"}
            page = [
                {key: value for key, value in item.items() if key in wanted}
                for item in page
            ]
        answer = {"data": page}
        if page:
            after = _cursor(offset + len(page))
            answer["paging"] = {"cursors": {"before": _cursor(offset), "after": after}}
            if offset + len(page) < len(templates):
                query = urlencode({**params, "after": after})
                answer["paging"]["next"] = f"{self.base_url}{path}?{query}"
        return self._ok(answer)

    def _create_template(self, params, body, path):
        failure = self._template_failure()
        if failure:
            return failure
        data = self._json(body) or {}
        name, language = data.get("name"), data.get("language")
        category, components = data.get("category"), data.get("components")
        if not isinstance(name, str) or not _TEMPLATE_NAME_RE.fullmatch(name):
            return self._error(
                400,
                100,
                "Invalid parameter",
                details="name: lowercase letters, digits and underscores only",
            )
        if not isinstance(language, str) or not language:
            return self._error(400, 100, "Invalid parameter", details="language")
        if category not in TEMPLATE_CATEGORIES:
            return self._error(400, 100, "Invalid parameter", details="category")
        if (
            not isinstance(components, list)
            or not all(isinstance(item, dict) for item in components)
            or not any(str(item.get("type")).upper() == "BODY" for item in components)
        ):
            return self._error(
                400, 100, "Invalid parameter", details="components need a BODY"
            )
        with self._lock:
            if self.reject_duplicate_templates and self._find_templates(name, language):
                return self._error(
                    400,
                    100,
                    "Invalid parameter",
                    subcode=2388024,
                    details=f"Content in this language already exists: {name}",
                )
            template = self.add_template(
                name, language, category, components, status="PENDING"
            )
        return self._ok(
            {"id": template["id"], "status": "PENDING", "category": category}
        )

    def _delete_template(self, params, body, path):
        failure = self._template_failure()
        if failure:
            return failure
        with self._lock:
            found = self._find_templates(params.get("name"))
            for template in found:
                del self.templates[template["id"]]
        if not found:
            return self._error(
                400,
                100,
                "Invalid parameter",
                subcode=2593002,
                details=f"Message template not found: {params.get('name')}",
            )
        return self._ok({"success": True})

    # Webhook -----------------------------------------------------------------

    def sign(self, body):
        """The ``X-Hub-Signature-256`` value of ``body`` (bytes)."""
        digest = hmac.new(self._app_secret.encode(), body, hashlib.sha256)
        return f"sha256={digest.hexdigest()}"

    def post_raw(self, body_bytes, signature=None):
        """POST ``body_bytes`` to ``webhook_url`` with ``signature`` as the
        ``X-Hub-Signature-256`` header (``None``: no header; ``sign(body)``
        for a good one); the HTTP status."""
        if not self.webhook_url:
            raise RuntimeError("FakeGraph has no webhook_url to post to.")
        if isinstance(body_bytes, str):
            body_bytes = body_bytes.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "facebookexternalua",
        }
        if signature is not None:
            headers["X-Hub-Signature-256"] = signature
        response = requests.post(
            self.webhook_url,
            data=body_bytes,
            headers=headers,
            timeout=WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
        return response.status_code

    def post_payload(self, payload):
        """POST ``payload`` (a dict) as JSON, signed; the HTTP status."""
        self.last_payload = payload
        body = json.dumps(payload).encode()
        return self.post_raw(body, signature=self.sign(body))

    def status_payload(
        self, message_id, status, recipient=None, errors=None, timestamp=None
    ):
        """The payload of a status of a message: its number and
        ``biz_opaque_callback_data`` when the fake received it."""
        with self._lock:
            record = self._by_message_id.get(message_id) or {}
        return build_status_payload(
            record.get("phone_number_id", self.phone_number_id),
            message_id,
            status,
            recipient or record.get("to", ""),
            errors,
            timestamp,
            waba_id=self.waba_id,
            display_phone_number=self.numbers.get(
                record.get("phone_number_id"), {}
            ).get("display", METADATA_PHONE_NUMBER),
            callback_data=record.get("callback_data"),
        )

    def post_status(
        self, message_id, status, recipient=None, errors=None, timestamp=None
    ):
        """POST a status of ``message_id``; the HTTP status."""
        return self.post_payload(
            self.status_payload(message_id, status, recipient, errors, timestamp)
        )

    def post_sent_statuses(self, per_post=10):
        """POST the ``sent`` status of every message received (``per_post``
        statuses per POST, as Meta batches them); the HTTP statuses."""
        with self._lock:
            records = list(self.sent)
        results = []
        for start in range(0, len(records), per_post):
            payloads = [
                self.status_payload(r["message_id"], "sent")
                for r in records[start : start + per_post]
            ]
            payload = payloads[0]
            value = payload["entry"][0]["changes"][0]["value"]
            for other in payloads[1:]:
                other_value = other["entry"][0]["changes"][0]["value"]
                if other_value["metadata"] == value["metadata"]:
                    value["statuses"] += other_value["statuses"]
                else:
                    payload["entry"].append(other["entry"][0])
            results.append(self.post_payload(payload))
        return results

    def post_inbound(self, sender, text, name="Cliente"):
        """POST a customer's text message; ``(HTTP status, message id)``."""
        message_id = f"wamid.{uuid.uuid4().hex}"
        payload = build_inbound_payload(
            self.phone_number_id,
            sender,
            text,
            name,
            message_id,
            waba_id=self.waba_id,
        )
        return self.post_payload(payload), message_id

    def _template_id(self, name, language, template_id):
        if template_id is not None:
            return str(template_id)
        known = self._find_templates(name, language)
        return known[0]["id"] if known else _new_id()

    def post_template_status(
        self, name, language, event, reason=None, template_id=None, time=None
    ):
        """POST a template status change issued at ``time`` (default: now);
        the HTTP status. A known template takes the new status
        (``APPROVED``, ``REJECTED``, ``PAUSED``...)."""
        template_id = self._template_id(name, language, template_id)
        if event in TEMPLATE_STATUSES:
            self.set_template_status(name, language, event)
        return self.post_payload(
            build_template_status_payload(
                self.waba_id,
                name,
                language,
                event,
                reason,
                template_id,
                time=int(_now()) if time is None else time,
            )
        )

    def post_template_quality(self, name, language, quality, template_id=None):
        """POST a template's new quality score; the HTTP status."""
        template_id = self._template_id(name, language, template_id)
        with self._lock:
            for template in self._find_templates(name, language):
                template["quality_score"] = {"score": quality}
        return self.post_payload(
            build_template_quality_payload(
                self.waba_id, name, language, quality, template_id=template_id
            )
        )

    def deliver_pending(self):
        """POST the failed statuses (131026) of the messages sent to
        ``not_on_whatsapp`` numbers; the HTTP statuses."""
        with self._lock:
            pending = list(self.pending_statuses)
            self.pending_statuses.clear()
        results = [
            self.post_status(message_id, "failed", recipient, errors=[131026])
            for message_id, recipient in pending
        ]
        with self._lock:
            self.webhook_results += results
        return results

    def _deliver(self):
        try:
            self.deliver_pending()
        except requests.RequestException:
            with self._lock:
                self.webhook_results.append(None)
