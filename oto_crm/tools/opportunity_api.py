# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Validation of the opportunity API's payloads (plain Python).

``validate(payload)`` never raises: it returns ``(clean, errors)`` where
``errors`` maps a field path to what is wrong with it (English; the
controller translates), and ``clean`` is the normalized payload when
``errors`` is empty."""

import re
from datetime import date

from .phone import PhoneError, normalize_phone

TYPES = ("behavior", "segment", "manual")
PRIORITIES = {"normal": "0", "high": "1", "urgent": "2"}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_TEXT = {"reason": 200, "message": 2000, "name": 200, "idempotency_key": 100}
MAX_PRODUCTS = 20
FIELDS = (
    "customer",
    "type",
    "reason",
    "products",
    "message",
    "deadline",
    "priority",
    "idempotency_key",
)
CUSTOMER_FIELDS = ("name", "email", "phone", "document")
# Every problem the validator reports (the controller translates them).
MESSAGES = (
    "required",
    "must be a string",
    "must not contain NUL characters",
    "must be valid Unicode",
    "must be an object",
    "must be a JSON object",
    "unknown field",
    "at most 100 characters",
    "at most 200 characters",
    "at most 2000 characters",
    "not an email address",
    "not a phone number",
    "a CPF (11 digits) or CNPJ (14 digits)",
    "give an email, a phone or a document to find the customer",
    "must be a list of product codes",
    f"at most {MAX_PRODUCTS} products",
    "a product code (internal reference)",
    f"one of {', '.join(TYPES)}",
    "a date, YYYY-MM-DD",
    "in the past",
    f"one of {', '.join(PRIORITIES)}",
)


def _is_unicode(value):
    """Whether ``value`` is text that can be stored and answered: JSON lets
    a string carry lone UTF-16 surrogates (``"\\ud800"``), which are not."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def field_name(key):
    """An unknown key as it may be echoed back (lone surrogates escaped)."""
    key = str(key)
    return key if _is_unicode(key) else key.encode("utf-8", "backslashreplace").decode()


def _text(payload, key, errors, required=False):
    value = payload.get(key)
    if value is None:
        if required:
            errors[key] = "required"
        return None
    if not isinstance(value, str):
        errors[key] = "must be a string"
        return None
    if "\x00" in value:
        errors[key] = "must not contain NUL characters"
        return None
    if not _is_unicode(value):
        errors[key] = "must be valid Unicode"
        return None
    value = value.strip()
    if required and not value:
        errors[key] = "required"
        return None
    if len(value) > MAX_TEXT.get(key, 200):
        errors[key] = f"at most {MAX_TEXT.get(key, 200)} characters"
        return None
    return value or None


def _customer(payload, errors):
    customer = payload.get("customer")
    if customer is None:
        errors["customer"] = "required"
        return None
    if not isinstance(customer, dict):
        errors["customer"] = "must be an object"
        return None
    clean = {}
    sub = {
        field_name(key): "unknown field"
        for key in customer
        if key not in CUSTOMER_FIELDS
    }
    name = _text(customer, "name", sub)
    email = _text(customer, "email", sub)
    phone = _text(customer, "phone", sub)
    document = _text(customer, "document", sub)
    if email is not None:
        if EMAIL_RE.match(email):
            clean["email"] = email.lower()
        else:
            sub["email"] = "not an email address"
    if phone is not None:
        try:
            clean["phone"] = normalize_phone(phone)
        except PhoneError:
            sub["phone"] = "not a phone number"
    if document is not None:
        digits = re.sub(r"[.\-/\s]", "", document)
        if digits.isascii() and digits.isdigit() and len(digits) in (11, 14):
            clean["document"] = digits
        else:
            sub["document"] = "a CPF (11 digits) or CNPJ (14 digits)"
    if not (clean.get("email") or clean.get("phone") or clean.get("document")):
        sub.setdefault(
            "email", "give an email, a phone or a document to find the customer"
        )
    clean["name"] = name
    for key, message in sub.items():
        errors[f"customer.{key}"] = message
    return clean


def _products(payload, errors):
    products = payload.get("products", [])
    if products is None:
        return []
    if not isinstance(products, list):
        errors["products"] = "must be a list of product codes"
        return []
    if len(products) > MAX_PRODUCTS:
        errors["products"] = f"at most {MAX_PRODUCTS} products"
        return []
    codes = []
    for index, code in enumerate(products):
        if (
            not isinstance(code, str)
            or not code.strip()
            or len(code) > 64
            or "\x00" in code
            or not _is_unicode(code)
        ):
            errors[f"products.{index}"] = "a product code (internal reference)"
        else:
            codes.append(code.strip())
    return codes


def validate(payload, today=None):
    """(clean payload or None, {field: problem})."""
    if not isinstance(payload, dict):
        return None, {"body": "must be a JSON object"}
    errors = {}
    unknown = set(payload) - set(FIELDS)
    for key in sorted(unknown, key=str):
        errors[field_name(key)] = "unknown field"
    kind = payload.get("type")
    if kind is None:
        errors["type"] = "required"
    elif not isinstance(kind, str) or kind not in TYPES:
        errors["type"] = f"one of {', '.join(TYPES)}"
    clean = {
        "type": kind,
        "customer": _customer(payload, errors),
        "reason": _text(payload, "reason", errors, required=True),
        "message": _text(payload, "message", errors),
        "idempotency_key": _text(payload, "idempotency_key", errors),
        "products": _products(payload, errors),
    }
    deadline = payload.get("deadline")
    if deadline is not None:
        try:
            if not isinstance(deadline, str):
                raise ValueError
            clean["deadline"] = date.fromisoformat(deadline)
        except ValueError:
            errors["deadline"] = "a date, YYYY-MM-DD"
        else:
            if today and clean["deadline"] < today:
                errors["deadline"] = "in the past"
    priority = payload.get("priority", "normal")
    if not isinstance(priority, str) or priority not in PRIORITIES:
        errors["priority"] = f"one of {', '.join(PRIORITIES)}"
    else:
        clean["priority"] = PRIORITIES[priority]
    return (None, errors) if errors else (clean, {})
