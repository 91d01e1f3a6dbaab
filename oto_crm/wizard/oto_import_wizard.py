# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
from itertools import islice

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.oto_import import FIELD_KEYS, KIND_SELECTION
from ..tools.import_files import FileError, columns_of, guess_mapping, read_table

PREVIEW_ROWS = 10


class OtoImportWizard(models.TransientModel):
    """The person's import: a file and its kind, the columns as guessed
    from its header (editable) with a preview of its first rows, a check of
    the whole file listing every problem by row and column (and a file of
    the rows in error to fix), then the import."""

    _name = "oto.import.wizard"
    _description = "Import data"

    kind = fields.Selection(KIND_SELECTION, required=True, default="customers")
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    mode = fields.Selection(
        [
            ("all", "Only a file without problems"),
            ("valid", "The valid rows, leaving the rows in error out"),
        ],
        string="Import",
        required=True,
        default="all",
    )
    state = fields.Selection(
        [
            ("upload", "File"),
            ("map", "Columns"),
            ("checked", "Checked"),
            ("done", "Imported"),
        ],
        default="upload",
        required=True,
    )
    column_ids = fields.One2many(
        "oto.import.wizard.column", "wizard_id", string="Columns"
    )
    preview = fields.Html(readonly=True, sanitize=False)
    row_count = fields.Integer(string="Rows", readonly=True)
    error_row_count = fields.Integer(string="Rows in error", readonly=True)
    issue_count = fields.Integer(string="Problems", readonly=True)
    issue_ids = fields.One2many("oto.import.wizard.issue", "wizard_id")
    file_issue = fields.Char(readonly=True)
    error_file = fields.Binary(string="Rows in error", attachment=False, readonly=True)
    error_filename = fields.Char()
    summary = fields.Char(readonly=True)

    # ------------------------------------------------------------ actions

    def action_read(self):
        """The header's columns with their guessed meaning, and the first
        rows."""
        self.ensure_one()
        table = self._read_file()
        mapping = guess_mapping(self.kind, table.header)
        first = list(islice(table.rows, PREVIEW_ROWS))
        self.write(
            {
                "state": "map",
                "column_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "sequence": index,
                            "header": header,
                            "sample": next(
                                (
                                    cells[index]
                                    for _n, cells in first
                                    if index < len(cells) and cells[index]
                                ),
                                "",
                            ),
                            "field_key": key or False,
                        }
                    )
                    for index, (header, key) in enumerate(
                        zip(table.header, mapping, strict=True)
                    )
                ],
                "preview": self._preview_html(table.header, first),
                **self._reset_values(),
            }
        )
        return self._reopen()

    def action_check(self):
        self.ensure_one()
        self._store_result(self._import(dry_run=True))
        self.state = "checked"
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        result = self._import(dry_run=False)
        self._store_result(result)
        if result["done"]:
            self.state = "done"
            self.summary = self.env._(
                "%(created)s created, %(updated)s updated, %(unchanged)s "
                "unchanged, %(skipped)s rows left out.",
                created=result["created"],
                updated=result["updated"],
                unchanged=result["unchanged"],
                skipped=result["error_rows"],
            )
        else:
            self.state = "checked"
        return self._reopen()

    def action_import_background(self):
        """Queue the file: imported by the scheduled action as this user;
        the person can leave and follow it in *Imports*."""
        self.ensure_one()
        if self.state == "upload" or not self.column_ids:
            self.action_read()
        job = self.env["oto.import.job"]._enqueue(
            {
                "name": self.filename or "import.csv",
                "kind": self.kind,
                "file": self.file,
                "mapping": self._mapping(),
                "mode": self.mode,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "oto.import.job",
            "res_id": job.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_back(self):
        self.ensure_one()
        self.write({"state": "upload", **self._reset_values()})
        return self._reopen()

    def action_download_errors(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_file/"
            f"{self.error_filename or 'errors.csv'}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------ business

    def _read_file(self):
        if not self.file:
            raise UserError(self.env._("Choose a file to import."))
        try:
            return read_table(base64.b64decode(self.file), self.filename or "")
        except FileError as error:
            raise UserError(self.env["oto.import"]._file_message(error)) from error

    def _mapping(self):
        """The column key of each header cell, as the person left them."""
        keys = columns_of(self.kind)
        labels = dict(self._fields["kind"]._description_selection(self.env))
        key_labels = self.env["oto.import"]._field_key_labels()
        mapping, seen = [], {}
        for column in self.column_ids.sorted("sequence"):
            key = column.field_key or None
            if key and key not in keys:
                raise UserError(
                    self.env._(
                        "Column “%(column)s”: a file of %(kind)s has no “%(field)s”.",
                        column=column.header,
                        kind=labels[self.kind].lower(),
                        field=key_labels[key],
                    )
                )
            if key in seen:
                raise UserError(
                    self.env._(
                        "Columns “%(first)s” and “%(second)s” are both "
                        "“%(field)s”: choose one.",
                        first=seen[key],
                        second=column.header,
                        field=key_labels[key],
                    )
                )
            if key:
                seen[key] = column.header
            mapping.append(key)
        return mapping

    def _import(self, dry_run):
        if self.state == "upload" or not self.column_ids:
            self.action_read()
        return self.env["oto.import"]._run(
            self.kind,
            base64.b64decode(self.file),
            self.filename or "",
            mapping=self._mapping(),
            mode=self.mode,
            dry_run=dry_run,
        )

    def _store_result(self, result):
        stem = (self.filename or "import").rsplit(".", 1)[0]
        self.write(
            {
                "row_count": result["rows"],
                "error_row_count": result["error_rows"],
                "issue_count": result["issue_count"],
                "file_issue": result["file_issue"],
                "issue_ids": [Command.clear()]
                + [Command.create(issue) for issue in result["issues"]],
                "error_file": base64.b64encode(result["error_file"])
                if result["error_file"]
                else False,
                "error_filename": self.env._("%(name)s-errors.csv", name=stem),
            }
        )

    @api.model
    def _reset_values(self):
        return {
            "row_count": 0,
            "error_row_count": 0,
            "issue_count": 0,
            "issue_ids": [Command.clear()],
            "file_issue": False,
            "error_file": False,
            "summary": False,
        }

    @api.model
    def _preview_html(self, header, rows):
        head = Markup("").join(
            Markup("<th>%s</th>") % escape(cell) for cell in ["#", *header]
        )
        body = Markup("").join(
            Markup("<tr>%s</tr>")
            % Markup("").join(
                Markup("<td>%s</td>") % escape(cell) for cell in [number, *cells]
            )
            for number, cells in rows
        )
        return Markup(
            '<div class="table-responsive"><table class="table table-sm '
            'table-striped o_oto_import_preview"><thead><tr>%s</tr></thead>'
            "<tbody>%s</tbody></table></div>"
        ) % (head, body)

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import data"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }


class OtoImportWizardColumn(models.TransientModel):
    _name = "oto.import.wizard.column"
    _description = "Column of a file to import"
    _order = "sequence"

    wizard_id = fields.Many2one("oto.import.wizard", required=True, ondelete="cascade")
    sequence = fields.Integer()
    header = fields.Char(string="Column", readonly=True)
    sample = fields.Char(string="First value", readonly=True)
    field_key = fields.Selection(FIELD_KEYS, string="Imported as")


class OtoImportWizardIssue(models.TransientModel):
    _name = "oto.import.wizard.issue"
    _description = "Problem of a file to import"
    _order = "row, id"

    wizard_id = fields.Many2one("oto.import.wizard", required=True, ondelete="cascade")
    row = fields.Integer()
    column = fields.Char()
    value = fields.Char()
    message = fields.Char(string="Problem")
