"""The sample files in ``data/``: the demo brand (Aurora Moda) as a brand's
IT team would hand it over, in CSV.

``python3 -m devtools.sample_data`` writes them from
``oto_crm/tools/demo_brand.py`` (the brand ``./oto demo`` loads), for twelve
months of purchases up to ``AS_OF``. A test checks the files are what this
writes, and that they hold together (every code they refer to exists).
Consent is not in the demo brand's data: it is drawn here, reproducibly.

Files (UTF-8, comma-separated, one header line):

- ``stores.csv``: code, name, kind (own or franchise), street, zip, city,
  state, country, phone (E.164), area_codes (space-separated);
- ``sellers.csv``: code, name, store_code, email, mobile (E.164), login
  (empty: works on the store's shared device);
- ``products.csv``: name, category, price;
- ``customers.csv``: ref, name, email, mobile (E.164), city, state,
  country, birthdate, store_code (home store), seller_code (wallet seller,
  empty when none), consent_whatsapp, consent_sms, consent_email (yes or
  no), consent_date, consent_source;
- ``purchases.csv``: one line per product bought: order_ref, date (local
  time, ISO 8601), store_code, seller_code, customer_ref, channel (store or
  online), product, quantity, unit_price.
"""

import csv
import io
import os
import random
import sys
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "data")
AS_OF = date(2026, 6, 30)
SEED = 2026


def _brand():
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    try:
        from oto_crm.tools.demo_brand import build_brand  # noqa: PLC0415
    except ImportError:
        # Outside pytest (whose conftest makes oto_crm a bare namespace),
        # oto_crm/__init__.py would import Odoo: load the tools alone.
        import importlib.util  # noqa: PLC0415
        import types  # noqa: PLC0415

        for name in ("oto_crm", "oto_crm.tools"):
            module = types.ModuleType(name)
            module.__path__ = [os.path.join(ROOT, *name.split("."))]
            sys.modules.setdefault(name, module)
        spec = importlib.util.spec_from_file_location(
            "oto_crm.tools.demo_brand",
            os.path.join(ROOT, "oto_crm", "tools", "demo_brand.py"),
        )
        demo_brand = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = demo_brand
        spec.loader.exec_module(demo_brand)
        build_brand = demo_brand.build_brand
    return build_brand(today=AS_OF, seed=SEED)


def _yes(flag):
    return "yes" if flag else "no"


def tables():
    """{file name: (header, rows)} of the sample brand."""
    brand = _brand()
    sellers = brand["sellers"]
    stores = [
        (
            s["code"],
            s["name"],
            s["kind"],
            s["street"],
            s["zip"],
            s["city"],
            s["state"],
            "BR",
            s["phone"],
            " ".join(str(code) for code in s["area_codes"]),
        )
        for s in brand["stores"]
    ]
    seller_rows = [
        (s["code"], s["name"], s["store"], s["email"], s["phone"], s["login"] or "")
        for s in sellers
    ]
    products = [
        (p["name"], p["category"], f"{p['price']:.2f}") for p in brand["products"]
    ]
    first_purchase = {}
    for order in brand["orders"]:
        first_purchase.setdefault(order["customer"], order["date"].date())
    rng = random.Random(SEED + 1)
    customers = []
    for c in brand["customers"]:
        whatsapp, sms, email = (
            rng.random() < 0.9,
            rng.random() < 0.7,
            rng.random() < 0.85,
        )
        given = first_purchase.get(c["index"]) or AS_OF - timedelta(
            days=rng.randint(1, 365)
        )
        customers.append(
            (
                f"C{c['index'] + 1:04d}",
                c["name"],
                c["email"],
                c["phone"],
                c["city"],
                c["state"],
                "BR",
                c["birthdate"].isoformat(),
                c["store"],
                sellers[c["seller"]]["code"] if c["seller"] is not None else "",
                _yes(whatsapp),
                _yes(sms),
                _yes(email),
                given.isoformat(),
                "store" if c["index"] in first_purchase else "website",
            )
        )
    purchases = []
    for number, order in enumerate(brand["orders"], start=1):
        for product, quantity in order["lines"]:
            item = brand["products"][product]
            purchases.append(
                (
                    f"P{number:05d}",
                    order["date"].isoformat(timespec="minutes"),
                    order["store"],
                    sellers[order["seller"]]["code"],
                    f"C{order['customer'] + 1:04d}",
                    order["channel"],
                    item["name"],
                    str(quantity),
                    f"{item['price']:.2f}",
                )
            )
    return {
        "stores.csv": (
            (
                "code",
                "name",
                "kind",
                "street",
                "zip",
                "city",
                "state",
                "country",
                "phone",
                "area_codes",
            ),
            stores,
        ),
        "sellers.csv": (
            ("code", "name", "store_code", "email", "mobile", "login"),
            seller_rows,
        ),
        "products.csv": (("name", "category", "price"), products),
        "customers.csv": (
            (
                "ref",
                "name",
                "email",
                "mobile",
                "city",
                "state",
                "country",
                "birthdate",
                "store_code",
                "seller_code",
                "consent_whatsapp",
                "consent_sms",
                "consent_email",
                "consent_date",
                "consent_source",
            ),
            customers,
        ),
        "purchases.csv": (
            (
                "order_ref",
                "date",
                "store_code",
                "seller_code",
                "customer_ref",
                "channel",
                "product",
                "quantity",
                "unit_price",
            ),
            purchases,
        ),
    }


def render(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def main():
    os.makedirs(DATA, exist_ok=True)
    for name, (header, rows) in tables().items():
        with open(os.path.join(DATA, name), "w", encoding="utf-8") as fh:
            fh.write(render(header, rows))
        print(f"data/{name}: {len(rows)} rows")


if __name__ == "__main__":
    main()
