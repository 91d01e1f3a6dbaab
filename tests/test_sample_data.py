"""The sample files in ``data/``: what ``devtools/sample_data.py`` writes
from the demo brand, and a brand that holds together (every code a file
refers to exists, phones in E.164, twelve months of purchases)."""

import csv
import os
from datetime import datetime

import pytest

from devtools import sample_data
from oto_crm.tools.phone import normalize_phone

FILES = ("stores.csv", "sellers.csv", "products.csv", "customers.csv", "purchases.csv")


def _read(name):
    with open(os.path.join(sample_data.DATA, name), encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("name", FILES)
def test_files_are_the_demo_brand(name):
    header, rows = sample_data.tables()[name]
    with open(os.path.join(sample_data.DATA, name), encoding="utf-8") as fh:
        assert fh.read() == sample_data.render(header, rows), (
            f"data/{name} is out of date: python3 -m devtools.sample_data"
        )


def test_the_brand_holds_together():
    stores = {row["code"]: row for row in _read("stores.csv")}
    sellers = {row["code"]: row for row in _read("sellers.csv")}
    products = {row["name"]: row for row in _read("products.csv")}
    customers = {row["ref"]: row for row in _read("customers.csv")}
    purchases = _read("purchases.csv")
    assert len(stores) == 3 and len(customers) == 300
    assert {row["kind"] for row in stores.values()} == {"own", "franchise"}
    for seller in sellers.values():
        assert seller["store_code"] in stores
        assert seller["code"].startswith(seller["store_code"] + "-")
        assert normalize_phone(seller["mobile"]) == seller["mobile"]
    assert {s["store_code"] for s in sellers.values()} == set(stores)
    for customer in customers.values():
        assert customer["store_code"] in stores
        assert customer["seller_code"] == "" or customer["seller_code"] in sellers
        assert normalize_phone(customer["mobile"]) == customer["mobile"]
        for channel in ("whatsapp", "sms", "email"):
            assert customer[f"consent_{channel}"] in ("yes", "no")
    opted_out = [c for c in customers.values() if c["consent_whatsapp"] == "no"]
    assert 0 < len(opted_out) < len(customers) / 4
    dates = []
    for line in purchases:
        assert line["store_code"] in stores
        assert line["seller_code"] in sellers
        assert line["customer_ref"] in customers
        assert line["product"] in products
        assert line["channel"] in ("store", "online")
        assert int(line["quantity"]) >= 1
        assert line["unit_price"] == products[line["product"]]["price"]
        dates.append(datetime.fromisoformat(line["date"]))
    months = {(d.year, d.month) for d in dates}
    assert len(months) == 12
    assert max(dates).date() <= sample_data.AS_OF
    assert (sample_data.AS_OF - min(dates).date()).days <= 365
    # A customer without purchases has no wallet seller.
    buyers = {line["customer_ref"] for line in purchases}
    for ref, customer in customers.items():
        assert (ref in buyers) == (customer["seller_code"] != "")
