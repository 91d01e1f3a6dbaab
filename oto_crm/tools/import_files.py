# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Reading a brand's files for the onboarding import: the plain rules.

A file (CSV in UTF-8, UTF-8 with a byte-order mark or Latin-1, ``;``, ``,``
or tab separated; or XLSX) becomes a header and rows of text; each kind of
import (stores, sellers, customers, purchases) has its columns, guessed from
the header in Portuguese or English; each cell is read into a value or a
problem *code* (the Odoo side turns codes into sentences in the user's
language). No Odoo here: plain values in, plain values out.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from .phone import PhoneError, normalize_phone

KINDS = ("stores", "sellers", "customers", "purchases")

XLSX_MAGIC = b"PK\x03\x04"

# The codes stores and sellers accept (the models check the same).
STORE_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,19}")
SELLER_CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,29}")


class FileError(ValueError):
    """A file that cannot be read as a table. ``code``: ``empty``,
    ``binary``, ``xlsx``, ``no_header``."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Column:
    """A column an import knows: its key, whether a row needs it, how its
    cells are read (``text``, ``code``, ``number``, ``date``, ``datetime``,
    ``boolean``, ``email``, ``phone``, ``choice``) and the header names it
    is recognised by (lower case, without accents)."""

    key: str
    kind: str = "text"
    required: bool = False
    names: tuple = ()
    choices: tuple = ()  # ((value, (spellings...)), ...) for ``choice``


YES = ("yes", "y", "sim", "s", "true", "t", "1", "x", "verdadeiro", "v", "opt-in")
NO = ("no", "n", "nao", "false", "f", "0", "falso", "opt-out", "")

COLUMNS = {
    "stores": (
        Column("code", "code", True, ("codigo", "cod", "store_code", "codigo_loja")),
        Column("name", "text", True, ("nome", "loja", "store", "store_name")),
        Column(
            "kind",
            "choice",
            names=("tipo", "type"),
            choices=(
                ("own", ("own", "propria", "proprio", "loja_propria")),
                ("franchise", ("franchise", "franquia", "franqueado")),
            ),
        ),
        Column("street", names=("endereco", "rua", "logradouro", "address")),
        Column("zip", names=("cep", "zip_code", "postal_code", "codigo_postal")),
        Column("city", names=("cidade", "municipio")),
        Column("state", names=("uf", "estado")),
        Column("country", names=("pais",)),
        Column("phone", "phone", names=("telefone", "fone", "tel")),
        Column("area_codes", names=("ddds", "ddd", "areas", "area_code")),
    ),
    "sellers": (
        Column("code", "code", True, ("codigo", "seller_code", "codigo_vendedor")),
        Column("name", "text", True, ("nome", "vendedor", "vendedora", "seller")),
        Column(
            "store_code", "code", True, ("loja", "store", "codigo_loja", "cod_loja")
        ),
        Column("email", "email", names=("e_mail", "mail")),
        Column("mobile", "phone", names=("celular", "telefone", "phone", "whatsapp")),
        Column("login", names=("usuario", "user")),
        Column(
            "wallet_capacity",
            "number",
            names=("capacidade", "capacity", "capacidade_carteira"),
        ),
    ),
    "customers": (
        Column(
            "ref",
            "code",
            True,
            (
                "codigo",
                "codigo_cliente",
                "customer_ref",
                "id",
                "external_id",
                "id_cliente",
            ),
        ),
        Column("name", "text", True, ("nome", "cliente", "customer", "nome_completo")),
        Column("email", "email", names=("e_mail", "mail")),
        Column("mobile", "phone", names=("celular", "telefone", "phone", "whatsapp")),
        Column("document", names=("cpf", "documento", "cpf_cnpj", "vat", "cnpj")),
        Column("city", names=("cidade", "municipio")),
        Column("state", names=("uf", "estado")),
        Column("country", names=("pais",)),
        Column(
            "birthdate",
            "date",
            names=("nascimento", "data_nascimento", "aniversario", "birthday"),
        ),
        Column("store_code", "code", names=("loja", "store", "codigo_loja")),
        Column("seller_code", "code", names=("vendedor", "seller", "codigo_vendedor")),
        Column(
            "consent_whatsapp", "boolean", names=("aceita_whatsapp", "optin_whatsapp")
        ),
        Column("consent_sms", "boolean", names=("aceita_sms", "optin_sms")),
        Column("consent_email", "boolean", names=("aceita_email", "optin_email")),
        Column("consent_call", "boolean", names=("aceita_ligacao", "optin_call")),
        Column("consent_date", "date", names=("data_consentimento", "data_optin")),
        Column(
            "consent_source",
            names=("origem_consentimento", "fonte_consentimento", "origem_optin"),
        ),
    ),
    "purchases": (
        Column(
            "order_ref",
            "code",
            True,
            ("pedido", "numero_pedido", "order", "order_id", "venda", "id_venda"),
        ),
        Column("date", "datetime", True, ("data", "data_venda", "data_pedido")),
        Column("store_code", "code", names=("loja", "store", "codigo_loja")),
        Column("seller_code", "code", names=("vendedor", "seller", "codigo_vendedor")),
        Column(
            "customer_ref",
            "code",
            True,
            ("cliente", "customer", "codigo_cliente", "id_cliente"),
        ),
        Column(
            "channel",
            "choice",
            names=("canal",),
            choices=(
                ("store", ("store", "loja", "fisica", "loja_fisica", "pdv")),
                ("online", ("online", "ecommerce", "e_commerce", "site", "web")),
            ),
        ),
        Column("product", names=("produto", "sku", "product_ref", "referencia")),
        Column("quantity", "number", names=("quantidade", "qtd", "qty")),
        Column("unit_price", "number", names=("preco", "preco_unitario", "price")),
        Column(
            "amount", "number", names=("total", "valor", "valor_total", "amount_total")
        ),
        Column(
            "status",
            "choice",
            names=("situacao", "estado_pedido", "state"),
            choices=(
                ("done", ("done", "paid", "pago", "concluido", "faturado", "ok")),
                ("cancel", ("cancel", "cancelled", "canceled", "cancelado")),
            ),
        ),
        Column("refunded", "number", names=("devolvido", "estornado", "refund")),
    ),
}


def columns_of(kind):
    return {column.key: column for column in COLUMNS[kind]}


def simplify(text):
    """``Código do Cliente`` -> ``codigo_do_cliente``: headers and choices
    compared without case, accents or punctuation."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "_", text.decode().lower()).strip("_")


def guess_mapping(kind, header):
    """The column key of each header cell (``None``: not imported), each
    key used once (the first cell that names it)."""
    names = {}
    for column in COLUMNS[kind]:
        for name in (column.key, *column.names):
            names.setdefault(simplify(name), column.key)
    taken, mapping = set(), []
    for cell in header:
        key = names.get(simplify(cell))
        if key is None:
            # "Código do cliente" -> codigo_do_cliente: without the little words.
            key = names.get(re.sub(r"_(do|da|de|dos|das|of|the)_", "_", simplify(cell)))
        if key in taken:
            key = None
        taken.add(key)
        mapping.append(key)
    return mapping


# ------------------------------------------------------------------ files


def _decode(data):
    """Text and encoding of CSV bytes: UTF-8 (with or without BOM), else
    Windows-1252 / Latin-1; binary content is refused."""
    if data.startswith(b"\xef\xbb\xbf"):
        data, boms = data[3:], True
    else:
        boms = False
    if b"\x00" in data[:65536]:
        raise FileError("binary")
    try:
        text, encoding = data.decode("utf-8"), "utf-8-sig" if boms else "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(2, len(sample) // 200):
        raise FileError("binary")
    return text, encoding


def _delimiter(text):
    """The separator of the header line: the most frequent of ``;``, ``,``
    and tab outside quotes."""
    line = text.split("\n", 1)[0]
    line = re.sub(r'"[^"]*"', "", line)
    counts = {sep: line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Table:
    """A file read: its header, an iterator of its rows (lists of text,
    numbered from 2, the header being row 1), and how it was read."""

    header: list
    rows: object
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    total: int = 0  # the rows in the file, about (for a progress)


def read_table(data, filename=""):
    """``data`` (bytes) as a ``Table``; ``FileError`` when it is not a CSV
    or XLSX file with a header."""
    if not data or not data.strip():
        raise FileError("empty")
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise FileError("xlsx")
    text, encoding = _decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise FileError("no_header") from exc
    header = [cell.strip() for cell in header]
    if not any(header):
        raise FileError("no_header")

    def rows():
        for row in reader:
            if any(cell.strip() for cell in row):
                yield [cell.strip() for cell in row]
            else:
                yield None  # an empty line keeps its number

    total = text.count("\n")
    return Table(header, _numbered(rows()), "csv", encoding, delimiter, total)


def _numbered(rows):
    for number, row in enumerate(rows, start=2):
        if row is not None:
            yield number, row


def _read_xlsx(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise FileError("xlsx", "no workbook")
    except zipfile.BadZipFile as exc:
        raise FileError("xlsx", str(exc)) from exc
    import openpyxl  # noqa: PLC0415 (only XLSX files need it)

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise FileError("xlsx", str(exc)) from exc
    sheet = book.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(value) for value in next(iterator)]
    except StopIteration as exc:
        raise FileError("no_header") from exc
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise FileError("no_header")

    def rows():
        for values in iterator:
            cells = [_cell_text(value) for value in values]
            yield cells if any(cells) else None

    return Table(header, _numbered(rows()), "xlsx", total=(sheet.max_row or 1) - 1)


# ------------------------------------------------------------------ cells


def parse_number(text):
    """``1.234,56``, ``1,234.56``, ``329.90``, ``329,90``, ``R$ 10`` ->
    float; ``ValueError`` otherwise. One separator alone is the decimal
    one; both: the last is."""
    raw = re.sub(r"^(R\$|\$)\s*", "", text.strip().replace(" ", ""))
    if not re.fullmatch(r"-?[\d.,]*\d[\d.,]*", raw):
        raise ValueError(text)
    commas, dots = raw.count(","), raw.count(".")
    if commas and dots:
        decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        raw = raw.replace(thousands, "").replace(decimal, ".")
    elif commas:
        raw = raw.replace(",", ".") if commas == 1 else raw.replace(",", "")
    elif dots > 1:
        raw = raw.replace(".", "")
    try:
        return float(raw)
    except ValueError as exc:
        raise ValueError(text) from exc


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
)
_TIME_FORMATS = ("", "T%H:%M", "T%H:%M:%S", " %H:%M", " %H:%M:%S")


def parse_datetime(text):
    """ISO (``2025-07-31``, ``2025-07-31T11:57``, with seconds, a space
    for the T, a fraction or a zone are cut) or Brazilian (``31/07/2025``,
    ``31/07/2025 11:57``) -> naive datetime; ``ValueError`` otherwise."""
    raw = text.strip()
    raw = re.sub(r"(\d{2}:\d{2}:\d{2})\.\d+", r"\1", raw)
    raw = re.sub(r"(Z|[+-]\d{2}:?\d{2})$", "", raw) if ":" in raw else raw
    for day_format in _DATE_FORMATS:
        for time_format in _TIME_FORMATS:
            try:
                return datetime.strptime(raw, day_format + time_format)
            except ValueError:
                continue
    raise ValueError(text)


def parse_date(text):
    value = parse_datetime(text)
    if value.time() != datetime.min.time():
        raise ValueError(text)
    return value.date()


def parse_boolean(text):
    simple = simplify(text)
    if simple in YES:
        return True
    if simple in NO:
        return False
    raise ValueError(text)


EMAIL_RE = re.compile(r"[^@\s,;<>\"']+@[^@\s,;<>\"']+\.[A-Za-z]{2,}")


def parse_email(text):
    value = text.strip().lower()
    if not EMAIL_RE.fullmatch(value):
        raise ValueError(text)
    return value


def parse_choice(column, text):
    simple = simplify(text)
    for value, spellings in column.choices:
        if simple in spellings:
            return value
    raise ValueError(text)


def read_cell(column, text):
    """The value of ``text`` in ``column``: ``(value, None)`` or
    ``(None, problem code)``. An empty cell is ``None`` (or ``required``)."""
    if not text:
        return None, ("required" if column.required else None)
    try:
        if column.kind == "number":
            return parse_number(text), None
        if column.kind == "datetime":
            return parse_datetime(text), None
        if column.kind == "date":
            return parse_date(text), None
        if column.kind == "boolean":
            return parse_boolean(text), None
        if column.kind == "email":
            return parse_email(text), None
        if column.kind == "choice":
            return parse_choice(column, text), None
        if column.kind == "phone":
            try:
                return normalize_phone(text), None
            except PhoneError as exc:
                return None, f"phone_{exc.code}"
        if column.kind == "code":
            return text.strip(), None
    except ValueError:
        return None, column.kind
    return text, None


def read_row(kind, mapping, cells):
    """A row's values by column key and its problems ``[(key, code, text)]``;
    the rule checks between cells of the row too (a quantity above zero,
    a consent date when a consent is given)."""
    columns = columns_of(kind)
    values, problems, texts = {}, [], {}
    for index, key in enumerate(mapping):
        if key is None:
            continue
        texts[key] = cells[index] if index < len(cells) else ""
    for key, column in columns.items():
        value, problem = read_cell(column, texts.get(key, ""))
        if problem:
            problems.append((key, problem, texts.get(key, "")))
        values[key] = value
    if kind == "purchases":
        for key in ("quantity", "unit_price", "amount", "refunded"):
            if values[key] is not None and values[key] < 0:
                problems.append((key, "negative", texts.get(key, "")))
        if values["quantity"] == 0:
            problems.append(("quantity", "zero", texts.get("quantity", "")))
        if values["amount"] is None and values["unit_price"] is None:
            problems.append(("unit_price", "no_amount", ""))
    if kind == "stores" and values["area_codes"]:
        codes = re.split(r"[\s,;/]+", values["area_codes"].strip())
        if not all(re.fullmatch(r"\d{2}", code) for code in codes):
            problems.append(("area_codes", "area_codes", values["area_codes"]))
        else:
            values["area_codes"] = ", ".join(codes)
    if kind in ("stores", "sellers") and values["code"]:
        pattern = STORE_CODE_RE if kind == "stores" else SELLER_CODE_RE
        if not pattern.fullmatch(values["code"].upper()):
            problems.append(("code", "code_format", values["code"]))
    if kind == "sellers" and values["wallet_capacity"] is not None:
        capacity = values["wallet_capacity"]
        if capacity < 0 or not float(capacity).is_integer():
            problems.append(("wallet_capacity", "capacity", texts["wallet_capacity"]))
    return values, problems


def missing_columns(kind, mapping):
    """The required column keys no header cell is mapped to."""
    return [
        column.key
        for column in COLUMNS[kind]
        if column.required and column.key not in mapping
    ]
