# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from hypothesis import given, settings
from hypothesis import strategies as st

from oto_crm.tools.purchase_feed import KEYS, MESSAGES, field_of, rows

TZ = "America/Sao_Paulo"
PURCHASE = {
    "id": "ECOM-1",
    "date": "2026-11-20T14:30:00",
    "customer": "CLI-1",
    "lines": [
        {"product": "VEST-001", "quantity": 2, "unit_price": 199.9},
        {"product": "CINTO-01", "quantity": 1, "unit_price": 1e-05},
    ],
}


def test_one_row_per_line_with_the_purchase_s_header():
    out, places, errors, batch = rows({"purchases": [PURCHASE]}, TZ)
    assert (errors, batch) == ({}, None)
    assert places == [(0, 0), (0, 1)]
    assert [row["product"] for row in out] == ["VEST-001", "CINTO-01"]
    assert {row["order_ref"] for row in out} == {"ECOM-1"}
    # Numbers as the import reads them (never in exponent notation).
    assert out[1]["unit_price"] == "0.00001"
    assert out[0]["date"] == "2026-11-20 14:30:00"
    assert set(out[0]) <= set(KEYS)


def test_a_zone_is_turned_into_the_brand_s_time():
    out = rows({"purchases": [{**PURCHASE, "date": "2026-11-20T17:30:00Z"}]}, TZ)[0]
    assert out[0]["date"] == "2026-11-20 14:30:00"


def test_without_lines_one_row_with_the_total():
    out, places, errors, _batch = rows(
        {"purchases": [{**PURCHASE, "lines": [], "total": 350}]}, TZ
    )
    assert places == [(0, None)] and not errors
    assert out[0]["amount"] == "350"


def test_every_problem_named_on_its_item():
    bad = {
        **PURCHASE,
        "id": "x" * 65,
        "date": "ontem",
        "channel": "app",
        "status": "paid",
        "total": -1,
        "refunded": True,
        "customer": "\x00",
        "lines": [{"product": 5, "quantity": float("inf")}, "no"],
        "extra": 1,
    }
    out, _places, errors, batch = rows({"purchases": [PURCHASE, bad]}, TZ)
    assert batch is None
    assert len(out) == 2  # the good one's lines only
    assert set(errors[1]) == {
        "id",
        "date",
        "channel",
        "status",
        "total",
        "refunded",
        "customer",
        "lines.0.product",
        "lines.0.quantity",
        "lines.1",
        "extra",
    }
    assert set(errors[1].values()) <= set(MESSAGES)


def test_the_same_purchase_twice_in_a_batch():
    _out, _places, errors, _batch = rows({"purchases": [PURCHASE, PURCHASE]}, TZ)
    assert errors == {1: {"id": "the same purchase twice in the batch"}}


def test_the_batch_s_shape():
    for payload in (None, [], {}, {"purchases": []}, {"purchases": {}}, {"x": 1}):
        assert rows(payload, TZ)[3] == "give a list of 1 to 1000 purchases"
    assert rows({"purchases": [PURCHASE] * 1001}, TZ)[3]


def test_field_of_a_line():
    assert field_of("unit_price", 3) == "lines.3.unit_price"
    assert field_of("order_ref", None) == "id"
    assert field_of("customer_ref", 2) == "customer"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    ["id", "date", "customer", "store", "seller", "channel", "status", "total", "lines"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(FIELDS, JSON, max_size=8) | JSON, min_size=1, max_size=5)
)
def test_never_raises_and_every_item_is_answered(items):
    out, places, errors, batch = rows({"purchases": items}, TZ)
    assert batch is None
    assert len(out) == len(places)
    # Each item: rows, or problems (never both, never neither).
    with_rows = {index for index, _line in places}
    assert not with_rows & set(errors)
    assert with_rows | set(errors) == set(range(len(items)))
    for problems in errors.values():
        assert set(problems.values()) <= set(MESSAGES)
