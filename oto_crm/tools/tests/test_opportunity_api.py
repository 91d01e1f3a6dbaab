# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from oto_crm.tools.opportunity_api import MESSAGES, validate

TODAY = date(2026, 11, 24)
VALID = {
    "customer": {"name": "Maria Souza", "phone": "(11) 98765-4321"},
    "type": "behavior",
    "reason": "abandoned cart",
    "products": ["VEST-001"],
    "message": "Oi Maria, seu carrinho está esperando!",
    "deadline": "2026-11-30",
    "priority": "high",
    "idempotency_key": "cart-123",
}


def test_valid_payload_is_normalized():
    clean, errors = validate(VALID, TODAY)
    assert errors == {}
    assert clean["customer"] == {"name": "Maria Souza", "phone": "+5511987654321"}
    assert clean["deadline"] == date(2026, 11, 30)
    assert clean["priority"] == "1"
    assert clean["products"] == ["VEST-001"]


def test_each_problem_names_its_field():
    cases = [
        ({**VALID, "type": "spam"}, "type"),
        ({k: v for k, v in VALID.items() if k != "type"}, "type"),
        ({k: v for k, v in VALID.items() if k != "reason"}, "reason"),
        ({k: v for k, v in VALID.items() if k != "customer"}, "customer"),
        ({**VALID, "customer": "Maria"}, "customer"),
        ({**VALID, "customer": {"name": "Maria"}}, "customer.email"),
        ({**VALID, "customer": {"email": "maria@"}}, "customer.email"),
        ({**VALID, "customer": {"phone": "123"}}, "customer.phone"),
        ({**VALID, "customer": {"document": "123.456"}}, "customer.document"),
        ({**VALID, "deadline": "30/11/2026"}, "deadline"),
        ({**VALID, "deadline": "2026-11-01"}, "deadline"),
        ({**VALID, "deadline": 20261130}, "deadline"),
        ({**VALID, "priority": 3}, "priority"),
        ({**VALID, "products": "VEST-001"}, "products"),
        ({**VALID, "products": [1]}, "products.0"),
        ({**VALID, "message": ["oi"]}, "message"),
        ({**VALID, "reason": "x" * 201}, "reason"),
        ({**VALID, "extra": 1}, "extra"),
        ({**VALID, "customer": {**VALID["customer"], "cpf": "1"}}, "customer.cpf"),
        ({**VALID, "customer": {"phone": 5511987654321}}, "customer.phone"),
    ]
    for payload, field in cases:
        clean, errors = validate(payload, TODAY)
        assert clean is None
        assert field in errors, (payload, errors)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        json_values,
        st.fixed_dictionaries(
            {},
            optional={key: json_values for key in (*VALID, "customer")},
        ),
        st.builds(
            lambda key, value: {**VALID, key: value},
            st.sampled_from(sorted(VALID)),
            json_values,
        ),
    )
)
def test_malformed_payloads_never_raise(payload):
    clean, errors = validate(payload, TODAY)
    assert (clean is None) == bool(errors)
    assert all(isinstance(k, str) and v in MESSAGES for k, v in errors.items())


def test_openapi_document_matches_the_validator():
    import json
    import pathlib

    from oto_crm.tools.opportunity_api import (
        CUSTOMER_FIELDS,
        FIELDS,
        MAX_PRODUCTS,
        PRIORITIES,
        TYPES,
    )

    path = pathlib.Path(__file__).parents[2] / "static" / "api" / "openapi.json"
    spec = json.loads(path.read_text())
    schemas = spec["components"]["schemas"]
    new = schemas["NewOpportunity"]
    assert tuple(new["properties"]) == FIELDS
    assert set(new["required"]) == {
        field for field in FIELDS if "required" in validate({}, TODAY)[1].get(field, "")
    }
    assert tuple(new["properties"]["type"]["enum"]) == TYPES
    assert tuple(new["properties"]["priority"]["enum"]) == tuple(PRIORITIES)
    assert new["properties"]["products"]["maxItems"] == MAX_PRODUCTS
    assert tuple(schemas["Customer"]["properties"]) == CUSTOMER_FIELDS
    assert set(spec["paths"]) == {
        "/opportunities",
        "/opportunities/{id}",
        "/results",
        "/purchases",
        "/openapi.json",
    }
    # The purchases feed's fields, as the feed checks them.
    from oto_crm.tools.purchase_feed import ITEM_FIELDS, LINE_FIELDS, MAX_LINES
    from oto_crm.tools.purchase_feed import MAX_PURCHASES as MAX_BATCH

    batch = schemas["PurchaseBatch"]["properties"]["purchases"]
    assert batch["maxItems"] == MAX_BATCH
    assert tuple(batch["items"]["properties"]) == ITEM_FIELDS
    lines = batch["items"]["properties"]["lines"]
    assert lines["maxItems"] == MAX_LINES
    assert tuple(lines["items"]["properties"]) == LINE_FIELDS
    # The results' types: every type an opportunity has (those of the API,
    # and a contact a seller started).
    assert set(
        schemas["Results"]["properties"]["types"]["items"]["properties"]["type"]["enum"]
    ) >= set(TYPES)


surrogate_text = st.text(
    alphabet=st.characters(categories=["Cs", "L", "Nd", "P", "Zs", "Cc"]), max_size=12
)


def test_lone_surrogates_are_refused_and_echoed_escaped():
    import json

    payload = json.loads(
        '{"type": "behavior", "reason": "x\\ud800", "\\udc00key": 1,'
        ' "customer": {"name": "\\ud83d", "email": "a@b.co", "\\ud800": 2},'
        ' "products": ["\\udfff"], "idempotency_key": "\\ud800\\udc00"}'
    )
    clean, errors = validate(payload, TODAY)
    assert clean is None
    assert errors["reason"] == "must be valid Unicode"
    assert errors["customer.name"] == "must be valid Unicode"
    assert errors["products.0"] == "a product code (internal reference)"
    assert errors["\\udc00key"] == "unknown field"
    assert errors["customer.\\ud800"] == "unknown field"
    # A well-formed pair is one character, not an error.
    assert "idempotency_key" not in errors
    json.dumps(errors, ensure_ascii=False).encode("utf-8")


def test_documents_are_ascii_digits():
    for document in ("١٢٣٤٥٦٧٨٩٠٩", "¹²³⁴⁵⁶⁷⁸⁹⁰⁹"):
        errors = validate({**VALID, "customer": {"document": document}}, TODAY)[1]
        assert errors["customer.document"] == "a CPF (11 digits) or CNPJ (14 digits)"


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        surrogate_text,
        st.one_of(surrogate_text, st.dictionaries(surrogate_text, surrogate_text)),
        max_size=6,
    ),
    st.sampled_from(["reason", "message", "idempotency_key", "type", "priority"]),
    surrogate_text,
)
def test_whatever_the_text_the_answer_can_be_encoded(extra, field, value):
    import json

    payload = {**VALID, **extra, field: value}
    clean, errors = validate(payload, TODAY)
    json.dumps(errors, ensure_ascii=False).encode("utf-8")
    if clean is not None:
        json.dumps(clean, default=str, ensure_ascii=False).encode("utf-8")
