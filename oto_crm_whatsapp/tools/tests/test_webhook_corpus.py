# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every payload shape of Meta's webhook reference (the corpus the Odoo
tests post too) read by ``parse_delivery``."""

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oto_crm_whatsapp.tools import webhook
from oto_crm_whatsapp.tools.webhook import (
    Delivery,
    flow_summary,
    parse_delivery,
    parse_events,
)

CORPUS_PATH = os.path.join(
    os.path.dirname(__file__), "..", "..", "tests", "meta_webhook_corpus.json"
)
with open(CORPUS_PATH, encoding="utf-8") as _fh:
    CORPUS = json.load(_fh)
LONG_TEXT = "Oi! " * 250_000


def payload_of(entry):
    text = json.dumps(entry["payload"], ensure_ascii=False)
    return json.loads(text.replace("{LONG_TEXT}", LONG_TEXT))


@pytest.mark.parametrize("entry", CORPUS["payloads"], ids=lambda e: e["name"])
def test_every_documented_shape(entry):
    delivery = parse_delivery(payload_of(entry))
    expect = entry["expect"]
    assert len(delivery.problems) == expect.get("problems", 0), delivery.problems
    assert len(delivery.unhandled) == expect.get("unhandled", 0)
    expected_events = expect["events"]
    assert len(delivery.events) == len(expected_events)
    for event, wanted in zip(delivery.events, expected_events, strict=True):
        assert type(event).__name__ == wanted["type"]
        for key, value in wanted.items():
            if key != "type":
                assert getattr(event, key) == value, (entry["name"], key)
    if expect.get("long_text"):
        assert delivery.events[0].text == LONG_TEXT
    if not delivery.problems:
        # The strict form agrees when there is nothing odd.
        assert parse_events(payload_of(entry)) == list(delivery.events)


def test_the_corpus_covers_every_kind_and_field():
    kinds = {
        event.kind
        for entry in CORPUS["payloads"]
        for event in parse_delivery(payload_of(entry)).events
        if hasattr(event, "kind")
    }
    assert {
        "text",
        "image",
        "video",
        "document",
        "audio",
        "sticker",
        "reaction",
        "location",
        "contacts",
        "button",
        "interactive",
        "order",
        "system",
        "unsupported",
    } <= kinds
    fields = {
        change["field"]
        for entry in CORPUS["payloads"]
        if isinstance(entry["payload"], dict)
        for item in entry["payload"]["entry"]
        for change in item["changes"]
    }
    assert set(webhook.HANDLED_FIELDS) <= fields
    assert len(CORPUS["payloads"]) >= 50


def test_one_bad_item_costs_nothing_else():
    [entry] = [
        e
        for e in CORPUS["payloads"]
        if e["name"] == "an unreadable item among good ones"
    ]
    delivery = parse_delivery(payload_of(entry))
    [problem] = delivery.problems
    assert problem.path == "entry[0].changes[0].value.messages[1]"
    assert "id" in problem.error
    # The raw item is kept as Meta sent it.
    assert problem.raw["text"] == {"body": "sem id"}
    assert problem.phone_number_id == CORPUS["phone_number_id"]
    with pytest.raises(webhook.WebhookPayloadError):
        parse_events(payload_of(entry))


@pytest.mark.parametrize(
    "payload",
    [None, [], "x", 42, {"object": "page"}, {"object": "whatsapp_business_account"}],
)
def test_a_payload_that_is_not_a_notification_is_one_problem(payload):
    delivery = parse_delivery(payload)
    assert delivery == Delivery(problems=delivery.problems)
    assert [p.path for p in delivery.problems] == ["payload"]
    assert delivery.problems[0].raw == payload


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_any_change_to_a_documented_payload_never_raises(data):
    entry = data.draw(st.sampled_from(CORPUS["payloads"]))
    payload = json.loads(json.dumps(entry["payload"]).replace("{LONG_TEXT}", "x"))
    # Replace one node of the payload by anything.
    paths, todo = [], [((), payload)]
    while todo:
        path, node = todo.pop()
        paths.append(path)
        if isinstance(node, dict):
            todo += [((*path, key), child) for key, child in node.items()]
        elif isinstance(node, list):
            todo += [((*path, index), child) for index, child in enumerate(node)]
    path = data.draw(st.sampled_from(paths))
    if path:
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = data.draw(JSON)
    delivery = parse_delivery(payload)
    assert isinstance(delivery, Delivery)


def test_flow_answers_read_as_lines():
    flow = {"answers": {"flow_token": "t", "cores": ["azul", "verde"], "ok": True}}
    assert flow_summary(flow) == "cores: azul, verde\nok: True"
    assert flow_summary({"answers": {}, "body": "Sent"}) == "Sent"
    assert flow_summary(None) == ""
