# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import csv
import io
import logging
import time

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, split_every

from ..tools.import_files import (
    COLUMNS,
    FileError,
    columns_of,
    guess_mapping,
    missing_columns,
    read_row,
    read_table,
)
from ..tools.phone import format_international
from .brand_time import brand_timezone

_logger = logging.getLogger(__name__)

# Every column an import knows, for the person's mapping and the problems.
FIELD_KEYS = [
    ("code", "Code"),
    ("name", "Name"),
    ("kind", "Kind (own or franchise)"),
    ("street", "Street"),
    ("zip", "ZIP code"),
    ("city", "City"),
    ("state", "State (UF)"),
    ("country", "Country"),
    ("phone", "Phone"),
    ("area_codes", "Area codes (DDD)"),
    ("store_code", "Store code"),
    ("email", "Email"),
    ("mobile", "Mobile"),
    ("login", "Login"),
    ("wallet_capacity", "Wallet capacity"),
    ("ref", "Customer code"),
    ("document", "Document (CPF)"),
    ("birthdate", "Birthday"),
    ("seller_code", "Seller code"),
    ("consent_whatsapp", "Consent: WhatsApp"),
    ("consent_sms", "Consent: SMS"),
    ("consent_email", "Consent: email"),
    ("consent_call", "Consent: phone calls"),
    ("consent_date", "Consent date"),
    ("consent_source", "Consent source"),
    ("order_ref", "Order code"),
    ("date", "Date"),
    ("customer_ref", "Customer code"),
    ("channel", "Channel"),
    ("product", "Product"),
    ("quantity", "Quantity"),
    ("unit_price", "Unit price"),
    ("amount", "Order total"),
    ("status", "Status"),
    ("refunded", "Refunded amount"),
]

KIND_SELECTION = [
    ("stores", "Stores"),
    ("sellers", "Sellers"),
    ("customers", "Customers"),
    ("purchases", "Purchases"),
]

# What stores, sellers and customers are merged into: (model, key field,
# ((staging column, field), ...)).
MERGES = {
    "stores": (
        "oto.store",
        "code",
        (
            ("name", "name"),
            ("kind", "kind"),
            ("street", "street"),
            ("zip", "zip"),
            ("city", "city"),
            ("state_id", "state_id"),
            ("country_id", "country_id"),
            ("phone", "phone"),
            ("area_codes", "area_codes"),
        ),
    ),
    "sellers": (
        "oto.seller",
        "code",
        (
            ("name", "name"),
            ("store_id", "store_id"),
            ("email", "email"),
            ("mobile", "phone"),
            ("user_id", "user_id"),
            ("wallet_capacity", "wallet_capacity"),
        ),
    ),
    "customers": (
        "res.partner",
        "ref",
        (
            ("name", "name"),
            ("email", "email"),
            ("mobile", "mobile"),
            ("document", "vat"),
            ("city", "city"),
            ("state_id", "state_id"),
            ("country_id", "country_id"),
            ("birthdate", "oto_birthdate"),
            ("store_id", "oto_store_id"),
            ("seller_id", "oto_seller_id"),
        ),
    ),
}

# SQL types of the staging columns by the kind of cell.
STAGE_TYPES = {
    "number": "numeric",
    "datetime": "timestamp",
    "date": "date",
    "boolean": "boolean",
}

CONSENT_CHANNELS = ("whatsapp", "sms", "email", "call")

# Problems listed on the screen: the rest are in the file of rows in error.
MAX_LISTED = 1000


class OtoImport(models.AbstractModel):
    """The onboarding import: a brand's stores, sellers, customers and
    purchase history from files (CSV or XLSX) in one pass per file. The
    rows are read and checked cell by cell in Python (the plain rules of
    ``tools/import_files.py``), loaded with COPY into a staging table, checked
    against the database and each other in SQL (unknown codes, duplicated
    ids, the lines of one order that disagree), then merged by the external
    id (the code of a store or a seller, the customer's code, the order's):
    a file imported again updates what changed and duplicates nothing.
    Nothing is written while the file has a problem, unless the person
    chose to import its valid rows; the merge is one savepoint, whole or
    not at all."""

    _name = "oto.import"
    _description = "Onboarding import"

    def init(self):
        # Customers are found by their code in the brand (the re-import,
        # the purchases' customer): an index on Odoo's partners, dropped by
        # the uninstall hook.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS res_partner_oto_ref_idx "
            "ON res_partner (company_id, ref) WHERE ref IS NOT NULL"
        )

    # ------------------------------------------------------------ messages

    @api.model
    def _field_key_labels(self):
        return dict(
            self.env["oto.import.wizard.column"]
            ._fields["field_key"]
            ._description_selection(self.env)
        )

    @api.model
    def _file_message(self, error):
        messages = {
            "empty": self.env._("The file is empty."),
            "binary": self.env._(
                "This is not a CSV file (it holds binary data): export the "
                "sheet as CSV or XLSX."
            ),
            "xlsx": self.env._(
                "This file cannot be read as an XLSX workbook: save it again "
                "from the spreadsheet, as XLSX or CSV."
            ),
            "no_header": self.env._(
                "The first line must name the columns (the header)."
            ),
        }
        return messages[error.code]

    @api.model
    def _problem_message(self, code, text, **extra):
        """The reason of a problem in a cell, in the user's language."""
        if code.startswith("phone_"):
            reasons = {
                "phone_characters": self.env._("it holds letters or symbols"),
                "phone_too_short": self.env._("too short"),
                "phone_too_long": self.env._("too long"),
                "phone_area_code": self.env._("unknown area code (DDD)"),
                "phone_invalid": self.env._("not a number in use"),
                "phone_empty": self.env._("empty"),
            }
            return self.env._(
                "“%(value)s” is not a valid phone number (%(reason)s).",
                value=text,
                reason=reasons.get(code, code),
            )
        messages = {
            "required": lambda: self.env._("This cell cannot be empty."),
            "number": lambda: self.env._(
                "“%(value)s” is not a number (write 1234.56 or 1.234,56).",
                value=text,
            ),
            "date": lambda: self.env._(
                "“%(value)s” is not a date (write 2025-07-31 or 31/07/2025).",
                value=text,
            ),
            "datetime": lambda: self.env._(
                "“%(value)s” is not a date (write 2025-07-31 11:57 or "
                "31/07/2025 11:57).",
                value=text,
            ),
            "boolean": lambda: self.env._("“%(value)s” is not yes or no.", value=text),
            "email": lambda: self.env._(
                "“%(value)s” is not an email address.", value=text
            ),
            "choice": lambda: self.env._(
                "“%(value)s” is not one of the accepted values.", value=text
            ),
            "negative": lambda: self.env._(
                "“%(value)s” cannot be negative.", value=text
            ),
            "zero": lambda: self.env._("The quantity cannot be zero."),
            "no_amount": lambda: self.env._(
                "A purchase needs a unit price or an order total."
            ),
            "area_codes": lambda: self.env._(
                "“%(value)s” is not a list of two-digit area codes (11 21 31).",
                value=text,
            ),
            "code_format": lambda: self.env._(
                "“%(value)s” is not a valid code: letters, digits, - and _, "
                "starting with a letter or a digit.",
                value=text,
            ),
            "capacity": lambda: self.env._(
                "“%(value)s” is not a whole number of customers.", value=text
            ),
            "duplicate": lambda: self.env._(
                "“%(value)s” is also on row %(row)s of this file: each code "
                "once per file.",
                value=text,
                row=extra.get("row"),
            ),
            "unknown_store": lambda: self.env._(
                "No store with the code “%(value)s” in this company (import "
                "the stores first).",
                value=text,
            ),
            "unknown_seller": lambda: self.env._(
                "No seller with the code “%(value)s” in this company (import "
                "the sellers first).",
                value=text,
            ),
            "unknown_customer": lambda: self.env._(
                "No customer with the code “%(value)s” in this company "
                "(import the customers first).",
                value=text,
            ),
            "unknown_login": lambda: self.env._(
                "No user with the login “%(value)s” in this company: create "
                "the user first, or leave the cell empty (the seller then "
                "works on the store's shared device).",
                value=text,
            ),
            "unknown_country": lambda: self.env._(
                "“%(value)s” is not a country code (BR, PT, US...).", value=text
            ),
            "unknown_state": lambda: self.env._(
                "“%(value)s” is not a state code of the country (SP, RJ...).",
                value=text,
            ),
            "order_mismatch": lambda: self.env._(
                "The lines of order “%(value)s” disagree: this row has another "
                "%(column)s than row %(row)s.",
                value=text,
                row=extra.get("row"),
                column=extra.get("column"),
            ),
            "order_line_error": lambda: self.env._(
                "Another line of order “%(value)s” has a problem: the order is "
                "left out whole.",
                value=text,
            ),
        }
        return messages[code]() if code in messages else code

    # ------------------------------------------------------------ the run

    @api.model
    def _run(
        self,
        kind,
        data,
        filename="",
        mapping=None,
        mode="all",
        dry_run=False,
        progress=None,
        listed=MAX_LISTED,
    ):
        """Import ``data`` (the file's bytes) of ``kind`` into the current
        company: ``mapping`` the column key of each header cell (guessed when
        None); ``mode`` ``all`` (nothing written while a row has a problem)
        or ``valid`` (the valid rows); ``dry_run``: check only. Returns a
        dict: ``rows``, ``error_rows``, ``issues`` ([{row, column, message,
        value}], the first ``MAX_LISTED``), ``issue_count``, ``file_issue``
        (a problem of the whole file, or False), ``created``, ``updated``,
        ``unchanged``, ``error_file`` (CSV bytes of the rows in error with
        their reasons, or False), ``done`` (written). ``progress``: called
        with (rows read, rows in the file) as the rows are read. ``listed``:
        how many problems are listed (None: all)."""
        if not self.env.user.has_group("oto_crm.oto_crm_group_admin"):
            raise AccessError(self.env._("Only brand admins import data."))
        started = time.monotonic()
        result = {
            "rows": 0,
            "error_rows": 0,
            "issues": [],
            "issue_count": 0,
            "file_issue": False,
            "created": 0,
            "updated": 0,
            "unchanged": 0,
            "error_file": False,
            "done": False,
        }
        try:
            table = read_table(data or b"", filename or "")
        except FileError as error:
            result["file_issue"] = self._file_message(error)
            return result
        mapping = (
            list(mapping) if mapping is not None else guess_mapping(kind, table.header)
        )
        mapping += [None] * (len(table.header) - len(mapping))
        missing = missing_columns(kind, mapping)
        if missing:
            labels = self._field_key_labels()
            result["file_issue"] = self.env._(
                "The file has no column for: %(columns)s. Name them in the "
                "header or choose them in the mapping.",
                columns=", ".join(labels.get(key, key) for key in missing),
            )
            return result
        headers = {key: table.header[i] for i, key in enumerate(mapping) if key}
        problems = self._stage(kind, table, mapping, progress)
        problems += self._check_stage(kind)
        rows = self.env.execute_query(SQL("SELECT count(*) FROM oto_import_stage"))
        result["rows"] = rows[0][0]
        if not result["rows"]:
            result["file_issue"] = self.env._("The file has a header but no rows.")
            return result
        self._mark_bad(kind, problems)
        bad = self.env.execute_query(
            SQL("SELECT count(*) FROM oto_import_stage WHERE bad")
        )[0][0]
        result["error_rows"] = bad
        problems.sort(
            key=lambda p: (p[0], list(headers).index(p[1]) if p[1] in headers else 99)
        )
        labels = self._field_key_labels()
        result["issue_count"] = len(problems)
        result["issues"] = [
            {
                "row": row,
                "column": headers.get(key) or labels.get(key, key),
                "message": self._problem_message(code, text, **extra),
                "value": text or "",
            }
            for row, key, code, text, extra in problems[:listed]
        ]
        if problems:
            result["error_file"] = self._error_file(data, filename, problems, headers)
        if dry_run or (bad and mode != "valid") or bad == result["rows"]:
            return result
        with self.env.cr.savepoint():
            if kind == "purchases":
                counts = self._merge_purchases(filename)
            else:
                counts = self._merge_rows(kind, filename)
        result.update(counts, done=True)
        self.env["oto.audit"]._log(
            "import",
            self.env._(
                "%(kind)s imported from %(file)s: %(created)s created, "
                "%(updated)s updated, %(unchanged)s unchanged, %(skipped)s "
                "rows left out.",
                kind=dict(self._kind_labels())[kind],
                file=filename or "-",
                created=counts["created"],
                updated=counts["updated"],
                unchanged=counts["unchanged"],
                skipped=bad,
            ),
        )
        _logger.info(
            "oto import %s %s: %s rows, %s in error, %s in %.1fs",
            kind,
            filename,
            result["rows"],
            bad,
            counts,
            time.monotonic() - started,
        )
        return result

    @api.model
    def _kind_labels(self):
        return (
            self.env["oto.import.wizard"]
            ._fields["kind"]
            ._description_selection(self.env)
        )

    # ------------------------------------------------------------ staging

    @api.model
    def _stage(self, kind, table, mapping, progress=None):
        """Read every row, keep the problems of its cells, and COPY the
        values into the temporary table ``oto_import_stage`` (row, bad,
        one column per key). Returns the problems ``(row, key, code,
        text, extra)``."""
        cr = self.env.cr
        columns = COLUMNS[kind]
        cr.execute("DROP TABLE IF EXISTS oto_import_stage")
        definition = SQL(", ").join(
            SQL(
                "%s %s",
                SQL.identifier(column.key),
                SQL(STAGE_TYPES.get(column.kind, "varchar")),
            )
            for column in columns
        )
        cr.execute(
            SQL(
                "CREATE TEMP TABLE oto_import_stage (row_no integer PRIMARY KEY, "
                "bad boolean NOT NULL DEFAULT FALSE, %s) ON COMMIT DROP",
                definition,
            )
        )
        names = SQL(", ").join(SQL.identifier(column.key) for column in columns)
        copy = SQL(
            "COPY oto_import_stage (row_no, bad, %s) FROM STDIN WITH (FORMAT csv)",
            names,
        )
        problems = []
        for chunk in split_every(50000, table.rows):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for number, cells in chunk:
                values, cell_problems = read_row(kind, mapping, cells)
                problems.extend(
                    (number, key, code, text, {}) for key, code, text in cell_problems
                )
                writer.writerow(
                    [number, "t" if cell_problems else "f"]
                    + [self._copy_value(values[column.key]) for column in columns]
                )
            buffer.seek(0)
            cr.copy_expert(copy.code, buffer)
            if progress:
                progress(chunk[-1][0] - 1, table.total)
        cr.execute("ANALYZE oto_import_stage")
        return problems

    @staticmethod
    def _copy_value(value):
        if value is None:
            return None
        if value is True:
            return "t"
        if value is False:
            return "f"
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    @api.model
    def _check_stage(self, kind):
        """The problems only the database or the whole file shows: codes
        given twice in the file, codes of no store, seller, customer or user,
        the lines of an order that disagree. The ids found are kept in the
        staging table for the merge."""
        problems = []
        key = {
            "stores": "code",
            "sellers": "code",
            "customers": "ref",
            "purchases": None,
        }[kind]
        if key:
            problems += self._duplicates(key)
        company = self.env.company.id
        cr = self.env.cr
        resolve = {
            "store_code": ("store_id", "oto_store", "unknown_store", "upper"),
            "seller_code": ("seller_id", "oto_seller", "unknown_seller", "upper"),
        }
        keys = columns_of(kind)
        for column, (target, table, code, how) in resolve.items():
            if column not in keys:
                continue
            cr.execute(
                SQL(
                    "ALTER TABLE oto_import_stage ADD COLUMN %s integer",
                    SQL.identifier(target),
                )
            )
            wanted = SQL.identifier(column)
            if how == "upper":
                wanted = SQL("upper(%s)", wanted)
            cr.execute(
                SQL(
                    """
                    UPDATE oto_import_stage st SET %(target)s = t.id
                      FROM %(table)s t
                     WHERE t.company_id = %(company)s AND t.code = %(wanted)s
                    """,
                    target=SQL.identifier(target),
                    table=SQL.identifier(table),
                    company=company,
                    wanted=wanted,
                )
            )
            problems += self._unresolved(column, target, code)
        if kind in ("stores", "customers"):
            problems += self._resolve_places()
        if kind == "sellers":
            cr.execute("ALTER TABLE oto_import_stage ADD COLUMN user_id integer")
            cr.execute(
                SQL(
                    """
                    UPDATE oto_import_stage st SET user_id = u.id
                      FROM res_users u
                      JOIN res_company_users_rel r ON r.user_id = u.id
                     WHERE u.login = st.login AND u.active AND r.cid = %s
                    """,
                    company,
                )
            )
            problems += self._unresolved("login", "user_id", "unknown_login")
        if kind == "purchases":
            problems += self._check_purchases()
        return problems

    @api.model
    def _duplicates(self, key):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT row_no, %(key)s, first_row FROM (
                    SELECT row_no, %(key)s,
                           min(row_no) OVER (PARTITION BY upper(%(key)s)) AS first_row
                      FROM oto_import_stage WHERE %(key)s IS NOT NULL
                ) d WHERE row_no <> first_row
                """,
                key=SQL.identifier(key),
            )
        )
        return [
            (row, key, "duplicate", text, {"row": first}) for row, text, first in rows
        ]

    @api.model
    def _unresolved(self, column, target, code):
        rows = self.env.execute_query(
            SQL(
                "SELECT row_no, %s FROM oto_import_stage "
                "WHERE %s IS NOT NULL AND %s IS NULL",
                SQL.identifier(column),
                SQL.identifier(column),
                SQL.identifier(target),
            )
        )
        return [(row, column, code, text, {}) for row, text in rows]

    @api.model
    def _resolve_places(self):
        """Country (ISO code; empty: the company's) and state (UF) ids."""
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE oto_import_stage ADD COLUMN country_id integer, "
            "ADD COLUMN state_id integer"
        )
        cr.execute(
            SQL(
                """
                UPDATE oto_import_stage st
                   SET country_id = COALESCE(
                       (SELECT c.id FROM res_country c
                         WHERE c.code = upper(trim(st.country))),
                       CASE WHEN st.country IS NULL THEN %s END)
                """,
                self.env.company.country_id.id or None,
            )
        )
        problems = self._unresolved("country", "country_id", "unknown_country")
        cr.execute(
            """
            UPDATE oto_import_stage st SET state_id = s.id
              FROM res_country_state s
             WHERE s.country_id = COALESCE(
                       st.country_id, (SELECT id FROM res_country WHERE code = 'BR'))
               AND s.code = upper(trim(st.state))
            """
        )
        return problems + self._unresolved("state", "state_id", "unknown_state")

    @api.model
    def _check_purchases(self):
        """A purchase's customer, its lines' agreement and products."""
        cr = self.env.cr
        company = self.env.company.id
        cr.execute(
            "ALTER TABLE oto_import_stage ADD COLUMN partner_id integer, "
            "ADD COLUMN product_id integer"
        )
        cr.execute(
            SQL(
                """
                UPDATE oto_import_stage st SET partner_id = p.id
                  FROM res_partner p
                 WHERE p.company_id = %s AND p.ref = st.customer_ref
                """,
                company,
            )
        )
        problems = self._unresolved("customer_ref", "partner_id", "unknown_customer")
        # The products the brand's catalogue has: by internal reference,
        # else by name.
        cr.execute(
            SQL(
                """
                UPDATE oto_import_stage st SET product_id = found.id
                  FROM (
                    SELECT DISTINCT ON (st2.product) st2.product, pp.id
                      FROM (SELECT DISTINCT product FROM oto_import_stage
                             WHERE product IS NOT NULL) st2
                      JOIN product_product pp ON pp.active
                      JOIN product_template pt ON pt.id = pp.product_tmpl_id
                     WHERE (pt.company_id IS NULL OR pt.company_id = %s)
                       AND (pp.default_code = st2.product
                            OR pt.name->>'en_US' = st2.product
                            OR pt.name->>'pt_BR' = st2.product)
                     ORDER BY st2.product, (pp.default_code = st2.product) DESC, pp.id
                  ) found
                 WHERE st.product = found.product
                """,
                company,
            )
        )
        # The lines of one order share its header: the first line says it
        # (one pass over the file, ordered by order and row).
        columns = ("date", "store_code", "seller_code", "customer_ref", "channel")
        rows = self.env.execute_query(
            SQL(
                """
                SELECT row_no, order_ref, first_row, %(differs)s
                  FROM (SELECT row_no, order_ref,
                               min(row_no) OVER w AS first_row, %(compared)s
                          FROM oto_import_stage
                        WINDOW w AS (PARTITION BY order_ref ORDER BY row_no)) o
                 WHERE %(any)s
                """,
                differs=SQL(", ").join(
                    SQL.identifier(f"d_{column}") for column in columns
                ),
                compared=SQL(", ").join(
                    SQL(
                        "%s IS DISTINCT FROM first_value(%s) OVER w AS %s",
                        SQL.identifier(column),
                        SQL.identifier(column),
                        SQL.identifier(f"d_{column}"),
                    )
                    for column in columns
                ),
                any=SQL(" OR ").join(
                    SQL.identifier(f"d_{column}") for column in columns
                ),
            )
        )
        labels = self._field_key_labels()
        for row, ref, first, *differs in rows:
            problems += [
                (
                    row,
                    column,
                    "order_mismatch",
                    ref,
                    {"row": first, "column": labels.get(column, column)},
                )
                for column, differ in zip(columns, differs, strict=True)
                if differ
            ]
        return problems

    @api.model
    def _mark_bad(self, kind, problems):
        """The rows with a problem; for purchases, every line of an order
        one of whose lines has one (an order is imported whole)."""
        rows = sorted({problem[0] for problem in problems})
        self.env.cr.execute(
            SQL(
                "UPDATE oto_import_stage SET bad = TRUE WHERE row_no = ANY(%s)",
                rows,
            )
        )
        if kind != "purchases":
            return
        orphans = self.env.execute_query(
            SQL(
                """
                UPDATE oto_import_stage st SET bad = TRUE
                 WHERE NOT st.bad AND st.order_ref IN (
                       SELECT order_ref FROM oto_import_stage WHERE bad)
             RETURNING row_no, order_ref
                """
            )
        )
        problems += [
            (row, "order_ref", "order_line_error", ref, {}) for row, ref in orphans
        ]

    @api.model
    def _error_file(self, data, filename, problems, headers):
        """The rows in error as they were in the file (the same columns),
        with a last column of their reasons: fixed, the file imports
        again."""
        reasons = {}
        labels = self._field_key_labels()
        for row, key, code, text, extra in problems:
            column = headers.get(key) or labels.get(key, key)
            message = self._problem_message(code, text, **extra)
            reasons.setdefault(row, []).append(f"{column}: {message}")
        table = read_table(data, filename)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=table.delimiter or ",")
        writer.writerow([self.env._("Row"), *table.header, self.env._("Problems")])
        for number, cells in table.rows:
            if number in reasons:
                writer.writerow([number, *cells, " | ".join(reasons[number])])
        return buffer.getvalue().encode("utf-8-sig")

    # ------------------------------------------------------------ merges

    @api.model
    def _valid_rows(self, columns):
        return self.env.execute_query(
            SQL(
                "SELECT %s FROM oto_import_stage WHERE NOT bad ORDER BY row_no",
                SQL(", ").join(SQL.identifier(column) for column in columns),
            )
        )

    @api.model
    def _merge_records(self, model, key, vals_by_key):
        """Create or update ``model`` records of the company by ``key``;
        a record is written only where a value changed."""
        Model = self.env[model].with_context(
            active_test=False, tracking_disable=True, mail_create_nolog=True
        )
        company = self.env.company
        existing = {
            record[key]: record
            for record in Model.search(
                [("company_id", "=", company.id), (key, "in", list(vals_by_key))]
            )
        }
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        to_create = []
        for code, vals in vals_by_key.items():
            record = existing.get(code)
            if not record:
                to_create.append({key: code, "company_id": company.id, **vals})
                continue
            changed = {
                name: value
                for name, value in vals.items()
                if self._differs(record, name, value)
            }
            if changed:
                record.write(changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        for batch in split_every(1000, to_create, list):
            Model.create(batch)
            counts["created"] += len(batch)
        return counts

    @staticmethod
    def _differs(record, name, value):
        current = record[name]
        if hasattr(current, "_name"):
            return current.id != (value or False)
        if isinstance(current, float) or isinstance(value, float):
            return abs((current or 0) - (value or 0)) > 1e-6
        return (current or False) != (value or False)

    @api.model
    def _merge_rows(self, kind, filename):
        """Stores, sellers or customers by their code: an empty cell leaves
        what the record has."""
        model, key, pairs = MERGES[kind]
        rows = self._valid_rows((key, *(column for column, _field in pairs)))
        vals_by_key = {}
        for code, *values in rows:
            vals = {
                field: self._field_value(model, field, value)
                for (_column, field), value in zip(pairs, values, strict=True)
                if value is not None
            }
            if kind == "customers":
                vals["customer_rank"] = 1
            # Stores and sellers keep their codes in capitals.
            vals_by_key[code if kind == "customers" else code.upper()] = vals
        counts = self._merge_records(model, key, vals_by_key)
        if kind == "customers":
            self.env.flush_all()
            self._merge_consents(filename)
        return counts

    @staticmethod
    def _field_value(model, field, value):
        if field in ("phone", "mobile") and value and model != "oto.seller":
            # Partners and stores show their numbers formatted; sellers keep
            # theirs in E.164.
            return format_international(value)
        if field == "wallet_capacity":
            return int(value)
        return value

    @api.model
    def _merge_consents(self, filename):
        """Each channel's consent in the file into the ledger, as the
        customer gave it (the file's date, its source): a new entry only
        where the ledger's latest entry says otherwise or is older; the
        customers' state per channel follows the latest entry."""
        cr = self.env.cr
        company = self.env.company
        tz = brand_timezone(self.env)
        now = fields.Datetime.now()
        entries = SQL(" UNION ALL ").join(
            SQL(
                """
                SELECT p.id AS partner_id, %(channel)s AS channel,
                       st.%(column)s AS granted,
                       COALESCE((st.consent_date::timestamp AT TIME ZONE %(tz)s)
                                AT TIME ZONE 'UTC', %(now)s) AS date,
                       st.consent_source AS origin
                  FROM oto_import_stage st
                  JOIN res_partner p ON p.company_id = %(company)s AND p.ref = st.ref
                 WHERE NOT st.bad AND st.%(column)s IS NOT NULL
                """,
                channel=channel,
                column=SQL.identifier(f"consent_{channel}"),
                tz=tz,
                now=now,
                company=company.id,
            )
            for channel in CONSENT_CHANNELS
        )
        reason = self.env._("Imported from %(file)s", file=filename or "-")
        inserted = self.env.execute_query(
            SQL(
                """
                INSERT INTO oto_consent (partner_id, company_id, channel, purpose,
                                         granted, source, reason, date, user_id,
                                         create_uid, create_date, write_uid,
                                         write_date)
                SELECT e.partner_id, %(company)s, e.channel, 'marketing', e.granted,
                       'import',
                       %(reason)s || COALESCE(' (' || e.origin || ')', ''),
                       e.date, %(uid)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM (%(entries)s) e
                  LEFT JOIN LATERAL (
                       SELECT c.granted, c.date FROM oto_consent c
                        WHERE c.partner_id = e.partner_id AND c.channel = e.channel
                          AND c.purpose = 'marketing'
                        ORDER BY c.date DESC, c.id DESC LIMIT 1) last ON TRUE
                 WHERE last.date IS NULL
                    OR (last.granted <> e.granted AND e.date > last.date)
             RETURNING partner_id
                """,
                company=company.id,
                reason=reason,
                uid=self.env.uid,
                now=now,
                entries=entries,
            )
        )
        partner_ids = list({row[0] for row in inserted})
        if not partner_ids:
            return 0
        for channel in CONSENT_CHANNELS:
            cr.execute(
                SQL(
                    """
                    UPDATE res_partner p
                       SET %(column)s = NOT last.granted
                      FROM (SELECT DISTINCT ON (partner_id) partner_id, granted
                              FROM oto_consent
                             WHERE partner_id = ANY(%(ids)s) AND channel = %(channel)s
                          ORDER BY partner_id, date DESC, id DESC) last
                     WHERE p.id = last.partner_id
                       AND p.%(column)s IS DISTINCT FROM NOT last.granted
                    """,
                    column=SQL.identifier(f"oto_optout_{channel}"),
                    ids=partner_ids,
                    channel=channel,
                )
            )
        self.env["res.partner"].invalidate_model(
            [f"oto_optout_{channel}" for channel in CONSENT_CHANNELS]
        )
        self.env["oto.consent"].invalidate_model()
        return len(inserted)

    @api.model
    def _merge_purchases(self, filename):
        """Orders into ``oto.external.purchase`` by their code, set-based:
        an order that changed is updated (and its lines replaced), one that
        did not is left untouched (no change for the wallet engine)."""
        cr = self.env.cr
        company = self.env.company.id
        now = fields.Datetime.now()
        cr.execute(
            SQL(
                """
                CREATE TEMP TABLE oto_import_order ON COMMIT DROP AS
                SELECT order_ref,
                       ((min(date) AT TIME ZONE %(tz)s) AT TIME ZONE 'UTC')
                           AS date_order,
                       min(partner_id) AS partner_id, min(store_id) AS store_id,
                       min(seller_id) AS seller_id,
                       COALESCE(min(channel), CASE WHEN min(store_id) IS NULL
                                                   THEN 'online' ELSE 'store' END)
                           AS channel,
                       COALESCE(min(status), 'done') AS state,
                       COALESCE(max(amount),
                                sum(COALESCE(quantity, 1) * unit_price)) AS amount,
                       sum(COALESCE(quantity, 1)) AS items,
                       max(refunded) AS refunded,
                       bool_or(product IS NOT NULL OR unit_price IS NOT NULL)
                           AS has_lines
                  FROM oto_import_stage WHERE NOT bad
                 GROUP BY order_ref
                """,
                tz=brand_timezone(self.env),
            )
        )
        written = self.env.execute_query(
            SQL(
                """
                INSERT INTO oto_external_purchase AS ep
                       (external_id, reference, company_id, partner_id, store_id,
                        seller_id, date_order, channel, state, amount_total,
                        refunded_amount, item_count, origin, create_uid,
                        create_date, write_uid, write_date)
                SELECT o.order_ref, o.order_ref, %(company)s, o.partner_id,
                       o.store_id, o.seller_id, o.date_order, o.channel, o.state,
                       o.amount, o.refunded, o.items, %(origin)s, %(uid)s, %(now)s,
                       %(uid)s, %(now)s
                  FROM oto_import_order o
                ON CONFLICT (company_id, external_id) DO UPDATE
                   SET partner_id = EXCLUDED.partner_id,
                       store_id = EXCLUDED.store_id,
                       seller_id = EXCLUDED.seller_id,
                       date_order = EXCLUDED.date_order,
                       channel = EXCLUDED.channel,
                       state = EXCLUDED.state,
                       amount_total = EXCLUDED.amount_total,
                       refunded_amount = EXCLUDED.refunded_amount,
                       item_count = EXCLUDED.item_count,
                       origin = EXCLUDED.origin,
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                 WHERE (ep.partner_id, ep.store_id, ep.seller_id, ep.date_order,
                        ep.channel, ep.state, ep.amount_total, ep.refunded_amount,
                        ep.item_count)
                       IS DISTINCT FROM
                       (EXCLUDED.partner_id, EXCLUDED.store_id, EXCLUDED.seller_id,
                        EXCLUDED.date_order, EXCLUDED.channel, EXCLUDED.state,
                        EXCLUDED.amount_total, EXCLUDED.refunded_amount,
                        EXCLUDED.item_count)
             RETURNING id, (xmax = 0) AS created
                """,
                company=company,
                origin=filename or None,
                uid=self.env.uid,
                now=now,
            )
        )
        ids = [row[0] for row in written]
        created = sum(1 for row in written if row[1])
        total = self.env.execute_query(SQL("SELECT count(*) FROM oto_import_order"))
        # The lines of the orders written: replaced by the file's.
        cr.execute(
            SQL(
                "DELETE FROM oto_external_purchase_line WHERE purchase_id = ANY(%s)",
                ids,
            )
        )
        cr.execute(
            SQL(
                """
                INSERT INTO oto_external_purchase_line
                       (purchase_id, company_id, sequence, product_id, product_ref,
                        quantity, price_unit, price_subtotal, create_uid,
                        create_date, write_uid, write_date)
                SELECT ep.id, ep.company_id, st.row_no, st.product_id, st.product,
                       COALESCE(st.quantity, 1), COALESCE(st.unit_price, 0),
                       COALESCE(st.quantity, 1) * COALESCE(st.unit_price, 0),
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM oto_import_stage st
                  JOIN oto_external_purchase ep
                    ON ep.company_id = %(company)s AND ep.external_id = st.order_ref
                 WHERE NOT st.bad AND ep.id = ANY(%(ids)s)
                   AND (st.product IS NOT NULL OR st.unit_price IS NOT NULL)
                """,
                uid=self.env.uid,
                now=now,
                company=company,
                ids=ids,
            )
        )
        cr.execute("DROP TABLE oto_import_order")
        self.env["oto.external.purchase"].invalidate_model()
        self.env["oto.external.purchase.line"].invalidate_model()
        return {
            "created": created,
            "updated": len(ids) - created,
            "unchanged": total[0][0] - len(ids),
        }
