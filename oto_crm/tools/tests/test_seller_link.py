# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io

import pytest
import zxingcpp
from PIL import Image

from oto_crm.tools.seller_link import code_parameter, qr_png, seller_link


@pytest.mark.parametrize(
    ("template", "code", "expected"),
    [
        (
            "https://loja.example.com/?vendedor={code}",
            "SP01-ANA",
            "https://loja.example.com/?vendedor=SP01-ANA",
        ),
        (
            "https://loja.example.com/p/{code}",
            "ANA 1",
            "https://loja.example.com/p/ANA%201",
        ),
        ("https://loja.example.com", "ANA", "https://loja.example.com?vendedor=ANA"),
        (
            "https://loja.example.com/?utm=oto",
            "ANA",
            "https://loja.example.com/?utm=oto&vendedor=ANA",
        ),
        ("", "ANA", False),
        ("https://loja.example.com/?v={code}", "", False),
    ],
)
def test_seller_link(template, code, expected):
    assert seller_link(template, code) == expected


def test_code_parameter():
    assert code_parameter("https://loja.example.com/?utm=x&seller={code}") == "seller"
    assert code_parameter("https://loja.example.com/p/{code}") == "vendedor"
    assert code_parameter(False) == "vendedor"


def test_qr_code_decodes_to_the_link():
    link = seller_link("https://loja.example.com/?vendedor={code}", "SP01-ANA")
    png = qr_png(link)
    assert png.startswith(b"\x89PNG")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert [(r.format.name, r.text) for r in found] == [("QRCode", link)]
