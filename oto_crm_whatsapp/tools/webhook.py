# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The WhatsApp Cloud API webhook, plain Python: signature, handshake,
events, and the rules applied to them.

- ``signature_valid`` checks ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw
  body with the app secret); ``handshake`` answers Meta's subscription check.
- ``parse_events`` turns a notification into frozen dataclasses
  (``StatusEvent``, ``InboundMessage``, ``TemplateStatusEvent``,
  ``TemplateQualityEvent``); anything malformed raises
  ``WebhookPayloadError`` and nothing else, unknown fields are skipped.
- ``is_newer`` orders delivery statuses that arrive out of order;
  ``brazil_phone_variants`` gives both spellings of a Brazilian mobile;
  ``is_optout`` recognises an opt-out keyword.
"""

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

WHATSAPP_OBJECT = "whatsapp_business_account"
SIGNATURE_HEADER = "X-Hub-Signature-256"
FIELD_MESSAGES = "messages"
FIELD_TEMPLATE_STATUS = "message_template_status_update"
FIELD_TEMPLATE_QUALITY = "message_template_quality_update"

# Delivery statuses in their order; "failed" is ranked apart (see is_newer).
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3}
# A failure replaces sent (or nothing) but not delivered or read: a message
# that reached the phone did not fail. Every order of arrival of the same
# statuses ends on the same one.
FAILED = "failed"
_FAILED_RANK = 1.5

DEFAULT_OPTOUT_KEYWORDS = ("SAIR", "PARAR", "STOP")

_SIGNATURE_RE = re.compile(r"sha256=([0-9a-fA-F]{64})")
_DIGITS_RE = re.compile(r"[0-9]{1,30}")
_NUMBER_RE = re.compile(r"[0-9]{1,12}")
# What may end an opt-out message: "Sair!", "STOP.", "parar!!!".
_TRAILING_PUNCTUATION_RE = re.compile(r"[\s.!?¡¿,;:…]+$")


class WebhookPayloadError(ValueError):
    """A webhook notification that is not what Meta sends."""


@dataclass(frozen=True)
class ErrorInfo:
    """An error Meta attached to a status (``code`` may be ``None``)."""

    code: int | None
    title: str
    details: str


@dataclass(frozen=True)
class StatusEvent:
    """A delivery status of a message the business sent."""

    phone_number_id: str
    message_id: str
    status: str
    timestamp: int
    recipient_id: str
    errors: tuple = ()


@dataclass(frozen=True)
class InboundMessage:
    """A message a customer sent; ``text`` is ``""`` for kinds without one
    (image, location...)."""

    phone_number_id: str
    message_id: str
    sender: str
    timestamp: int
    kind: str
    text: str
    contact_name: str


@dataclass(frozen=True)
class TemplateStatusEvent:
    """A template was approved, rejected, paused, disabled..."""

    waba_id: str
    template_id: str
    name: str
    language: str
    event: str
    reason: str | None


@dataclass(frozen=True)
class TemplateQualityEvent:
    """The quality score of a template changed."""

    waba_id: str
    template_id: str
    name: str
    language: str
    quality: str


# Signature and handshake -----------------------------------------------------


def signature_valid(app_secret, raw_body, header):
    """Whether ``header`` (``sha256=<hex>``) is the HMAC-SHA256 of the exact
    bytes ``raw_body`` with ``app_secret``. False for a missing or malformed
    header, a body that is not bytes, or an empty secret."""
    if isinstance(app_secret, str):
        app_secret = app_secret.encode()
    if not isinstance(app_secret, bytes) or not app_secret:
        return False
    if not isinstance(raw_body, bytes | bytearray | memoryview):
        return False
    if not isinstance(header, str):
        return False
    match = _SIGNATURE_RE.fullmatch(header.strip())
    if not match:
        return False
    expected = hmac.new(app_secret, bytes(raw_body), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, match.group(1).lower())


def _param(params, key):
    """One query parameter, from a dict, a MultiDict or ``parse_qs`` lists."""
    try:
        value = params.get(key)
    except AttributeError:
        return None
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    return value if isinstance(value, str) else None


def handshake(params, verify_token):
    """The ``hub.challenge`` to answer Meta's subscription check, or ``None``
    when it is not one (wrong mode, wrong or empty token, no challenge)."""
    if not isinstance(verify_token, str) or not verify_token:
        return None
    mode = _param(params, "hub.mode")
    token = _param(params, "hub.verify_token")
    challenge = _param(params, "hub.challenge")
    if mode != "subscribe" or token is None or not challenge:
        return None
    if not hmac.compare_digest(token.encode(), verify_token.encode()):
        return None
    return challenge


# Events ----------------------------------------------------------------------


def _error(path, problem):
    return WebhookPayloadError(f"{path}: {problem}")


def _dict(value, path):
    if not isinstance(value, dict):
        raise _error(path, "not an object")
    return value


def _list(value, path, optional=False):
    if value is None and optional:
        return []
    if not isinstance(value, list):
        raise _error(path, "not a list")
    return value


def _text(container, key, path, optional=False):
    value = container.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise _error(f"{path}.{key}", "missing or not a text")
    return value


def _id(container, key, path):
    """A non-empty ID; Meta sends text, numbers are accepted."""
    value = container.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if not isinstance(value, str) or not value.strip():
        raise _error(f"{path}.{key}", "missing or not an id")
    return value.strip()


def _digits(container, key, path):
    value = _id(container, key, path).removeprefix("+")
    if not _DIGITS_RE.fullmatch(value):
        raise _error(f"{path}.{key}", "not a phone number in digits")
    return value


def _timestamp(container, key, path):
    """Seconds since 1970: Meta sends text digits; numbers are accepted."""
    value = container.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _NUMBER_RE.fullmatch(value.strip()):
        return int(value.strip())
    raise _error(f"{path}.{key}", "missing or not a timestamp")


def _error_info(item, path):
    _dict(item, path)
    code = item.get("code")
    if isinstance(code, str) and _NUMBER_RE.fullmatch(code.strip()):
        code = int(code)
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
        raise _error(f"{path}.code", "not an error code")
    title = _text(item, "title", path, optional=True) or _text(
        item, "message", path, optional=True
    )
    error_data = item.get("error_data")
    details = ""
    if error_data is not None:
        where = f"{path}.error_data"
        details = _text(_dict(error_data, where), "details", where, optional=True)
    return ErrorInfo(code=code, title=title, details=details)


def _status(item, phone_number_id, path):
    _dict(item, path)
    errors = _list(item.get("errors"), f"{path}.errors", optional=True)
    return StatusEvent(
        phone_number_id=phone_number_id,
        message_id=_id(item, "id", path),
        status=_text(item, "status", path).strip().lower(),
        timestamp=_timestamp(item, "timestamp", path),
        recipient_id=_id(item, "recipient_id", path),
        errors=tuple(
            _error_info(error, f"{path}.errors[{index}]")
            for index, error in enumerate(errors)
        ),
    )


def _message_text(item, kind, path):
    """The text of an inbound message: typed, a quick-reply button, or a
    button or list row of an interactive message; ``""`` for other kinds."""
    if kind == "text":
        return _text(_dict(item.get("text"), f"{path}.text"), "body", f"{path}.text")
    if kind == "button":
        button = _dict(item.get("button"), f"{path}.button")
        return _text(button, "text", f"{path}.button")
    if kind == "interactive":
        interactive = _dict(item.get("interactive"), f"{path}.interactive")
        for reply in ("button_reply", "list_reply"):
            if reply in interactive:
                where = f"{path}.interactive.{reply}"
                return _text(_dict(interactive[reply], where), "title", where)
    return ""


def _contact_names(value, path):
    """``{wa_id: profile name}`` of ``value.contacts``."""
    names = {}
    for index, contact in enumerate(
        _list(value.get("contacts"), f"{path}.contacts", optional=True)
    ):
        where = f"{path}.contacts[{index}]"
        _dict(contact, where)
        profile = contact.get("profile")
        name = ""
        if profile is not None:
            name = _text(_dict(profile, f"{where}.profile"), "name", where, True)
        wa_id = contact.get("wa_id")
        if wa_id is not None:
            names[_digits(contact, "wa_id", where)] = name.strip()
        else:
            names.setdefault(None, name.strip())
    return names


def _inbound(item, phone_number_id, names, path):
    _dict(item, path)
    kind = _text(item, "type", path).strip().lower()
    sender = _digits(item, "from", path)
    contact_name = names.get(sender)
    if contact_name is None:
        contact_name = names.get(None) or (
            next(iter(names.values())) if len(names) == 1 else ""
        )
    return InboundMessage(
        phone_number_id=phone_number_id,
        message_id=_id(item, "id", path),
        sender=sender,
        timestamp=_timestamp(item, "timestamp", path),
        kind=kind,
        text=_message_text(item, kind, path),
        contact_name=contact_name,
    )


def _messages_events(value, path):
    metadata = _dict(value.get("metadata"), f"{path}.metadata")
    phone_number_id = _id(metadata, "phone_number_id", f"{path}.metadata")
    events = []
    for index, item in enumerate(
        _list(value.get("statuses"), f"{path}.statuses", optional=True)
    ):
        events.append(_status(item, phone_number_id, f"{path}.statuses[{index}]"))
    messages = _list(value.get("messages"), f"{path}.messages", optional=True)
    names = _contact_names(value, path) if messages else {}
    for index, item in enumerate(messages):
        where = f"{path}.messages[{index}]"
        events.append(_inbound(item, phone_number_id, names, where))
    return events


def _template_ids(entry, value, entry_path, path):
    return (
        _id(entry, "id", entry_path),
        _id(value, "message_template_id", path),
        _text(value, "message_template_name", path),
        _text(value, "message_template_language", path),
    )


def _template_status(entry, value, entry_path, path):
    waba_id, template_id, name, language = _template_ids(entry, value, entry_path, path)
    reason = _text(value, "reason", path, optional=True).strip()
    return TemplateStatusEvent(
        waba_id=waba_id,
        template_id=template_id,
        name=name,
        language=language,
        event=_text(value, "event", path).strip().upper(),
        # Meta says "NONE" when there is no reason.
        reason=None if reason in ("", "NONE") else reason,
    )


def _template_quality(entry, value, entry_path, path):
    waba_id, template_id, name, language = _template_ids(entry, value, entry_path, path)
    return TemplateQualityEvent(
        waba_id=waba_id,
        template_id=template_id,
        name=name,
        language=language,
        quality=_text(value, "new_quality_score", path).strip().upper(),
    )


def parse_events(payload):
    """The events of a webhook notification (the parsed JSON body), in the
    order Meta lists them; raises ``WebhookPayloadError`` when it is not a
    WhatsApp Business Account notification or an item in it is malformed.
    Changes of other fields are skipped."""
    _dict(payload, "payload")
    if payload.get("object") != WHATSAPP_OBJECT:
        raise _error("payload.object", f"not {WHATSAPP_OBJECT!r}")
    events = []
    for entry_index, entry in enumerate(_list(payload.get("entry"), "entry")):
        entry_path = f"entry[{entry_index}]"
        _dict(entry, entry_path)
        changes = _list(entry.get("changes"), f"{entry_path}.changes")
        for change_index, change in enumerate(changes):
            path = f"{entry_path}.changes[{change_index}]"
            _dict(change, path)
            field = _text(change, "field", path)
            if field not in (
                FIELD_MESSAGES,
                FIELD_TEMPLATE_STATUS,
                FIELD_TEMPLATE_QUALITY,
            ):
                continue
            value = _dict(change.get("value"), f"{path}.value")
            path = f"{path}.value"
            if field == FIELD_MESSAGES:
                events += _messages_events(value, path)
            elif field == FIELD_TEMPLATE_STATUS:
                events.append(_template_status(entry, value, entry_path, path))
            else:
                events.append(_template_quality(entry, value, entry_path, path))
    return events


# Rules -----------------------------------------------------------------------


def _rank(status):
    if not isinstance(status, str):
        return 0
    status = status.strip().lower()
    if status == FAILED:
        return _FAILED_RANK
    return STATUS_RANK.get(status, 0)


def is_newer(current, incoming):
    """Whether the ``incoming`` status of a message replaces the ``current``
    one (``None``, ``"queued"`` or another status we set before Meta's).

    Statuses may arrive out of order or be skipped: read after sent is fine,
    delivered after read is ignored; failed replaces sent or queued but not
    delivered or read. An unknown incoming status never replaces anything.
    """
    incoming_rank = _rank(incoming)
    return incoming_rank > 0 and incoming_rank > _rank(current)


def brazil_phone_variants(digits):
    """Both E.164 spellings of a Brazilian mobile, with the 9th digit first:
    ``"5511987654321"`` and ``"551187654321"`` both give
    ``["+5511987654321", "+551187654321"]`` (WhatsApp reports some old
    accounts without the 9). Other numbers -> ``["+<digits>"]``; ``[]``
    for an empty or non-digit input."""
    if not isinstance(digits, str):
        return []
    digits = digits.strip().removeprefix("+")
    if not _DIGITS_RE.fullmatch(digits):
        return []
    match = re.fullmatch(r"55([1-9]{2})([0-9]{8,9})", digits)
    if not match:
        return [f"+{digits}"]
    area, subscriber = match.groups()
    if len(subscriber) == 9 and subscriber[0] == "9":
        return [f"+55{area}{subscriber}", f"+55{area}{subscriber[1:]}"]
    if len(subscriber) == 8 and subscriber[0] in "6789":
        # An old 8-digit mobile: every Brazilian mobile now starts with 9.
        return [f"+55{area}9{subscriber}", f"+55{area}{subscriber}"]
    return [f"+{digits}"]


def _fold(text):
    """``text`` trimmed, single-spaced, without accents, case-folded."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.casefold().split())


def _keyword(text):
    return _TRAILING_PUNCTUATION_RE.sub("", _fold(text))


def is_optout(text, keywords=DEFAULT_OPTOUT_KEYWORDS):
    """Whether the whole message ``text`` is one of the opt-out ``keywords``
    (a sequence, or one text separated by commas or new lines): trimmed,
    case- and accent-insensitive, final punctuation allowed. ``"Parar!"`` is
    one, ``"quero sair mais cedo"`` is not."""
    if not isinstance(text, str):
        return False
    if isinstance(keywords, str):
        keywords = re.split(r"[,\n]", keywords)
    message = _keyword(text)
    if not message:
        return False
    return any(
        isinstance(keyword, str) and _keyword(keyword) == message
        for keyword in keywords or ()
    )
