# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The WhatsApp Cloud API webhook, plain Python: signature, handshake,
events, and the rules applied to them.

- ``signature_valid`` checks ``X-Hub-Signature-256`` (HMAC-SHA256 of the raw
  body with the app secret); ``handshake`` answers Meta's subscription check.
- ``parse_delivery`` turns a notification into frozen dataclasses
  (``StatusEvent``, ``InboundMessage``, ``TemplateStatusEvent``,
  ``TemplateQualityEvent``, ``PhoneQualityEvent``), the items it cannot read
  (``Problem``, with the item's raw JSON and where it was) and the changes of
  fields it does not act on (``Unhandled``); it never raises, so one odd
  item never costs the rest of a delivery. ``parse_events`` is the strict
  form: the events, or ``WebhookPayloadError`` at the first problem.
- ``is_newer`` orders delivery statuses that arrive out of order;
  ``brazil_phone_variants`` gives both spellings of a Brazilian mobile;
  ``is_optout`` recognises an opt-out keyword; ``cap_text`` shortens a text
  for display.

The shapes are those of Meta's webhook reference (messages: text, media with
captions, reactions, locations, contacts, buttons, interactive replies and
Flow answers, orders, system messages, click-to-WhatsApp referrals, unknown
kinds; statuses with ``biz_opaque_callback_data``; senders known only by
their business-scoped user ID and username; template and phone number
quality updates).
"""

import hashlib
import hmac
import json
import re
import unicodedata
from dataclasses import dataclass, field

WHATSAPP_OBJECT = "whatsapp_business_account"
SIGNATURE_HEADER = "X-Hub-Signature-256"
FIELD_MESSAGES = "messages"
FIELD_TEMPLATE_STATUS = "message_template_status_update"
FIELD_TEMPLATE_QUALITY = "message_template_quality_update"
FIELD_PHONE_QUALITY = "phone_number_quality_update"
HANDLED_FIELDS = (
    FIELD_MESSAGES,
    FIELD_TEMPLATE_STATUS,
    FIELD_TEMPLATE_QUALITY,
    FIELD_PHONE_QUALITY,
)
MEDIA_KINDS = ("image", "video", "document", "audio", "sticker")
# Kinds whose media may carry a caption.
CAPTION_KINDS = ("image", "video", "document")

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
# A business-scoped user ID: country code, a dot, letters and digits
# ("BR.1502576394655843", "US.ENT.11815799212886844830").
_USER_ID_RE = re.compile(r"[A-Z]{2}(\.[A-Za-z0-9]{1,128}){1,3}")
# What may end an opt-out message: "Sair!", "STOP.", "parar!!!".
_TRAILING_PUNCTUATION_RE = re.compile(r"[\s.!?¡¿,;:…]+$")


class WebhookPayloadError(ValueError):
    """A webhook notification that is not what Meta sends."""


def _raw(default=None):
    """A field kept for the record, not part of the event's identity."""
    return field(default=default, compare=False, repr=False)


@dataclass(frozen=True)
class ErrorInfo:
    """An error Meta attached to a status (``code`` may be ``None``)."""

    code: int | None
    title: str
    details: str


@dataclass(frozen=True)
class StatusEvent:
    """A delivery status of a message the business sent. ``recipient_id``
    is ``""`` when Meta gives only the business-scoped user ID;
    ``callback_data`` is the ``biz_opaque_callback_data`` sent with the
    message."""

    phone_number_id: str
    message_id: str
    status: str
    timestamp: int
    recipient_id: str
    errors: tuple = ()
    recipient_user_id: str = ""
    callback_data: str = ""
    raw: object = _raw()


@dataclass(frozen=True)
class InboundMessage:
    """A message a customer sent. ``text`` is what a person reads of it:
    the text, a caption, a button's or a list row's title, a reaction's
    emoji, a place, shared contacts, an order's note, a Flow's answers, a
    system message; ``""`` when there is none. ``sender`` is the phone in
    digits, ``""`` for a sender known only by their business-scoped
    ``user_id`` (and ``username``)."""

    phone_number_id: str
    message_id: str
    sender: str
    timestamp: int
    kind: str
    text: str
    contact_name: str
    user_id: str = ""
    username: str = ""
    caption: str = ""
    context_id: str = ""
    reaction_to: str = ""
    button_payload: str = ""
    errors: tuple = ()
    media: dict = _raw()
    location: dict = _raw()
    referral: dict = _raw()
    flow: dict = _raw()
    system: dict = _raw()
    raw: object = _raw()


@dataclass(frozen=True)
class TemplateStatusEvent:
    """A template was approved, rejected, paused, disabled... ``time`` is
    when Meta issued it (seconds, 0 when not given)."""

    waba_id: str
    template_id: str
    name: str
    language: str
    event: str
    reason: str | None
    time: int = 0
    other_info: str = ""


@dataclass(frozen=True)
class TemplateQualityEvent:
    """The quality score of a template changed."""

    waba_id: str
    template_id: str
    name: str
    language: str
    quality: str
    time: int = 0


@dataclass(frozen=True)
class PhoneQualityEvent:
    """The quality or messaging limit of a business phone number changed
    (``event``: FLAGGED, UNFLAGGED, DOWNGRADE, UPGRADE...)."""

    waba_id: str
    display_phone_number: str
    event: str
    current_limit: str
    time: int = 0
    raw: object = _raw()


@dataclass(frozen=True)
class Problem:
    """An item of a delivery that could not be read: where, why, and the
    item as Meta sent it."""

    path: str
    error: str
    raw: object = _raw()
    phone_number_id: str = ""
    waba_id: str = ""


@dataclass(frozen=True)
class Unhandled:
    """A change of a webhook field the add-on does not act on."""

    field: str
    waba_id: str
    raw: object = _raw()


@dataclass(frozen=True)
class Delivery:
    """What a webhook POST brought, in the order Meta listed it."""

    events: tuple = ()
    problems: tuple = ()
    unhandled: tuple = ()


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


# Reading values --------------------------------------------------------------


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


def _user_id(container, key, path):
    """A business-scoped user ID, ``""`` when absent."""
    value = container.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not _USER_ID_RE.fullmatch(value.strip()):
        raise _error(f"{path}.{key}", "not a business-scoped user id")
    return value.strip()


def _timestamp(container, key, path):
    """Seconds since 1970: Meta sends text digits; numbers are accepted."""
    value = container.get(key)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _NUMBER_RE.fullmatch(value.strip()):
        return int(value.strip())
    raise _error(f"{path}.{key}", "missing or not a timestamp")


def _optional_timestamp(container, key):
    """A timestamp when there is a readable one, else 0."""
    try:
        return _timestamp(container, key, "")
    except WebhookPayloadError:
        return 0


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


def _errors(item, path):
    errors = _list(item.get("errors"), f"{path}.errors", optional=True)
    return tuple(
        _error_info(error, f"{path}.errors[{index}]")
        for index, error in enumerate(errors)
    )


def _strings(value):
    """The text and number values of an object, as text (for display)."""
    if not isinstance(value, dict):
        return {}
    return {
        key: str(item)
        for key, item in value.items()
        if isinstance(key, str)
        and isinstance(item, str | int | float)
        and not isinstance(item, bool)
    }


# Statuses --------------------------------------------------------------------


def _status(item, phone_number_id, path):
    _dict(item, path)
    recipient_user_id = _user_id(item, "recipient_user_id", path)
    if item.get("recipient_id") is None and recipient_user_id:
        recipient = ""
    else:
        recipient = _id(item, "recipient_id", path)
    callback = item.get("biz_opaque_callback_data")
    return StatusEvent(
        phone_number_id=phone_number_id,
        message_id=_id(item, "id", path),
        status=_text(item, "status", path).strip().lower(),
        timestamp=_timestamp(item, "timestamp", path),
        recipient_id=recipient,
        errors=_errors(item, path),
        recipient_user_id=recipient_user_id,
        callback_data=callback if isinstance(callback, str) else "",
        raw=item,
    )


# Messages --------------------------------------------------------------------


def _media(item, kind, path):
    """(media, caption) of an image, video, document, audio or sticker."""
    where = f"{path}.{kind}"
    media = _dict(item.get(kind), where)
    caption = ""
    if kind in CAPTION_KINDS:
        caption = _text(media, "caption", where, optional=True)
    return _strings(media), caption


def _interactive(item, path):
    """(text, flow answers) of an interactive reply. WhatsApp Web sends
    some without their ``interactive`` object: nothing to read, not an
    error."""
    interactive = item.get("interactive")
    if interactive is None:
        return "", None
    where = f"{path}.interactive"
    _dict(interactive, where)
    for reply in ("button_reply", "list_reply"):
        if reply in interactive:
            reply_where = f"{where}.{reply}"
            return _text(
                _dict(interactive[reply], reply_where), "title", reply_where
            ), None
    if "nfm_reply" in interactive:
        reply_where = f"{where}.nfm_reply"
        nfm = _dict(interactive["nfm_reply"], reply_where)
        answers = nfm.get("response_json")
        if isinstance(answers, str):
            try:
                answers = json.loads(answers)
            except ValueError:
                answers = {"response": answers}
        flow = {
            "name": _text(nfm, "name", reply_where, optional=True),
            "body": _text(nfm, "body", reply_where, optional=True),
            "answers": answers if isinstance(answers, dict) else {},
        }
        return flow_summary(flow), flow
    return "", None


def flow_summary(flow):
    """The answers of a WhatsApp Flow as lines ``question: answer`` (the
    Flow's token left out)."""
    if not isinstance(flow, dict):
        return ""
    answers = flow.get("answers") if isinstance(flow.get("answers"), dict) else {}
    lines = []
    for key, value in answers.items():
        if key == "flow_token":
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key}: {value}")
    return "\n".join(lines) or str(flow.get("body") or "")


def _location_text(location):
    place = ", ".join(v for v in (location.get("name"), location.get("address")) if v)
    where = ""
    if location.get("latitude") and location.get("longitude"):
        where = f"({location['latitude']}, {location['longitude']})"
    return " ".join(v for v in (place, where) if v)


def _contacts_text(cards, path):
    shown = []
    for index, card in enumerate(_list(cards, f"{path}.contacts")):
        where = f"{path}.contacts[{index}]"
        _dict(card, where)
        name = card.get("name")
        name = name.get("formatted_name") if isinstance(name, dict) else ""
        phones = [
            phone.get("phone") or phone.get("wa_id")
            for phone in card.get("phones") or []
            if isinstance(phone, dict) and (phone.get("phone") or phone.get("wa_id"))
        ]
        shown.append(" ".join(str(p) for p in (name or "", *phones) if p))
    return "; ".join(shown)


def _order_text(order, path):
    where = f"{path}.order"
    _dict(order, where)
    items = _list(order.get("product_items"), f"{where}.product_items", optional=True)
    lines = []
    for index, product in enumerate(items):
        _dict(product, f"{where}.product_items[{index}]")
        lines.append(
            f"{product.get('quantity', 1)} x {product.get('product_retailer_id', '?')}"
        )
    note = _text(order, "text", where, optional=True)
    return "\n".join(v for v in (note, *lines) if v)


def _system(item, path):
    where = f"{path}.system"
    system = _dict(item.get("system"), where)
    values = _strings(system)
    new_number = values.get("wa_id") or values.get("new_wa_id") or ""
    if new_number and not _DIGITS_RE.fullmatch(new_number.removeprefix("+")):
        raise _error(f"{where}.wa_id", "not a phone number in digits")
    values["new_wa_id"] = new_number.removeprefix("+")
    return values.get("body", ""), values


def _message_content(item, kind, path):
    """The readable text of a message and what else it carries."""
    extra = {}
    if kind == "text":
        text = _text(_dict(item.get("text"), f"{path}.text"), "body", f"{path}.text")
    elif kind == "button":
        button = _dict(item.get("button"), f"{path}.button")
        text = _text(button, "text", f"{path}.button")
        extra["button_payload"] = _text(button, "payload", f"{path}.button", True)
    elif kind == "interactive":
        text, flow = _interactive(item, path)
        extra["flow"] = flow
    elif kind in MEDIA_KINDS:
        media, caption = _media(item, kind, path)
        text = caption
        extra.update(media=media, caption=caption)
    elif kind == "reaction":
        reaction = _dict(item.get("reaction"), f"{path}.reaction")
        text = _text(reaction, "emoji", f"{path}.reaction", optional=True)
        extra["reaction_to"] = _id(reaction, "message_id", f"{path}.reaction")
    elif kind == "location":
        location = _strings(_dict(item.get("location"), f"{path}.location"))
        text = _location_text(location)
        extra["location"] = location
    elif kind == "contacts":
        text = _contacts_text(item.get("contacts"), path)
    elif kind == "order":
        text = _order_text(item.get("order"), path)
    elif kind == "system":
        text, extra["system"] = _system(item, path)
    else:
        # Unsupported, request_welcome and kinds Meta adds later: kept with
        # their errors, nothing to read.
        text = ""
    return text, extra


def _contacts(value, path):
    """``[(wa_id, user_id, name, username)]`` of ``value.contacts``."""
    contacts = []
    for index, contact in enumerate(
        _list(value.get("contacts"), f"{path}.contacts", optional=True)
    ):
        where = f"{path}.contacts[{index}]"
        _dict(contact, where)
        profile = contact.get("profile")
        name = username = ""
        if profile is not None:
            _dict(profile, f"{where}.profile")
            name = _text(profile, "name", where, True)
            username = _text(profile, "username", where, True)
        wa_id = None
        if contact.get("wa_id") is not None:
            wa_id = _digits(contact, "wa_id", where)
        user_id = _user_id(contact, "user_id", where) or None
        contacts.append((wa_id, user_id, name.strip(), username.strip()))
    return contacts


def _sender_contact(contacts, sender, user_id):
    """``(name, username, user_id)`` of the sender among the delivery's
    contacts: the one with their number or user ID; else a single contact
    with the other spelling of their number (the 9th digit of a Brazilian
    mobile), or one with no identity at all."""
    for wa_id, contact_user_id, name, username in contacts:
        if (sender and wa_id == sender) or (user_id and contact_user_id == user_id):
            return name, username, contact_user_id or ""
    variants = set(brazil_phone_variants(sender)) if sender else set()
    for wa_id, contact_user_id, name, username in contacts:
        if wa_id and f"+{wa_id}" in variants and len(contacts) == 1:
            return name, username, contact_user_id or ""
    unnamed = [c for c in contacts if c[0] is None and c[1] is None]
    if unnamed:
        return unnamed[0][2], unnamed[0][3], ""
    return "", "", ""


def _referral(item, path):
    referral = item.get("referral")
    if referral is None:
        return None
    return _strings(_dict(referral, f"{path}.referral"))


def _inbound(item, phone_number_id, contacts, path):
    _dict(item, path)
    kind = _text(item, "type", path).strip().lower()
    user_id = _user_id(item, "from_user_id", path)
    sender = ""
    if item.get("from") is not None or not user_id:
        sender = _digits(item, "from", path)
    name, username, contact_user_id = _sender_contact(contacts, sender, user_id)
    user_id = user_id or contact_user_id
    context = item.get("context")
    context_id = ""
    if isinstance(context, dict) and isinstance(context.get("id"), str):
        context_id = context["id"]
    text, extra = _message_content(item, kind, path)
    return InboundMessage(
        phone_number_id=phone_number_id,
        message_id=_id(item, "id", path),
        sender=sender,
        timestamp=_timestamp(item, "timestamp", path),
        kind=kind,
        text=text,
        contact_name=name,
        user_id=user_id,
        username=username,
        context_id=context_id,
        errors=_errors(item, path),
        referral=_referral(item, path),
        raw=item,
        **extra,
    )


# Deliveries ------------------------------------------------------------------


class _Reader:
    """Collects the events, problems and unhandled changes of a delivery;
    an item that cannot be read becomes a problem, the others go on."""

    def __init__(self):
        self.events, self.problems, self.unhandled = [], [], []

    def problem(self, path, exc, raw, phone_number_id="", waba_id=""):
        error = (
            str(exc)
            if isinstance(exc, WebhookPayloadError)
            else (f"{path}: {type(exc).__name__}")
        )
        self.problems.append(
            Problem(
                path=path,
                error=error,
                raw=raw,
                phone_number_id=phone_number_id,
                waba_id=waba_id,
            )
        )

    def each(self, items, path, read, raw=None, **where):
        """``read(item, item_path)`` for each item; a problem per bad one."""
        for index, item in enumerate(items):
            item_path = f"{path}[{index}]"
            try:
                result = read(item, item_path)
            except (WebhookPayloadError, TypeError, ValueError, AttributeError) as exc:
                self.problem(item_path, exc, item if raw is None else raw, **where)
                continue
            if result is not None:
                self.events.append(result)

    def messages(self, value, path, waba_id):
        metadata = _dict(value.get("metadata"), f"{path}.metadata")
        phone_number_id = _id(metadata, "phone_number_id", f"{path}.metadata")
        where = {"phone_number_id": phone_number_id, "waba_id": waba_id}
        statuses = _list(value.get("statuses"), f"{path}.statuses", optional=True)
        messages = _list(value.get("messages"), f"{path}.messages", optional=True)
        self.each(
            statuses,
            f"{path}.statuses",
            lambda item, where_: _status(item, phone_number_id, where_),
            **where,
        )
        contacts = []
        if messages:
            try:
                contacts = _contacts(value, path)
            except WebhookPayloadError as exc:
                self.problem(f"{path}.contacts", exc, value.get("contacts"), **where)
        self.each(
            messages,
            f"{path}.messages",
            lambda item, where_: _inbound(item, phone_number_id, contacts, where_),
            **where,
        )

    def change(self, entry, change, path, entry_path):
        _dict(change, path)
        field_name = _text(change, "field", path)
        waba_id = entry.get("id") if isinstance(entry.get("id"), str) else ""
        if field_name not in HANDLED_FIELDS:
            self.unhandled.append(
                Unhandled(field=field_name, waba_id=waba_id, raw=change.get("value"))
            )
            return
        value = _dict(change.get("value"), f"{path}.value")
        path = f"{path}.value"
        if field_name == FIELD_MESSAGES:
            self.messages(value, path, waba_id)
            return
        time = _optional_timestamp(entry, "time")
        if field_name == FIELD_TEMPLATE_STATUS:
            self.events.append(_template_status(entry, value, entry_path, path, time))
        elif field_name == FIELD_TEMPLATE_QUALITY:
            self.events.append(_template_quality(entry, value, entry_path, path, time))
        else:
            self.events.append(_phone_quality(entry, value, entry_path, path, time))


def _template_ids(entry, value, entry_path, path):
    return (
        _id(entry, "id", entry_path),
        _id(value, "message_template_id", path),
        _text(value, "message_template_name", path),
        _text(value, "message_template_language", path),
    )


def _template_status(entry, value, entry_path, path, time=0):
    waba_id, template_id, name, language = _template_ids(entry, value, entry_path, path)
    reason = _text(value, "reason", path, optional=True).strip()
    other = value.get("other_info")
    other_info = ""
    if isinstance(other, dict):
        other_info = " ".join(
            str(other[key]) for key in ("title", "description") if other.get(key)
        )
    return TemplateStatusEvent(
        waba_id=waba_id,
        template_id=template_id,
        name=name,
        language=language,
        event=_text(value, "event", path).strip().upper(),
        # Meta says "NONE" when there is no reason.
        reason=None if reason in ("", "NONE") else reason,
        time=time,
        other_info=other_info,
    )


def _template_quality(entry, value, entry_path, path, time=0):
    waba_id, template_id, name, language = _template_ids(entry, value, entry_path, path)
    return TemplateQualityEvent(
        waba_id=waba_id,
        template_id=template_id,
        name=name,
        language=language,
        quality=_text(value, "new_quality_score", path).strip().upper(),
        time=time,
    )


def _phone_quality(entry, value, entry_path, path, time=0):
    return PhoneQualityEvent(
        waba_id=_id(entry, "id", entry_path),
        display_phone_number=_digits(value, "display_phone_number", path),
        event=_text(value, "event", path).strip().upper(),
        current_limit=_text(value, "current_limit", path, optional=True).strip(),
        time=time,
        raw=value,
    )


def parse_delivery(payload):
    """A ``Delivery`` of a webhook notification (the parsed JSON body):
    every item it can read as an event, every other one as a ``Problem``
    (never an exception), the changes of other fields as ``Unhandled``."""
    reader = _Reader()
    try:
        _dict(payload, "payload")
        if payload.get("object") != WHATSAPP_OBJECT:
            raise _error("payload.object", f"not {WHATSAPP_OBJECT!r}")
        entries = _list(payload.get("entry"), "entry")
    except WebhookPayloadError as exc:
        reader.problem("payload", exc, payload)
        return Delivery(problems=tuple(reader.problems))
    for entry_index, entry in enumerate(entries):
        entry_path = f"entry[{entry_index}]"
        try:
            _dict(entry, entry_path)
            changes = _list(entry.get("changes"), f"{entry_path}.changes")
        except WebhookPayloadError as exc:
            reader.problem(entry_path, exc, entry)
            continue
        waba_id = entry.get("id") if isinstance(entry.get("id"), str) else ""
        for change_index, change in enumerate(changes):
            path = f"{entry_path}.changes[{change_index}]"
            try:
                reader.change(entry, change, path, entry_path)
            except (WebhookPayloadError, TypeError, ValueError, AttributeError) as exc:
                reader.problem(path, exc, change, waba_id=waba_id)
    return Delivery(
        events=tuple(reader.events),
        problems=tuple(reader.problems),
        unhandled=tuple(reader.unhandled),
    )


def parse_events(payload):
    """The events of a webhook notification, in the order Meta lists them;
    raises ``WebhookPayloadError`` at the first item that cannot be read
    (``parse_delivery`` reads the rest). Changes of other fields are
    skipped."""
    delivery = parse_delivery(payload)
    if delivery.problems:
        problem = delivery.problems[0]
        raise WebhookPayloadError(problem.error)
    return list(delivery.events)


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


def cap_text(text, limit):
    """``(text shortened to limit characters, whether it was)``; the cut
    ends with an ellipsis."""
    if not isinstance(text, str):
        return "", False
    if len(text) <= limit:
        return text, False
    return text[: max(limit - 1, 0)] + "…", True
