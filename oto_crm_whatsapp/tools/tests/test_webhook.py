# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oto_crm_whatsapp.tools.cloud_api import CloudApiClient
from oto_crm_whatsapp.tools.fake_graph import (
    FakeGraph,
    build_inbound_payload,
    build_status_payload,
    build_template_quality_payload,
    build_template_status_payload,
)
from oto_crm_whatsapp.tools.webhook import (
    DEFAULT_OPTOUT_KEYWORDS,
    STATUS_RANK,
    ErrorInfo,
    InboundMessage,
    PhoneQualityEvent,
    StatusEvent,
    TemplateQualityEvent,
    TemplateStatusEvent,
    WebhookPayloadError,
    brazil_phone_variants,
    handshake,
    is_newer,
    is_optout,
    parse_events,
    signature_valid,
)

SECRET = "app-secret-0123"
TOKEN = "EAAG-test-token"
PHONE_ID = "106540352242922"
WABA_ID = "102290129340398"
BODY = b'{"object": "whatsapp_business_account", "entry": []}'


def sign(body, secret=SECRET):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# Signature -------------------------------------------------------------------


def test_signature_valid():
    assert signature_valid(SECRET, BODY, sign(BODY))
    assert signature_valid(SECRET.encode(), BODY, sign(BODY))
    assert signature_valid(SECRET, bytearray(BODY), sign(BODY))
    assert signature_valid(SECRET, memoryview(BODY), sign(BODY))
    assert signature_valid(SECRET, BODY, "sha256=" + sign(BODY)[7:].upper())
    assert signature_valid(SECRET, BODY, f"  {sign(BODY)}\n")
    assert signature_valid(SECRET, b"", sign(b""))


@pytest.mark.parametrize(
    ("secret", "body", "header"),
    [
        ("other-secret", BODY, sign(BODY)),
        (SECRET, BODY + b" ", sign(BODY)),
        (SECRET, BODY.replace(b"[]", b"[{}]"), sign(BODY)),
        (SECRET, BODY, None),
        (SECRET, BODY, ""),
        (SECRET, BODY, "sha256="),
        (SECRET, BODY, sign(BODY)[7:]),
        (SECRET, BODY, "sha1=" + sign(BODY)[7:]),
        (SECRET, BODY, "SHA256=" + sign(BODY)[7:]),
        (SECRET, BODY, sign(BODY)[:-1]),
        (SECRET, BODY, sign(BODY) + "0"),
        (SECRET, BODY, sign(BODY)[:-1] + "g"),
        (SECRET, BODY, sign(BODY) + ",sha256=" + sign(BODY)[7:]),
        (SECRET, BODY, "sha256=" + "é" * 64),
        (SECRET, BODY, b"sha256=" + sign(BODY)[7:].encode()),
        (SECRET, BODY, 42),
        ("", BODY, sign(BODY, "")),
        (None, BODY, sign(BODY, "")),
        (b"", BODY, sign(BODY, "")),
        (42, BODY, sign(BODY)),
        (SECRET, BODY.decode(), sign(BODY)),
        (SECRET, None, sign(b"")),
    ],
)
def test_signature_invalid(secret, body, header):
    assert signature_valid(secret, body, header) is False


# Handshake -------------------------------------------------------------------


def test_handshake():
    params = {
        "hub.mode": "subscribe",
        "hub.verify_token": "verify-me",
        "hub.challenge": "1158201444",
    }
    assert handshake(params, "verify-me") == "1158201444"
    query = "hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42"
    assert handshake(parse_qs(query), "verify-me") == "42"


@pytest.mark.parametrize(
    ("params", "verify_token"),
    [
        ({"hub.mode": "subscribe", "hub.verify_token": "nope"}, "verify-me"),
        ({"hub.mode": "unsubscribe", "hub.verify_token": "verify-me"}, "verify-me"),
        ({"hub.verify_token": "verify-me"}, "verify-me"),
        ({"hub.mode": "subscribe"}, "verify-me"),
        ({"hub.mode": "subscribe", "hub.verify_token": "verify-me"}, ""),
        ({"hub.mode": "subscribe", "hub.verify_token": ""}, ""),
        ({"hub.mode": "subscribe", "hub.verify_token": "verify-me"}, None),
        ({"hub.mode": "subscribe", "hub.verify_token": "vérify"}, "verify-me"),
        ({"hub.mode": "subscribe", "hub.verify_token": ["a", "b"]}, "a"),
        ({"hub.mode": "subscribe", "hub.verify_token": 5}, "5"),
    ],
)
def test_handshake_refused(params, verify_token):
    params = {"hub.challenge": "1158201444", **params}
    assert handshake(params, verify_token) is None


def test_handshake_without_challenge_or_params():
    params = {"hub.mode": "subscribe", "hub.verify_token": "verify-me"}
    assert handshake(params, "verify-me") is None
    assert handshake({**params, "hub.challenge": ""}, "verify-me") is None
    assert handshake(None, "verify-me") is None
    assert handshake("hub.mode=subscribe", "verify-me") is None


# Events ----------------------------------------------------------------------

STATUS = build_status_payload(PHONE_ID, "wamid.A1", "delivered", "5511987654321")
FAILED = {
    "object": "whatsapp_business_account",
    "entry": [
        {
            "id": WABA_ID,
            "changes": [
                {
                    "value": {
                        "messaging_product": "whatsapp",
                        "metadata": {
                            "display_phone_number": "15550783881",
                            "phone_number_id": PHONE_ID,
                        },
                        "statuses": [
                            {
                                "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBI3MTE5MjVB",
                                "status": "failed",
                                "timestamp": "1750263773",
                                "recipient_id": "5511987654321",
                                "errors": [
                                    {
                                        "code": 131050,
                                        "title": "Unable to deliver the message. "
                                        "This recipient has chosen to stop "
                                        "receiving marketing messages",
                                        "message": "Unable to deliver the message.",
                                        "error_data": {
                                            "details": "The recipient opted out."
                                        },
                                        "href": "https://developers.facebook.com/",
                                    }
                                ],
                            }
                        ],
                    },
                    "field": "messages",
                }
            ],
        }
    ],
}
INBOUND = build_inbound_payload(
    PHONE_ID, "5511987654321", "Oi, tem o vestido azul?", "Maria Souza", "wamid.IN1"
)
TEMPLATE_STATUS = build_template_status_payload(
    WABA_ID, "nova_colecao", "pt_BR", "APPROVED", template_id="594425479261596"
)
QUALITY = build_template_quality_payload(
    WABA_ID, "nova_colecao", "pt_BR", "YELLOW", template_id="594425479261596"
)
VALID_PAYLOADS = (STATUS, FAILED, INBOUND, TEMPLATE_STATUS, QUALITY)


def inbound_with(message, contacts=None):
    payload = copy.deepcopy(INBOUND)
    value = payload["entry"][0]["changes"][0]["value"]
    value["messages"] = [
        {"from": "5511987654321", "id": "wamid.X", "timestamp": "1700000000", **message}
    ]
    if contacts is not None:
        value["contacts"] = contacts
    return payload


def test_status_event():
    [event] = parse_events(
        build_status_payload(
            PHONE_ID, "wamid.A1", "delivered", "+5511987654321", timestamp=1700000000
        )
    )
    assert event == StatusEvent(
        phone_number_id=PHONE_ID,
        message_id="wamid.A1",
        status="delivered",
        timestamp=1700000000,
        recipient_id="5511987654321",
        errors=(),
    )
    with pytest.raises(AttributeError):
        event.status = "read"  # frozen
    assert hash(event)


def test_failed_status_with_errors():
    [event] = parse_events(FAILED)
    assert event.status == "failed"
    assert event.timestamp == 1750263773
    assert event.errors == (
        ErrorInfo(
            code=131050,
            title="Unable to deliver the message. This recipient has chosen to "
            "stop receiving marketing messages",
            details="The recipient opted out.",
        ),
    )
    failed = build_status_payload(
        PHONE_ID, "wamid.B", "failed", "5511977771111", errors=[131026]
    )
    [event] = parse_events(failed)
    assert event.errors[0].code == 131026
    assert event.errors[0].title == "Message undeliverable"


def test_error_without_code_title_or_details():
    payload = copy.deepcopy(FAILED)
    payload["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"] = [
        {"message": "Something"},
        {"code": "131000"},
    ]
    [event] = parse_events(payload)
    assert event.errors == (
        ErrorInfo(code=None, title="Something", details=""),
        ErrorInfo(code=131000, title="", details=""),
    )


def test_inbound_text():
    [event] = parse_events(INBOUND)
    assert isinstance(event, InboundMessage)
    assert event.phone_number_id == PHONE_ID
    assert event.message_id == "wamid.IN1"
    assert event.sender == "5511987654321"
    assert event.kind == "text"
    assert event.text == "Oi, tem o vestido azul?"
    assert event.contact_name == "Maria Souza"
    assert isinstance(event.timestamp, int)


@pytest.mark.parametrize(
    ("message", "kind", "text"),
    [
        ({"type": "text", "text": {"body": "Sair"}}, "text", "Sair"),
        (
            {"type": "button", "button": {"text": "Parar promoções", "payload": "X"}},
            "button",
            "Parar promoções",
        ),
        (
            {
                "type": "interactive",
                "interactive": {
                    "type": "button_reply",
                    "button_reply": {"id": "b1", "title": "Quero ver"},
                },
            },
            "interactive",
            "Quero ver",
        ),
        (
            {
                "type": "interactive",
                "interactive": {
                    "type": "list_reply",
                    "list_reply": {"id": "r1", "title": "Vestidos", "description": ""},
                },
            },
            "interactive",
            "Vestidos",
        ),
        (
            {"type": "interactive", "interactive": {"type": "nfm_reply"}},
            "interactive",
            "",
        ),
        (
            {"type": "image", "image": {"id": "m1", "caption": "Este", "sha256": "x"}},
            "image",
            "Este",
        ),
        (
            {"type": "reaction", "reaction": {"message_id": "wamid.A", "emoji": "👍"}},
            "reaction",
            "👍",
        ),
        (
            {"type": "unsupported", "errors": [{"code": 131051}]},
            "unsupported",
            "",
        ),
        ({"type": "location", "location": {"latitude": 1.5}}, "location", ""),
        (
            {
                "type": "location",
                "location": {"latitude": -23.5, "longitude": -46.6, "name": "Loja"},
            },
            "location",
            "Loja (-23.5, -46.6)",
        ),
        # WhatsApp Web, reconnecting, sends it without its object.
        ({"type": "interactive"}, "interactive", ""),
    ],
)
def test_inbound_kinds(message, kind, text):
    [event] = parse_events(inbound_with(message))
    assert (event.kind, event.text) == (kind, text)


def test_contact_name_is_the_sender_s():
    contacts = [
        {"profile": {"name": "Joana"}, "wa_id": "5511977771111"},
        {"profile": {"name": "Maria"}, "wa_id": "5511987654321"},
    ]
    [event] = parse_events(
        inbound_with({"type": "text", "text": {"body": "x"}}, contacts)
    )
    assert event.contact_name == "Maria"
    # One contact whose wa_id differs (the 9th digit): still the sender.
    one = [{"profile": {"name": "Maria"}, "wa_id": "551187654321"}]
    [event] = parse_events(inbound_with({"type": "text", "text": {"body": "x"}}, one))
    assert event.contact_name == "Maria"
    for contacts in ([], [{"wa_id": "5511987654321"}]):
        payload = inbound_with({"type": "text", "text": {"body": "x"}}, contacts)
        assert parse_events(payload)[0].contact_name == ""
    payload = inbound_with({"type": "text", "text": {"body": "x"}})
    del payload["entry"][0]["changes"][0]["value"]["contacts"]
    assert parse_events(payload)[0].contact_name == ""


def test_template_status_event():
    [event] = parse_events(TEMPLATE_STATUS)
    assert event == TemplateStatusEvent(
        waba_id=WABA_ID,
        template_id="594425479261596",
        name="nova_colecao",
        language="pt_BR",
        event="APPROVED",
        reason=None,
    )
    rejected = build_template_status_payload(
        WABA_ID,
        "nova_colecao",
        "pt_BR",
        "REJECTED",
        "INVALID_FORMAT",
        "594425479261596",
    )
    assert parse_events(rejected)[0].reason == "INVALID_FORMAT"
    paused = copy.deepcopy(TEMPLATE_STATUS)
    value = paused["entry"][0]["changes"][0]["value"]
    value.update(
        event="PAUSED",
        other_info={"title": "FIRST_PAUSE", "description": "Low quality"},
    )
    del value["reason"]
    [event] = parse_events(paused)
    assert (event.event, event.reason) == ("PAUSED", None)


def test_template_quality_event():
    assert parse_events(QUALITY) == [
        TemplateQualityEvent(
            waba_id=WABA_ID,
            template_id="594425479261596",
            name="nova_colecao",
            language="pt_BR",
            quality="YELLOW",
        )
    ]


def test_several_entries_changes_and_items_keep_their_order():
    status_value = STATUS["entry"][0]["changes"][0]["value"]
    inbound_value = INBOUND["entry"][0]["changes"][0]["value"]
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {"field": "account_update", "value": {"event": "VERIFIED"}},
                    {
                        "field": "messages",
                        "value": {
                            **status_value,
                            "statuses": status_value["statuses"] * 2,
                        },
                    },
                ],
            },
            {"id": WABA_ID, "changes": []},
            {
                "id": WABA_ID,
                "time": 1700000000,
                "changes": [
                    {"field": "messages", "value": inbound_value},
                    TEMPLATE_STATUS["entry"][0]["changes"][0],
                    {
                        "field": "phone_number_quality_update",
                        "value": {
                            "display_phone_number": "15550783881",
                            "event": "FLAGGED",
                            "current_limit": "TIER_1K",
                        },
                    },
                    {"field": "messages", "value": {**status_value, "statuses": []}},
                ],
            },
        ],
    }
    events = parse_events(payload)
    assert [type(e) for e in events] == [
        StatusEvent,
        StatusEvent,
        InboundMessage,
        TemplateStatusEvent,
        PhoneQualityEvent,
    ]
    assert events[3].time == events[4].time == 1700000000


def test_nothing_to_do():
    empty = {"object": "whatsapp_business_account", "entry": []}
    assert parse_events(empty) == []
    errors_only = copy.deepcopy(STATUS)
    value = errors_only["entry"][0]["changes"][0]["value"]
    del value["statuses"]
    value["errors"] = [{"code": 131000, "title": "Something went wrong"}]
    assert parse_events(errors_only) == []


def test_numbers_where_meta_sends_text_are_accepted():
    payload = copy.deepcopy(STATUS)
    item = payload["entry"][0]["changes"][0]["value"]["statuses"][0]
    item["timestamp"] = 1700000000
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = int(
        PHONE_ID
    )
    [event] = parse_events(payload)
    assert (event.timestamp, event.phone_number_id) == (1700000000, PHONE_ID)


def test_the_payload_is_not_changed():
    payload = copy.deepcopy(FAILED)
    parse_events(payload)
    assert payload == FAILED


# Malformed payloads ----------------------------------------------------------

DELETE = object()


def changed(payload, path, value):
    """A copy of ``payload`` with the item at ``path`` replaced (or deleted)."""
    payload = copy.deepcopy(payload)
    *parents, last = path
    target = payload
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return payload


CHANGE = ("entry", 0, "changes", 0)
VALUE = (*CHANGE, "value")
STATUS_ITEM = (*VALUE, "statuses", 0)
MESSAGE_ITEM = (*VALUE, "messages", 0)

MALFORMED = [
    None,
    [],
    "whatsapp_business_account",
    42,
    3.5,
    True,
    {},
    {"object": "page", "entry": []},
    {"object": None, "entry": []},
    {"object": "whatsapp_business_account"},
    {"object": "whatsapp_business_account", "entry": {}},
    {"object": "whatsapp_business_account", "entry": "x"},
    {"object": "whatsapp_business_account", "entry": [None]},
    {"object": "whatsapp_business_account", "entry": [[]]},
    {"object": "whatsapp_business_account", "entry": [{"id": WABA_ID}]},
    changed(STATUS, ("entry", 0, "changes"), {}),
    changed(STATUS, ("entry", 0, "changes"), [None]),
    changed(STATUS, ("entry", 0, "changes"), ["messages"]),
    changed(STATUS, (*CHANGE, "field"), DELETE),
    changed(STATUS, (*CHANGE, "field"), 5),
    changed(STATUS, VALUE, DELETE),
    changed(STATUS, VALUE, []),
    changed(STATUS, VALUE, "statuses"),
    changed(STATUS, (*VALUE, "metadata"), DELETE),
    changed(STATUS, (*VALUE, "metadata"), "x"),
    changed(STATUS, (*VALUE, "metadata", "phone_number_id"), DELETE),
    changed(STATUS, (*VALUE, "metadata", "phone_number_id"), ""),
    changed(STATUS, (*VALUE, "metadata", "phone_number_id"), True),
    changed(STATUS, (*VALUE, "metadata", "phone_number_id"), -1),
    changed(STATUS, (*VALUE, "statuses"), {}),
    changed(STATUS, (*VALUE, "statuses"), "delivered"),
    changed(STATUS, (*VALUE, "statuses"), [None]),
    changed(STATUS, (*VALUE, "statuses"), [[]]),
    changed(STATUS, (*STATUS_ITEM, "id"), DELETE),
    changed(STATUS, (*STATUS_ITEM, "id"), ""),
    changed(STATUS, (*STATUS_ITEM, "id"), ["wamid.A1"]),
    changed(STATUS, (*STATUS_ITEM, "status"), DELETE),
    changed(STATUS, (*STATUS_ITEM, "status"), 2),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), DELETE),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), None),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), "soon"),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), "1.5"),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), "-1"),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), -1),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), 1.5),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), True),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), "١٧٠٠٠٠٠٠٠٠"),
    changed(STATUS, (*STATUS_ITEM, "timestamp"), "9" * 40),
    changed(STATUS, (*STATUS_ITEM, "recipient_id"), DELETE),
    changed(STATUS, (*STATUS_ITEM, "recipient_id"), {}),
    changed(STATUS, (*STATUS_ITEM, "errors"), "x"),
    changed(STATUS, (*STATUS_ITEM, "errors"), [None]),
    changed(FAILED, (*STATUS_ITEM, "errors", 0, "code"), "abc"),
    changed(FAILED, (*STATUS_ITEM, "errors", 0, "code"), 1.5),
    changed(FAILED, (*STATUS_ITEM, "errors", 0, "code"), False),
    changed(FAILED, (*STATUS_ITEM, "errors", 0, "title"), 5),
    changed(FAILED, (*STATUS_ITEM, "errors", 0, "error_data"), "x"),
    changed(FAILED, (*STATUS_ITEM, "errors", 0, "error_data", "details"), []),
    changed(INBOUND, (*VALUE, "messages"), {}),
    changed(INBOUND, (*VALUE, "messages"), [None]),
    changed(INBOUND, (*MESSAGE_ITEM, "from"), DELETE),
    changed(INBOUND, (*MESSAGE_ITEM, "from"), "maria"),
    changed(INBOUND, (*MESSAGE_ITEM, "from"), "+55 11 98765-4321"),
    changed(INBOUND, (*MESSAGE_ITEM, "from"), None),
    changed(INBOUND, (*MESSAGE_ITEM, "id"), DELETE),
    changed(INBOUND, (*MESSAGE_ITEM, "timestamp"), "yesterday"),
    changed(INBOUND, (*MESSAGE_ITEM, "type"), DELETE),
    changed(INBOUND, (*MESSAGE_ITEM, "type"), ["text"]),
    changed(INBOUND, (*MESSAGE_ITEM, "text"), DELETE),
    changed(INBOUND, (*MESSAGE_ITEM, "text"), "Oi"),
    changed(INBOUND, (*MESSAGE_ITEM, "text", "body"), 5),
    changed(INBOUND, (*MESSAGE_ITEM, "text", "body"), None),
    inbound_with({"type": "button", "button": {"payload": "X"}}),
    inbound_with({"type": "button"}),
    inbound_with({"type": "interactive", "interactive": "button_reply"}),
    inbound_with({"type": "interactive", "interactive": {"button_reply": "Quero ver"}}),
    inbound_with({"type": "interactive", "interactive": {"list_reply": {"id": "1"}}}),
    changed(INBOUND, (*VALUE, "contacts"), "Maria"),
    changed(INBOUND, (*VALUE, "contacts"), [5]),
    changed(INBOUND, (*VALUE, "contacts", 0, "profile"), "Maria"),
    changed(INBOUND, (*VALUE, "contacts", 0, "profile", "name"), 5),
    changed(INBOUND, (*VALUE, "contacts", 0, "wa_id"), "maria"),
    changed(TEMPLATE_STATUS, ("entry", 0, "id"), DELETE),
    changed(TEMPLATE_STATUS, ("entry", 0, "id"), {}),
    changed(TEMPLATE_STATUS, VALUE, "APPROVED"),
    changed(TEMPLATE_STATUS, (*VALUE, "message_template_id"), DELETE),
    changed(TEMPLATE_STATUS, (*VALUE, "message_template_id"), True),
    changed(TEMPLATE_STATUS, (*VALUE, "message_template_id"), 1.5),
    changed(TEMPLATE_STATUS, (*VALUE, "message_template_name"), None),
    changed(TEMPLATE_STATUS, (*VALUE, "message_template_language"), DELETE),
    changed(TEMPLATE_STATUS, (*VALUE, "event"), DELETE),
    changed(TEMPLATE_STATUS, (*VALUE, "reason"), 5),
    changed(QUALITY, (*VALUE, "new_quality_score"), DELETE),
    changed(QUALITY, (*VALUE, "new_quality_score"), {"score": "RED"}),
    changed(QUALITY, ("entry", 0, "id"), ""),
]


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_payloads(payload):
    with pytest.raises(WebhookPayloadError) as error:
        parse_events(payload)
    assert type(error.value) is WebhookPayloadError
    assert isinstance(error.value, ValueError)
    assert len(str(error.value)) < 200


def test_the_error_says_where():
    payload = changed(STATUS, (*STATUS_ITEM, "timestamp"), "soon")
    with pytest.raises(WebhookPayloadError, match=r"statuses\[0\]\.timestamp"):
        parse_events(payload)


JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["whatsapp_business_account", "messages", "text", "button", "interactive"]
    )
)
KEYS = st.sampled_from(
    [
        "object",
        "entry",
        "id",
        "changes",
        "field",
        "value",
        "metadata",
        "phone_number_id",
        "statuses",
        "messages",
        "contacts",
        "errors",
        "status",
        "timestamp",
        "recipient_id",
        "from",
        "type",
        "text",
        "body",
        "code",
        "title",
        "error_data",
        "details",
        "profile",
        "name",
        "wa_id",
        "interactive",
        "button_reply",
        "list_reply",
        "event",
        "reason",
        "message_template_id",
        "message_template_name",
        "message_template_language",
        "new_quality_score",
    ]
) | st.text(max_size=6)
JSON = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=6)
    ),
    max_leaves=40,
)


def _list_or_error(payload):
    try:
        events = parse_events(payload)
    except WebhookPayloadError:
        return
    assert isinstance(events, list)
    for event in events:
        assert isinstance(
            event,
            StatusEvent
            | InboundMessage
            | TemplateStatusEvent
            | TemplateQualityEvent
            | PhoneQualityEvent,
        )


@settings(max_examples=300, deadline=None)
@given(payload=JSON)
def test_any_json_gives_events_or_a_payload_error(payload):
    _list_or_error(payload)


@settings(max_examples=300, deadline=None)
@given(entry=JSON)
def test_any_entry_gives_events_or_a_payload_error(entry):
    _list_or_error({"object": "whatsapp_business_account", "entry": entry})


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _paths(child, (*path, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield from _paths(child, (*path, index))


@settings(max_examples=500, deadline=None)
@given(data=st.data(), payload=st.sampled_from(VALID_PAYLOADS))
def test_any_change_of_a_real_payload_gives_events_or_a_payload_error(data, payload):
    paths = [path for path in _paths(payload) if path]
    path = data.draw(st.sampled_from(paths))
    value = data.draw(st.just(DELETE) | JSON)
    _list_or_error(changed(payload, path, value))


# Status order ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        (None, "sent", True),
        (False, "sent", True),
        ("", "delivered", True),
        ("queued", "sent", True),
        ("queued", "delivered", True),
        ("queued", "read", True),
        ("sent", "delivered", True),
        ("sent", "read", True),  # delivered skipped
        ("delivered", "read", True),
        ("read", "delivered", False),  # late
        ("read", "sent", False),
        ("delivered", "sent", False),
        ("sent", "sent", False),
        ("read", "read", False),
        (None, "failed", True),
        ("queued", "failed", True),
        ("sent", "failed", True),
        ("delivered", "failed", False),
        ("read", "failed", False),
        ("failed", "failed", False),
        ("failed", "sent", False),
        ("failed", "delivered", True),
        ("failed", "read", True),
        ("sent", "deleted", False),
        ("sent", "warning", False),
        (None, "unknown", False),
        ("sent", None, False),
        ("sent", "", False),
        ("SENT", "Read", True),
        (" sent ", "delivered ", True),
        ("canceled", "sent", True),
    ],
)
def test_is_newer(current, incoming, expected):
    assert is_newer(current, incoming) is expected


def test_status_rank():
    assert STATUS_RANK == {"sent": 1, "delivered": 2, "read": 3}


@given(st.permutations(["sent", "delivered", "read", "failed", "sent", "read"]))
def test_statuses_end_the_same_whatever_their_order(statuses):
    state = "queued"
    for status in statuses:
        if is_newer(state, status):
            state = status
    assert state == "read"


@given(st.lists(st.sampled_from(["sent", "failed", "queued"]), min_size=1))
def test_failed_wins_over_sent_whatever_the_order(statuses):
    state = None
    for status in statuses:
        if is_newer(state, status):
            state = status
    if "failed" in statuses:
        assert state == "failed"
    elif "sent" in statuses:
        assert state == "sent"
    else:
        assert state is None


# Phones and opt-out ----------------------------------------------------------


@pytest.mark.parametrize(
    ("digits", "variants"),
    [
        ("5511987654321", ["+5511987654321", "+551187654321"]),
        ("551187654321", ["+5511987654321", "+551187654321"]),
        ("+5511987654321", ["+5511987654321", "+551187654321"]),
        (" 5511987654321 ", ["+5511987654321", "+551187654321"]),
        ("5521991234567", ["+5521991234567", "+552191234567"]),
        ("551198765432", ["+5511998765432", "+551198765432"]),
        ("5511912345678", ["+5511912345678", "+551112345678"]),
        ("556199887766", ["+5561999887766", "+556199887766"]),
        ("551134567890", ["+551134567890"]),  # landline
        ("551123456789", ["+551123456789"]),
        ("550187654321", ["+550187654321"]),  # no area code 01
        ("14155550100", ["+14155550100"]),
        ("351912345678", ["+351912345678"]),
        ("5511", ["+5511"]),
        ("", []),
        ("   ", []),
        (None, []),
        (5511987654321, []),
        ("55 11 98765-4321", []),
        ("abc", []),
    ],
)
def test_brazil_phone_variants(digits, variants):
    assert brazil_phone_variants(digits) == variants


@pytest.mark.parametrize(
    "text",
    [
        "sair",
        "SAIR",
        "Sair",
        " Sair! ",
        "sair.",
        "Parar!",
        "PARAR",
        "Párar",
        "STOP.",
        "stop",
        "Stop!!!",
        "sair\n",
        "\tparar ?",
        "Sair…",
        "SAIR!?",
        "ＳＡＩＲ",
    ],
)
def test_optout_keywords(text):
    assert is_optout(text, DEFAULT_OPTOUT_KEYWORDS) is True
    assert is_optout(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "quero sair mais cedo",
        "sair agora",
        "Não quero sair",
        "pode parar de mandar?",
        "stopp",
        "sai",
        "s a i r",
        "!sair",
        "sair de novo!",
        "",
        "   ",
        "!",
        None,
        42,
    ],
)
def test_not_optout(text):
    assert is_optout(text, DEFAULT_OPTOUT_KEYWORDS) is False


def test_optout_with_the_brand_keywords():
    assert is_optout("Cancelar", ["cancelar"])
    assert is_optout("nao quero mais!", ["NÃO  QUERO MAIS"])
    assert is_optout("descadastrar", "sair, descadastrar\nremover")
    assert is_optout("remover", "sair, descadastrar\nremover")
    assert not is_optout("sair", [])
    assert not is_optout("sair", None)
    assert is_optout("sair", [None, "", "sair"])
    assert not is_optout("", ["", "sair"])


# Round trip: the fake posts signed payloads to a receiver --------------------


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server = self.server
        header = self.headers.get("X-Hub-Signature-256")
        if not signature_valid(SECRET, body, header):
            status = 403
        else:
            try:
                events = parse_events(json.loads(body))
            except ValueError:  # not JSON, or WebhookPayloadError
                status = 400
            else:
                server.events += events
                status = 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    httpd.daemon_threads = True
    httpd.events = []
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def graph(receiver):
    url = "http://127.0.0.1:%d/webhook" % receiver.server_address[1]
    with FakeGraph(TOKEN, SECRET, webhook_url=url) as fake:
        yield fake
    assert not fake.errors, fake.errors


def test_round_trip_of_a_status(graph, receiver):
    client = CloudApiClient(TOKEN, base_url=graph.base_url)
    message_id = client.send_text(graph.phone_number_id, "+5511987654321", "Oi!")
    assert graph.post_status(message_id, "delivered", "5511987654321") == 200
    [event] = receiver.events
    assert isinstance(event, StatusEvent)
    assert (event.phone_number_id, event.message_id, event.status) == (
        "100200300400",
        message_id,
        "delivered",
    )
    assert event.recipient_id == "5511987654321"
    assert abs(event.timestamp - time.time()) < 60
    assert graph.last_payload["entry"][0]["id"] == "500600700800"


def test_round_trip_of_a_failed_status(graph, receiver):
    errors = [{"code": 131050, "title": "User stopped marketing messages"}]
    assert graph.post_status("wamid.X", "failed", "5511987654321", errors) == 200
    [event] = receiver.events
    assert event.errors == (
        ErrorInfo(code=131050, title="User stopped marketing messages", details=""),
    )


def test_round_trip_of_an_inbound_message(graph, receiver):
    status, message_id = graph.post_inbound("551187654321", " Sair! ", name="Maria")
    assert status == 200
    [event] = receiver.events
    assert event.message_id == message_id
    assert (event.sender, event.text, event.contact_name) == (
        "551187654321",
        " Sair! ",
        "Maria",
    )
    assert is_optout(event.text)
    assert "+5511987654321" in brazil_phone_variants(event.sender)
    # A replay of the same bytes, signed, is accepted again (deduplication
    # is the receiver's job).
    body = json.dumps(graph.last_payload).encode()
    assert graph.post_raw(body, signature=graph.sign(body)) == 200
    assert receiver.events[1] == event


def test_round_trip_of_template_events(graph, receiver):
    template = graph.add_template("nova_colecao", "pt_BR", status="PENDING")
    assert graph.post_template_status("nova_colecao", "pt_BR", "APPROVED") == 200
    assert graph.templates[template["id"]]["status"] == "APPROVED"
    assert graph.post_template_quality("nova_colecao", "pt_BR", "RED") == 200
    status, quality = receiver.events
    assert status == TemplateStatusEvent(
        "500600700800",
        template["id"],
        "nova_colecao",
        "pt_BR",
        "APPROVED",
        None,
        time=status.time,
    )
    # When Meta issued it: the order of template events.
    assert abs(status.time - time.time()) < 60
    assert quality.quality == "RED"
    assert quality.template_id == template["id"]
    graph.post_template_status(
        "other", "en_US", "REJECTED", reason="INVALID_FORMAT", template_id="77"
    )
    assert receiver.events[-1].template_id == "77"
    assert receiver.events[-1].reason == "INVALID_FORMAT"


def test_bad_signatures_are_refused(graph, receiver):
    body = json.dumps(
        build_status_payload(graph.phone_number_id, "wamid.X", "read", "5511987654321")
    ).encode()
    assert graph.post_raw(body, signature="sha256=00ff") == 403
    assert graph.post_raw(body, signature=None) == 403
    assert graph.post_raw(body, signature=sign(body, "other-secret")) == 403
    tampered = body.replace(b"read", b"sent")
    assert graph.post_raw(tampered, signature=graph.sign(body)) == 403
    assert receiver.events == []
    assert graph.post_raw(body, signature=graph.sign(body)) == 200
    assert graph.post_raw(b"{not json", signature=graph.sign(b"{not json")) == 400
    malformed = json.dumps(changed(STATUS, (*STATUS_ITEM, "id"), DELETE)).encode()
    assert graph.post_raw(malformed, signature=graph.sign(malformed)) == 400
    assert len(receiver.events) == 1


def test_numbers_not_on_whatsapp_fail_later(graph, receiver):
    graph.not_on_whatsapp = {"+5511900000000"}
    client = CloudApiClient(TOKEN, base_url=graph.base_url)
    ok = client.send_text(graph.phone_number_id, "5511987654321", "Oi")
    gone = client.send_text(graph.phone_number_id, "5511900000000", "Oi")
    assert ok != gone
    assert receiver.events == []  # accepted, like Meta does
    assert graph.deliver_pending() == [200]
    [event] = receiver.events
    assert (event.message_id, event.status) == (gone, "failed")
    assert event.errors[0].code == 131026
    assert graph.deliver_pending() == []


def test_numbers_not_on_whatsapp_fail_in_the_background(graph, receiver):
    graph.not_on_whatsapp = {"5511900000000"}
    graph.auto_deliver = True
    client = CloudApiClient(TOKEN, base_url=graph.base_url)
    gone = client.send_text(graph.phone_number_id, "+5511900000000", "Oi")
    deadline = time.monotonic() + 5
    while not receiver.events and time.monotonic() < deadline:
        time.sleep(0.02)
    [event] = receiver.events
    assert (event.message_id, event.errors[0].code) == (gone, 131026)
    assert graph.webhook_results == [200]


def test_posting_needs_a_webhook_url():
    with FakeGraph(TOKEN, SECRET) as fake, pytest.raises(RuntimeError):
        fake.post_status("wamid.X", "read", "5511987654321")
