# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Client of the WhatsApp Business Cloud API (Meta Graph API), plain Python.

``CloudApiClient`` is the one seam to Meta: every call the add-on makes goes
through it, and tests of the Odoo layer patch or fake exactly that class
(``fake_graph.FakeGraph`` serves the same calls on 127.0.0.1).

Every failure is a ``CloudApiError`` with ``code`` (Meta's error code),
``http_status``, ``message`` (English), ``retryable`` and ``maybe_sent``
(the request may have reached Meta and done its work although no usable
answer came back: a read timeout, a cut connection, a 2xx that is not what
Meta answers; sending it again could send a message twice):

- ``CloudApiAuthError``: HTTP 401 or code 190, the token expired or is
  invalid (not retryable);
- ``CloudApiRateLimit``: HTTP 429 or codes 4, 80007, 130429, 131056
  (retryable, later);
- ``CloudApiTemporaryError``: HTTP 5xx, timeouts, connection errors
  (retryable);
- ``CloudApiRequestError``: any other 4xx, the request itself is refused
  (not retryable);
- ``CloudApiResponseError``: the answer is not JSON or lacks what the call
  expects (not retryable).

Arguments that cannot be right whatever Meta says (an ID that is not
digits, an empty text) raise ``ValueError``: they are programming errors.

The access token never appears in an exception, a ``repr`` or a log line.
"""

import re

import requests

DEFAULT_API_VERSION = "v21.0"
DEFAULT_BASE_URL = "https://graph.facebook.com"
# Connecting takes one round trip: no need to wait the whole read timeout.
MAX_CONNECT_TIMEOUT = 3.05
# How much of Meta's message and details goes into an error.
MAX_ERROR_DETAIL = 300
# Templates asked per page of ``list_templates``, and the most pages read.
TEMPLATES_PAGE_SIZE = 100
MAX_PAGES = 1000
PHONE_FIELDS = ("display_phone_number", "verified_name", "quality_rating")
TEMPLATE_FIELDS = (
    "id",
    "name",
    "language",
    "status",
    "category",
    "components",
    "quality_score",
    "rejected_reason",
)

AUTH_CODES = frozenset({190})
RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131056})

# Meta's error codes (Graph API and Cloud API) -> what they mean, in English.
ERROR_REASONS = {
    0: "Meta could not authenticate the app user: check the access token.",
    1: "Meta reported an unknown error; try again later.",
    2: "Meta's service is temporarily unavailable; try again later.",
    3: "The app lacks the capability or permission for this call.",
    4: "The app reached its API call rate limit; try again later.",
    10: "Permission denied: the token lacks a permission this call needs.",
    100: "Invalid parameter: a value sent to Meta is missing, misspelled or "
    "not allowed.",
    190: "The access token expired or is invalid: generate a new token.",
    200: "The token lacks a permission this call needs.",
    368: "The account is temporarily blocked for violating Meta's policies.",
    470: "More than 24 hours passed since the customer's last message: only "
    "an approved template can be sent.",
    80007: "The WhatsApp Business Account reached its rate limit; try again later.",
    130429: "The phone number reached its message throughput limit; try again later.",
    130472: "The customer's number is part of a Meta experiment and did not "
    "receive this marketing message.",
    130497: "The business cannot message customers in this country.",
    131000: "Something went wrong at Meta while sending the message.",
    131005: "Access denied: the permission was not granted or was removed.",
    131008: "A required parameter is missing.",
    131009: "A parameter value is not valid.",
    131016: "The WhatsApp service is temporarily unavailable; try again later.",
    131021: "The recipient is the sending number itself.",
    131026: "The message could not be delivered: the number is not on WhatsApp "
    "or cannot receive messages (old app version or terms not accepted).",
    131031: "The WhatsApp Business Account is locked (policy violation or "
    "verification failure).",
    131037: "The sending number needs an approved display name.",
    131042: "A payment problem on the WhatsApp Business Account: check the "
    "payment method in Meta Business Suite.",
    131045: "The phone number is not registered (certificate error).",
    131047: "More than 24 hours passed since the customer's last message: only "
    "an approved template can be sent.",
    131048: "Too many messages from this number were marked as spam; sending "
    "is limited.",
    131049: "Meta did not deliver this marketing message to keep engagement "
    "healthy; try again later.",
    131050: "The customer stopped receiving marketing messages from the business.",
    131051: "This message type is not supported.",
    131052: "The media sent by the customer could not be downloaded.",
    131053: "The media could not be uploaded (unsupported type or too large).",
    131056: "Too many messages to the same customer in a short time; try again later.",
    131057: "The WhatsApp Business Account is in maintenance mode.",
    132000: "The number of template parameters does not match the template.",
    132001: "The template does not exist in this language or is not approved yet.",
    132005: "The template text is too long once parameters are filled in.",
    132007: "The template content breaks WhatsApp's formatting policy.",
    132012: "A template parameter has the wrong format.",
    132015: "The template is paused because of its low quality.",
    132016: "The template is disabled because of its low quality.",
    132068: "The flow is blocked.",
    132069: "The flow is throttled.",
    133000: "The previous deregistration of the phone number did not complete.",
    133010: "The phone number is not registered on the Cloud API.",
    135000: "Meta refused the request (generic user error).",
}


def error_reason(code, fallback=""):
    """What Meta's error ``code`` means, in English; ``fallback`` when the
    code is unknown or ``None``."""
    if isinstance(code, bool):
        return fallback
    if isinstance(code, str) and re.fullmatch(r"[0-9]{1,9}", code.strip()):
        code = int(code)
    return ERROR_REASONS.get(code, fallback) if isinstance(code, int) else fallback


class CloudApiError(Exception):
    """A call to the WhatsApp Cloud API failed.

    ``code`` is Meta's error code (int or ``None``), ``http_status`` the
    HTTP status (``None`` when there was no answer), ``message`` a readable
    English text, ``retryable`` whether the same call may work later;
    ``reason`` is ``error_reason(code)``, ``subcode``, ``details``,
    ``error_type`` and ``fbtrace_id`` what Meta said, when it did;
    ``maybe_sent`` whether the request may have been carried out.
    """

    retryable = False
    maybe_sent = False

    def __init__(
        self,
        message,
        code=None,
        http_status=None,
        *,
        retryable=None,
        subcode=None,
        details="",
        error_type="",
        fbtrace_id="",
        maybe_sent=None,
    ):
        super().__init__(message)
        if maybe_sent is not None:
            self.maybe_sent = bool(maybe_sent)
        self.message = message
        self.code = code
        self.http_status = http_status
        if retryable is not None:
            self.retryable = bool(retryable)
        self.subcode = subcode
        self.details = details
        self.error_type = error_type
        self.fbtrace_id = fbtrace_id
        self.reason = error_reason(code)

    def __str__(self):
        return self.message


class CloudApiAuthError(CloudApiError):
    """The access token expired or is invalid (HTTP 401, code 190)."""


class CloudApiRateLimit(CloudApiError):
    """Too many calls or messages (HTTP 429, codes 4, 80007, 130429, 131056)."""

    retryable = True


class CloudApiTemporaryError(CloudApiError):
    """Meta failed (5xx) or did not answer (timeout, connection error)."""

    retryable = True


class CloudApiRequestError(CloudApiError):
    """Meta refused the request (4xx other than the above)."""


class CloudApiResponseError(CloudApiError):
    """The answer is not JSON or lacks the fields the call expects."""


def error_class(http_status, code):
    """The ``CloudApiError`` subclass of an error answer."""
    if http_status == 401 or code in AUTH_CODES:
        return CloudApiAuthError
    if http_status == 429 or code in RATE_LIMIT_CODES:
        return CloudApiRateLimit
    if http_status is not None and http_status >= 500:
        return CloudApiTemporaryError
    if http_status is not None and 400 <= http_status < 500:
        return CloudApiRequestError
    return CloudApiResponseError


def _is_read_timeout(exc):
    # requests reports a read timeout in the middle of the body as a
    # ConnectionError that wraps urllib3's ReadTimeoutError.
    return any(type(arg).__name__ == "ReadTimeoutError" for arg in exc.args)


def _never_connected(exc):
    """Whether a connection error happened before the request was sent (the
    connection was refused or the name did not resolve)."""
    seen, todo = set(), [exc]
    while todo:
        error = todo.pop()
        if id(error) in seen or error is None:
            continue
        seen.add(id(error))
        if type(error).__name__ in ("NewConnectionError", "NameResolutionError"):
            return True
        if isinstance(error, ConnectionRefusedError):
            return True
        todo += [error.__cause__, error.__context__, getattr(error, "reason", None)]
        todo += [
            arg for arg in getattr(error, "args", ()) if isinstance(arg, Exception)
        ]
    return False


def _meta_id(value, what):
    """A Meta object ID (digits) as text, for a URL path."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{1,30}", value.strip()):
        raise ValueError(f"The {what} must be a Meta ID (digits only).")
    return value.strip()


def _recipient(to):
    """The recipient as Meta wants it: digits only (``+55 11 ...`` accepted)."""
    if not isinstance(to, str):
        raise ValueError("The recipient must be a phone number in text.")
    digits = re.sub(r"[\s().-]", "", to.strip()).removeprefix("+")
    if not re.fullmatch(r"[0-9]{8,15}", digits):
        raise ValueError(
            "The recipient must be an international phone number (country code "
            "and number, digits only)."
        )
    return digits


def _text(value, what):
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"The {what} must be a non-empty text.")
    return value


def _callback_data(value):
    """``biz_opaque_callback_data``: a text of at most 512 characters."""
    if not isinstance(value, str) or not value or len(value) > 512:
        raise ValueError("The callback data must be a text of 1 to 512 characters.")
    return value


def _short(text):
    text = " ".join(str(text).split())
    if len(text) > MAX_ERROR_DETAIL:
        text = text[: MAX_ERROR_DETAIL - 1] + "…"
    return text


def _as_code(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,9}", value.strip()):
        return int(value)
    return None


class CloudApiClient:
    """A client of the WhatsApp Business Cloud API for one access token.

    ``session`` is an optional ``requests.Session`` (connection reuse,
    proxies); without it each call opens its own connection. ``timeout`` is
    the read timeout in seconds (connecting waits at most 3.05 s).
    """

    def __init__(
        self,
        access_token,
        api_version=DEFAULT_API_VERSION,
        base_url=DEFAULT_BASE_URL,
        timeout=10.0,
        session=None,
    ):
        if not isinstance(access_token, str) or not access_token.strip():
            raise CloudApiAuthError("No WhatsApp access token is configured.")
        if not re.fullmatch(r"[\x21-\x7e]+", access_token.strip()):
            # The token itself stays out of the error.
            raise CloudApiAuthError(
                "The WhatsApp access token must be printable characters without spaces."
            )
        if not isinstance(api_version, str) or not re.fullmatch(
            r"v[0-9]{1,3}\.[0-9]{1,3}", api_version.strip()
        ):
            raise ValueError("The Graph API version looks like 'v21.0'.")
        if not isinstance(base_url, str) or not re.fullmatch(
            r"https?://[^\s/?#]+(/[^\s?#]*)?", base_url.strip(), re.IGNORECASE
        ):
            raise ValueError("The Graph API address must be an http(s):// URL.")
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not 0 < timeout <= 300
        ):
            raise ValueError("The timeout must be a number of seconds (0 to 300).")
        self._access_token = access_token.strip()
        self.api_version = api_version.strip()
        self.base_url = base_url.strip().rstrip("/")
        self.timeout = float(timeout)
        self.session = session

    def __repr__(self):
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, "
            f"api_version={self.api_version!r}, access_token='***', "
            f"timeout={self.timeout!r})"
        )

    # Plumbing ----------------------------------------------------------------

    def _url(self, *parts):
        return "/".join((self.base_url, self.api_version, *parts))

    def _scrub(self, text):
        """``text`` without the access token (in case it is echoed back)."""
        return str(text).replace(self._access_token, "***")

    def _request(self, method, url, params=None, payload=None):
        """Meta's JSON answer (a dict) to one call; raises a CloudApiError."""
        http = self.session if self.session is not None else requests
        try:
            response = http.request(
                method,
                url,
                params=params,
                json=payload,
                headers={
                    "Authorization": f"Bearer {self._access_token}",
                    "Accept": "application/json",
                },
                timeout=(min(self.timeout, MAX_CONNECT_TIMEOUT), self.timeout),
                # A redirect would be followed without the token, or as a GET.
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            if isinstance(exc, requests.Timeout) or _is_read_timeout(exc):
                # Connecting timed out: nothing was sent. Reading timed out:
                # Meta may have done it.
                raise CloudApiTemporaryError(
                    f"The WhatsApp Cloud API did not answer within "
                    f"{self.timeout:g} seconds.",
                    maybe_sent=not isinstance(exc, requests.ConnectTimeout),
                ) from exc
            if isinstance(
                exc,
                requests.ConnectionError
                | requests.exceptions.ChunkedEncodingError
                | requests.exceptions.ContentDecodingError,
            ):
                raise CloudApiTemporaryError(
                    f"Cannot reach the WhatsApp Cloud API ({type(exc).__name__}).",
                    maybe_sent=not _never_connected(exc),
                ) from exc
            raise CloudApiRequestError(
                f"Cannot call the WhatsApp Cloud API ({type(exc).__name__})."
            ) from exc
        if not 200 <= response.status_code < 300:
            raise self._error_of(response)
        try:
            data = response.json()
        except ValueError as exc:
            raise CloudApiResponseError(
                f"The WhatsApp Cloud API did not answer JSON "
                f"(HTTP {response.status_code}).",
                http_status=response.status_code,
                maybe_sent=True,
            ) from exc
        if not isinstance(data, dict):
            raise CloudApiResponseError(
                "The WhatsApp Cloud API answered something other than a JSON object.",
                http_status=response.status_code,
                maybe_sent=True,
            )
        return data

    def _error_of(self, response):
        """The CloudApiError of a non-2xx answer."""
        status = response.status_code
        try:
            error = response.json().get("error")
        except (ValueError, AttributeError):
            error = None
        if not isinstance(error, dict):
            error = {}
        code = _as_code(error.get("code"))
        error_data = error.get("error_data")
        details = error_data.get("details") if isinstance(error_data, dict) else None
        meta_message = error.get("message")
        if not isinstance(meta_message, str):
            meta_message = "" if error else response.text
        meta_message = self._scrub(_short(meta_message))
        details = self._scrub(_short(details)) if isinstance(details, str) else ""
        cls = error_class(status, code)
        reason = error_reason(code)
        if not reason:
            reason = {
                CloudApiAuthError: "The access token expired or is invalid.",
                CloudApiRateLimit: "Too many requests; try again later.",
                CloudApiTemporaryError: "The WhatsApp Cloud API failed; try "
                "again later.",
                CloudApiRequestError: "The WhatsApp Cloud API refused the request.",
            }.get(cls, "The WhatsApp Cloud API gave an unexpected answer.")
        where = f"Meta error {code}, HTTP {status}" if code is not None else None
        message = f"{reason} ({where or f'HTTP {status}'})"
        if meta_message:
            message += f" Meta: {meta_message}"
        if details and details != meta_message:
            message += f" Details: {details}"
        subcode = _as_code(error.get("error_subcode"))
        error_type = error.get("type") if isinstance(error.get("type"), str) else ""
        trace = error.get("fbtrace_id")
        return cls(
            message,
            code=code,
            http_status=status,
            subcode=subcode,
            details=details,
            error_type=error_type,
            fbtrace_id=trace if isinstance(trace, str) else "",
        )

    @staticmethod
    def _message_id(data):
        try:
            message_id = data["messages"][0]["id"]
        except (KeyError, IndexError, TypeError) as exc:
            raise CloudApiResponseError(
                "The WhatsApp Cloud API's answer has no message id.", maybe_sent=True
            ) from exc
        if not isinstance(message_id, str) or not message_id:
            raise CloudApiResponseError(
                "The WhatsApp Cloud API's message id is not a text.", maybe_sent=True
            )
        return message_id

    def _send(self, phone_number_id, to, kind, content, callback_data=None):
        url = self._url(_meta_id(phone_number_id, "phone number ID"), "messages")
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": _recipient(to),
            "type": kind,
            kind: content,
        }
        if callback_data is not None:
            payload["biz_opaque_callback_data"] = _callback_data(callback_data)
        return self._message_id(self._request("POST", url, payload=payload))

    # Calls -------------------------------------------------------------------

    def get_phone_number(self, phone_number_id):
        """``{display_phone_number, verified_name, quality_rating}`` of the
        sending number (``quality_rating`` is ``"UNKNOWN"`` when Meta gives
        none)."""
        url = self._url(_meta_id(phone_number_id, "phone number ID"))
        data = self._request("GET", url, params={"fields": ",".join(PHONE_FIELDS)})
        number, name = data.get("display_phone_number"), data.get("verified_name")
        if not isinstance(number, str) or not isinstance(name, str):
            raise CloudApiResponseError(
                "The WhatsApp Cloud API's answer lacks the phone number or its "
                "verified name."
            )
        rating = data.get("quality_rating")
        return {
            "display_phone_number": number,
            "verified_name": name,
            "quality_rating": rating if isinstance(rating, str) else "UNKNOWN",
        }

    def send_text(
        self, phone_number_id, to, body, preview_url=False, callback_data=None
    ):
        """Send a free-form text (within the 24-hour customer service window);
        returns Meta's message id (``wamid...``). ``callback_data`` comes back
        in the message's statuses (``biz_opaque_callback_data``)."""
        content = {"preview_url": bool(preview_url), "body": _text(body, "text")}
        return self._send(phone_number_id, to, "text", content, callback_data)

    def send_template(
        self,
        phone_number_id,
        to,
        name,
        language,
        components=None,
        callback_data=None,
    ):
        """Send an approved template; ``components`` are the filled-in
        parameters (Meta's shape). Returns Meta's message id."""
        content = {
            "name": _text(name, "template name").strip(),
            "language": {"code": _text(language, "template language").strip()},
        }
        if components:
            content["components"] = list(components)
        return self._send(phone_number_id, to, "template", content, callback_data)

    def create_template(self, waba_id, name, language, category, components):
        """Submit a template for approval; returns ``{id, status, category}``
        (``status`` is usually ``PENDING``)."""
        url = self._url(_meta_id(waba_id, "business account ID"), "message_templates")
        payload = {
            "name": _text(name, "template name").strip(),
            "language": _text(language, "template language").strip(),
            "category": _text(category, "template category").strip().upper(),
            "components": list(components or ()),
        }
        data = self._request("POST", url, payload=payload)
        template_id, status = data.get("id"), data.get("status")
        if isinstance(template_id, int) and not isinstance(template_id, bool):
            template_id = str(template_id)
        if not isinstance(template_id, str) or not template_id:
            raise CloudApiResponseError(
                "The WhatsApp Cloud API's answer has no template id."
            )
        if not isinstance(status, str) or not status:
            raise CloudApiResponseError(
                "The WhatsApp Cloud API's answer has no template status."
            )
        category = data.get("category")
        return {
            "id": template_id,
            "status": status,
            "category": category if isinstance(category, str) else payload["category"],
        }

    def list_templates(self, waba_id, name=None):
        """Every template of the business account (all pages), as Meta
        describes them; only those named ``name`` when given."""
        url = self._url(_meta_id(waba_id, "business account ID"), "message_templates")
        params = {"fields": ",".join(TEMPLATE_FIELDS), "limit": TEMPLATES_PAGE_SIZE}
        if name is not None:
            params["name"] = _text(name, "template name").strip()
        templates, seen = [], set()
        for _page in range(MAX_PAGES):
            data = self._request("GET", url, params=params)
            page = data.get("data")
            if not isinstance(page, list) or not all(isinstance(t, dict) for t in page):
                raise CloudApiResponseError(
                    "The WhatsApp Cloud API's answer has no list of templates."
                )
            templates += page
            paging = data.get("paging")
            paging = paging if isinstance(paging, dict) else {}
            cursors = paging.get("cursors")
            after = cursors.get("after") if isinstance(cursors, dict) else None
            if not paging.get("next") or not page:
                return templates
            if not isinstance(after, str) or not after or after in seen:
                raise CloudApiResponseError(
                    "The WhatsApp Cloud API's list of templates has a next page "
                    "but no new cursor to reach it."
                )
            seen.add(after)
            params = {**params, "after": after}
        raise CloudApiResponseError(
            f"The WhatsApp Cloud API's list of templates has more than "
            f"{MAX_PAGES} pages."
        )

    def delete_template(self, waba_id, name):
        """Delete the template ``name`` (every language); ``True``."""
        url = self._url(_meta_id(waba_id, "business account ID"), "message_templates")
        params = {"name": _text(name, "template name").strip()}
        data = self._request("DELETE", url, params=params)
        if data.get("success") is not True:
            raise CloudApiResponseError(
                "The WhatsApp Cloud API did not confirm the template deletion."
            )
        return True
