# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
from datetime import date, datetime
from pathlib import Path

import pytest

from oto_crm.tools.import_files import (
    COLUMNS,
    FileError,
    guess_mapping,
    missing_columns,
    parse_datetime,
    parse_number,
    read_row,
    read_table,
)

DATA = Path(__file__).resolve().parents[3] / "data"


def rows(table):
    return list(table.rows)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("329.90", 329.9),
        ("329,90", 329.9),
        ("R$ 1.234,56", 1234.56),
        ("1.234.567", 1234567.0),
        ("2", 2.0),
        ("-5,5", -5.5),
    ],
)
def test_numbers_in_either_notation(raw, expected):
    assert parse_number(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["abc", "1,2,3.4.5x", "", "R$", "12a"])
def test_not_numbers(raw):
    with pytest.raises(ValueError):
        parse_number(raw)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2025-07-01T11:57", datetime(2025, 7, 1, 11, 57)),
        ("2025-07-01 11:57:30", datetime(2025, 7, 1, 11, 57, 30)),
        ("01/07/2025", datetime(2025, 7, 1)),
        ("01/07/2025 11:57", datetime(2025, 7, 1, 11, 57)),
        ("2025-07-01", datetime(2025, 7, 1)),
        ("2025-07-01T11:57:30.123-03:00", datetime(2025, 7, 1, 11, 57, 30)),
    ],
)
def test_dates_iso_and_brazilian(raw, expected):
    assert parse_datetime(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2025", "2025-13-01", "ontem", "07/2025"])
def test_not_dates(raw):
    with pytest.raises(ValueError):
        parse_datetime(raw)


def test_the_sample_files_are_read_and_mapped():
    for kind in ("stores", "sellers", "customers", "purchases"):
        table = read_table((DATA / f"{kind}.csv").read_bytes(), f"{kind}.csv")
        mapping = guess_mapping(kind, table.header)
        assert not missing_columns(kind, mapping), kind
        for _number, cells in rows(table):
            values, problems = read_row(kind, mapping, cells)
            assert problems == [], (kind, cells, problems)


def test_latin1_semicolons_decimal_commas_and_portuguese_header():
    text = (
        "Código do Cliente;Nome;Celular;E-mail;Nascimento;Aceita WhatsApp\n"
        "C1;João Conceição;(11) 98765-4321;JOAO@Example.com;31/12/1990;sim\n"
    )
    table = read_table(text.encode("latin-1"), "clientes.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    mapping = guess_mapping("customers", table.header)
    assert mapping == [
        "ref",
        "name",
        "mobile",
        "email",
        "birthdate",
        "consent_whatsapp",
    ]
    [(number, cells)] = rows(table)
    values, problems = read_row("customers", mapping, cells)
    assert number == 2 and problems == []
    assert values["name"] == "João Conceição"
    assert values["mobile"] == "+5511987654321"
    assert values["email"] == "joao@example.com"
    assert values["birthdate"] == date(1990, 12, 31)
    assert values["consent_whatsapp"] is True


def test_utf8_with_bom_and_commas():
    data = "\ufeffcode,name,store_code\nSP01-ANA,Ana,SP01\n".encode()
    table = read_table(data, "sellers.csv")
    assert table.header == ["code", "name", "store_code"]
    assert table.encoding == "utf-8-sig"


def test_empty_lines_keep_their_row_numbers():
    table = read_table(b"ref,name\nC1,A\n\nC2,B\n", "c.csv")
    assert [number for number, _cells in rows(table)] == [2, 4]


@pytest.mark.parametrize(
    "data, code",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (bytes(range(1, 32)) * 40, "binary"),
        (b",,,\n1,2,3\n", "no_header"),
    ],
)
def test_files_that_are_not_tables(data, code):
    with pytest.raises(FileError) as caught:
        read_table(data, "file.csv")
    assert caught.value.code == code


def test_an_xlsx_that_is_not_one():
    with pytest.raises(FileError) as caught:
        read_table(b"PK\x03\x04garbage", "file.csv")
    assert caught.value.code == "xlsx"
    with pytest.raises(FileError) as caught:
        read_table(b"code,name\n", "file.xlsx")
    assert caught.value.code == "xlsx"


def test_xlsx_is_read_with_dates_and_numbers():
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Pedido", "Data", "Cliente", "Quantidade", "Preço"])
    sheet.append(["P1", datetime(2025, 7, 1, 11, 57), "C1", 2, 329.9])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "vendas.xlsx")
    mapping = guess_mapping("purchases", table.header)
    assert mapping == ["order_ref", "date", "customer_ref", "quantity", "unit_price"]
    [(_number, cells)] = rows(table)
    values, problems = read_row("purchases", mapping, cells)
    assert problems == []
    assert values["date"] == datetime(2025, 7, 1, 11, 57)
    assert (values["quantity"], values["unit_price"]) == (2, 329.9)


def test_problems_per_cell():
    mapping = ["ref", "name", "mobile", "email", "birthdate", "consent_sms"]
    _values, problems = read_row(
        "customers", mapping, ["", "Ana", "123", "ana@", "30/02/1990", "talvez"]
    )
    assert [(key, code) for key, code, _text in problems] == [
        ("ref", "required"),
        ("email", "email"),
        ("mobile", "phone_too_short"),
        ("birthdate", "date"),
        ("consent_sms", "boolean"),
    ]


def test_purchase_rules_between_cells():
    mapping = ["order_ref", "date", "customer_ref", "quantity", "unit_price"]
    _values, problems = read_row(
        "purchases", mapping, ["P", "2025-01-01", "C", "0", ""]
    )
    assert {(key, code) for key, code, _text in problems} == {
        ("quantity", "zero"),
        ("unit_price", "no_amount"),
    }


def test_each_key_mapped_once_and_every_kind_has_its_required_columns():
    assert guess_mapping("stores", ["codigo", "code", "nome"]) == ["code", None, "name"]
    for kind, columns in COLUMNS.items():
        keys = [column.key for column in columns]
        assert len(keys) == len(set(keys)), kind
        assert missing_columns(kind, keys) == []
