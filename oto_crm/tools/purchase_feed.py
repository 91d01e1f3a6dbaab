# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The purchases feed of the API (plain Python): a batch of purchases from
another system (an e-commerce platform, another ERP) checked for its shape,
then written as the rows of a purchases import (one row per line), so that
the feed and the onboarding import check and merge purchases the same way.

``rows(payload, tz)`` never raises: it returns ``(rows, places, errors,
batch_error)``: the import rows (dicts of import column keys), for each row
its (item index, line index or None), the shape problems per item
(``{index: {field: message}}``, English: the caller translates) and a
problem of the whole batch (or None)."""

import math
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

MAX_PURCHASES = 1000
MAX_LINES = 200
MAX_CODE = 64
ITEM_FIELDS = (
    "id",
    "date",
    "customer",
    "store",
    "seller",
    "channel",
    "status",
    "total",
    "refunded",
    "lines",
)
LINE_FIELDS = ("product", "quantity", "unit_price")
CHANNELS = ("store", "online")
STATUSES = ("done", "cancel")
# The import's column of each field of an item (and of a line).
COLUMNS = {
    "id": "order_ref",
    "date": "date",
    "customer": "customer_ref",
    "store": "store_code",
    "seller": "seller_code",
    "channel": "channel",
    "status": "status",
    "total": "amount",
    "refunded": "refunded",
    "product": "product",
    "quantity": "quantity",
    "unit_price": "unit_price",
}
# The import columns of the rows, in order.
KEYS = tuple(dict.fromkeys(COLUMNS.values()))
MESSAGES = (
    "required",
    "must be a JSON object",
    "must be a string",
    "unknown field",
    f"at most {MAX_CODE} characters",
    "must not contain control characters",
    "a date and time, ISO 8601 (YYYY-MM-DDTHH:MM:SS, a zone optional)",
    f"one of {', '.join(CHANNELS)}",
    f"one of {', '.join(STATUSES)}",
    "a number, 0 or more",
    "must be a list",
    f"at most {MAX_LINES} lines",
    "the same purchase twice in the batch",
    f"give a list of 1 to {MAX_PURCHASES} purchases",
)


def _code(value, errors, field, required=False):
    if value is None:
        if required:
            errors[field] = "required"
        return None
    if not isinstance(value, str) or not value.strip():
        errors[field] = "must be a string" if not isinstance(value, str) else "required"
        return None
    value = value.strip()
    if len(value) > MAX_CODE:
        errors[field] = f"at most {MAX_CODE} characters"
        return None
    if any(
        ord(char) < 32 or ord(char) == 127 or 0xD800 <= ord(char) <= 0xDFFF
        for char in value
    ):
        errors[field] = "must not contain control characters"
        return None
    return value


def _number(value, errors, field):
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or (isinstance(value, float) and not math.isfinite(value))
        or value < 0
        or abs(value) >= 1e12
    ):
        errors[field] = "a number, 0 or more"
        return None
    return format(Decimal(str(value)), "f")


def _when(value, errors, tz):
    if value is None:
        errors["date"] = "required"
        return None
    message = "a date and time, ISO 8601 (YYYY-MM-DDTHH:MM:SS, a zone optional)"
    if not isinstance(value, str) or len(value) > 40:
        errors["date"] = message
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        errors["date"] = message
        return None
    if when.tzinfo is not None:
        # In the brand's time, as the import's dates are.
        when = when.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    if not 1900 <= when.year <= 2999:
        errors["date"] = message
        return None
    return when.strftime("%Y-%m-%d %H:%M:%S")


def _choice(value, errors, field, choices):
    if value is None:
        return None
    if value not in choices:
        errors[field] = f"one of {', '.join(choices)}"
        return None
    return value


def rows(payload, tz):
    """The import rows of a purchases batch; see the module's docstring."""
    items = payload.get("purchases") if isinstance(payload, dict) else None
    if (
        not isinstance(payload, dict)
        or set(payload) - {"purchases"}
        or not isinstance(items, list)
        or not 1 <= len(items) <= MAX_PURCHASES
    ):
        return [], [], {}, f"give a list of 1 to {MAX_PURCHASES} purchases"
    out, places, errors = [], [], {}
    seen = {}
    for index, item in enumerate(items):
        problems = {}
        if not isinstance(item, dict):
            errors[index] = {"": "must be a JSON object"}
            continue
        for field in set(item) - set(ITEM_FIELDS):
            problems[str(field)[:100]] = "unknown field"
        head = {
            "order_ref": _code(item.get("id"), problems, "id", required=True),
            "date": _when(item.get("date"), problems, tz),
            "customer_ref": _code(
                item.get("customer"), problems, "customer", required=True
            ),
            "store_code": _code(item.get("store"), problems, "store"),
            "seller_code": _code(item.get("seller"), problems, "seller"),
            "channel": _choice(item.get("channel"), problems, "channel", CHANNELS),
            "status": _choice(item.get("status"), problems, "status", STATUSES),
            "amount": _number(item.get("total"), problems, "total"),
            "refunded": _number(item.get("refunded"), problems, "refunded"),
        }
        if head["order_ref"] in seen:
            problems["id"] = "the same purchase twice in the batch"
        lines = item.get("lines")
        if lines is None:
            lines = []
        elif not isinstance(lines, list):
            problems["lines"] = "must be a list"
            lines = []
        elif len(lines) > MAX_LINES:
            problems["lines"] = f"at most {MAX_LINES} lines"
            lines = []
        line_rows = []
        for number, line in enumerate(lines):
            where = f"lines.{number}"
            if not isinstance(line, dict):
                problems[where] = "must be a JSON object"
                continue
            for field in set(line) - set(LINE_FIELDS):
                problems[f"{where}.{str(field)[:100]}"] = "unknown field"
            line_problems = {}
            row = {
                "product": _code(line.get("product"), line_problems, "product"),
                "quantity": _number(line.get("quantity"), line_problems, "quantity"),
                "unit_price": _number(
                    line.get("unit_price"), line_problems, "unit_price"
                ),
            }
            problems.update({f"{where}.{k}": v for k, v in line_problems.items()})
            line_rows.append((number, row))
        if problems:
            errors[index] = problems
            continue
        seen[head["order_ref"]] = index
        for number, line in line_rows or [(None, {})]:
            out.append({**head, **line})
            places.append((index, number))
    return out, places, errors, None


def field_of(key, line):
    """The item's field (``lines.N.product`` for a line's) of an import
    column key."""
    field = next((name for name, column in COLUMNS.items() if column == key), key)
    if field in LINE_FIELDS and line is not None:
        return f"lines.{line}.{field}"
    return field
