from collections import Counter
from datetime import date, timedelta

from oto_crm.tools.demo_brand import build_brand
from oto_crm.tools.phone import area_code, is_mobile, normalize_phone

TODAY = date(2026, 11, 23)


def test_same_inputs_same_brand():
    assert build_brand(TODAY) == build_brand(TODAY)
    assert build_brand(TODAY) != build_brand(TODAY, seed=7)


def test_brand_shape():
    brand = build_brand(TODAY)
    assert len(brand["stores"]) == 3
    assert Counter(s["kind"] for s in brand["stores"]) == {"own": 2, "franchise": 1}
    assert len({s["state"] for s in brand["stores"]}) == 3
    assert len(brand["sellers"]) == 12
    assert len({s["code"] for s in brand["sellers"]}) == 12
    assert len(brand["customers"]) == 300
    assert len({c["name"] for c in brand["customers"]}) == 300


def test_customers_have_valid_mobiles_of_their_region():
    brand = build_brand(TODAY)
    coverage = {s["code"]: set(s["area_codes"]) for s in brand["stores"]}
    for customer in brand["customers"]:
        phone = customer["phone"]
        assert normalize_phone(phone) == phone
        assert is_mobile(phone)
        assert area_code(phone) in coverage[customer["store"]]
        assert "@" in customer["email"]


def test_orders_cover_twelve_months_and_known_people():
    brand = build_brand(TODAY)
    orders = brand["orders"]
    dates = [o["date"].date() for o in orders]
    assert min(dates) >= TODAY - timedelta(days=365)
    assert max(dates) <= TODAY
    assert (max(dates) - min(dates)).days > 300
    months = {(d.year, d.month) for d in dates}
    assert len(months) >= 12
    sellers = brand["sellers"]
    for order in orders:
        assert sellers[order["seller"]]["store"] == order["store"]
        assert order["lines"]
    without = [c for c in brand["customers"] if c["profile"] == "no_history"]
    ordered = {o["customer"] for o in orders}
    assert without and not ordered & {c["index"] for c in without}
    assert Counter(o["channel"] for o in orders)["online"] > 0


def test_contacts_of_the_last_90_days_some_before_a_purchase():
    brand = build_brand(TODAY)
    contacts = brand["contacts"]
    assert contacts
    customers = brand["customers"]
    for contact in contacts:
        day = contact["date"].date()
        assert TODAY - timedelta(days=90) <= day < TODAY
        # By a seller who has the customer, or who sold to them.
        assert contact["seller"] is not None
        assert customers[contact["customer"]]["seller"] is not None or any(
            o["customer"] == contact["customer"] for o in brand["orders"]
        )
        assert contact["reached"] in ("yes", "no")
        assert (contact["reason"] == "no_answer") == (contact["reached"] == "no")
    orders_by_customer = {}
    for order in brand["orders"]:
        orders_by_customer.setdefault(order["customer"], []).append(order["date"])
    # Most reached contacts are followed by a purchase within the week.
    followed = [
        c
        for c in contacts
        if c["reached"] == "yes"
        and any(
            c["date"] < d <= c["date"] + timedelta(days=7)
            for d in orders_by_customer.get(c["customer"], ())
        )
    ]
    assert len(followed) > len(contacts) / 2
