# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The seller's link to the online store and its QR code (plain Python).

The brand sets its online store's address with ``{code}`` where the seller
code goes (``https://loja.example.com/?vendedor={code}``); a buyer who comes
through it carries the code to the order, and the sale counts for the
seller."""

import io
from urllib.parse import parse_qsl, quote, urlsplit

DEFAULT_PARAMETER = "vendedor"
# Where the website keeps the seller code of the link the buyer came through.
SESSION_KEY = "oto_seller_code"


def seller_link(template, code):
    """The seller's link: ``{code}`` replaced by the code; without
    ``{code}`` in the address, the code is added as ``?vendedor=CODE``."""
    if not template or not code:
        return False
    template = template.strip()
    if "{code}" in template:
        return template.replace("{code}", quote(code, safe=""))
    separator = "&" if urlsplit(template).query else "?"
    return f"{template}{separator}{DEFAULT_PARAMETER}={quote(code, safe='')}"


def code_parameter(template):
    """The name of the URL parameter that carries the code in ``template``
    (``vendedor`` when the address does not say)."""
    if template and "{code}" in template:
        for name, value in parse_qsl(urlsplit(template).query):
            if value == "{code}":
                return name
    return DEFAULT_PARAMETER


def qr_png(text, box_size=8, border=2):
    """A QR code of ``text`` as PNG bytes (medium error correction: still
    read from a slightly damaged print)."""
    import qrcode  # noqa: PLC0415 (only where QR codes are drawn)
    from qrcode.constants import ERROR_CORRECT_M  # noqa: PLC0415

    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M, box_size=box_size, border=border
    )
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()
