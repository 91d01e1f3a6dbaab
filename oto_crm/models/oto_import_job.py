# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL

from .oto_company_job import owns_cursor
from .oto_import import KIND_SELECTION

_logger = logging.getLogger(__name__)

# Problems shown on the job's form: all are in its file of rows in error.
SHOWN_ISSUES = 200


class OtoImportJob(models.Model):
    """An import run in the background: a large file is queued by the
    person, who can leave; the scheduled action imports it as that person,
    in its company, with a progress the form shows, and keeps the outcome
    (counts, problems, the file of the rows in error). One transaction per
    file: a failure leaves nothing written and says why."""

    _name = "oto.import.job"
    _description = "Import in the background"
    _order = "id desc"

    name = fields.Char(string="File", required=True, readonly=True)
    kind = fields.Selection(KIND_SELECTION, required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, default=lambda s: s.env.user
    )
    file = fields.Binary(attachment=True, readonly=True)
    mapping = fields.Json(readonly=True)
    mode = fields.Selection(
        [("all", "Only a file without problems"), ("valid", "The valid rows")],
        required=True,
        default="all",
        readonly=True,
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Imported"),
            ("refused", "Not imported"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
    )
    progress = fields.Integer(readonly=True, help="Rows read, in percent.")
    row_count = fields.Integer(string="Rows", readonly=True)
    error_row_count = fields.Integer(string="Rows in error", readonly=True)
    issue_count = fields.Integer(string="Problems", readonly=True)
    created_count = fields.Integer(string="Created", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    message = fields.Text(readonly=True)
    issues = fields.Json(readonly=True)
    issues_html = fields.Html(
        string="First problems", compute="_compute_issues_html", sanitize=False
    )
    error_file = fields.Binary(string="Rows in error", attachment=True, readonly=True)
    error_filename = fields.Char(readonly=True)
    date_done = fields.Datetime(string="Finished", readonly=True)

    @api.depends("issues")
    def _compute_issues_html(self):
        for job in self:
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                % (issue["row"], issue["column"], issue["value"], issue["message"])
                for issue in (job.issues or [])[:SHOWN_ISSUES]
            )
            job.issues_html = (
                Markup(
                    '<table class="table table-sm"><thead><tr><th>%s</th><th>%s'
                    "</th><th>%s</th><th>%s</th></tr></thead><tbody>%s</tbody>"
                    "</table>"
                )
                % (
                    escape(self.env._("Row")),
                    escape(self.env._("Column")),
                    escape(self.env._("Value")),
                    escape(self.env._("Problem")),
                    rows,
                )
                if rows
                else False
            )

    # ------------------------------------------------------------ actions

    def action_download_errors(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_file/"
            f"{self.error_filename or 'errors.csv'}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------ business

    @api.model
    def _enqueue(self, vals):
        job = self.create(vals)
        self.env.ref("oto_crm.ir_cron_oto_import_jobs")._trigger()
        return job

    @api.model
    def _cron_run_imports(self, limit=5):
        """The queued imports, oldest first, each in its own transaction
        (committed when the cron owns its cursor), skipping those another
        worker took."""
        for _n in range(limit):
            rows = self.env.execute_query(
                SQL(
                    "SELECT id FROM oto_import_job WHERE state = 'queued' "
                    "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
                )
            )
            if not rows:
                return
            self.browse(rows[0][0])._run_job()

    def _run_job(self):
        self.ensure_one()
        self.state = "running"
        commit = owns_cursor()
        if commit:
            # The form shows the job running while it runs (the cron owns its
            # cursor: nothing of a request or a test is committed here).
            self.env.cr.commit()  # pylint: disable=invalid-commit
        env = self.env(
            user=self.user_id,
            context=dict(self.env.context, allowed_company_ids=[self.company_id.id]),
        )
        try:
            with self.env.cr.savepoint():
                result = env["oto.import"]._run(
                    self.kind,
                    base64.b64decode(self.file or b""),
                    self.name,
                    mapping=self.mapping,
                    mode=self.mode,
                    progress=self._progress_callback() if commit else None,
                )
        except Exception as error:  # noqa: BLE001 (kept on the job, logged)
            _logger.exception("oto import job %s failed", self.id)
            self.write(
                {
                    "state": "failed",
                    "message": self.env._(
                        "The import stopped and wrote nothing: %(error)s",
                        error=str(error)[:500],
                    ),
                    "date_done": fields.Datetime.now(),
                }
            )
        else:
            self._store_result(result)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _store_result(self, result):
        stem = self.name.rsplit(".", 1)[0]
        self.write(
            {
                "state": "done" if result["done"] else "refused",
                "progress": 100,
                "row_count": result["rows"],
                "error_row_count": result["error_rows"],
                "issue_count": result["issue_count"],
                "created_count": result["created"],
                "updated_count": result["updated"],
                "unchanged_count": result["unchanged"],
                "message": result["file_issue"]
                or (
                    False
                    if result["done"]
                    else self.env._(
                        "Nothing was imported: the file has rows in error. Fix "
                        "them, or import again choosing the valid rows."
                    )
                ),
                "issues": result["issues"][:SHOWN_ISSUES],
                "error_file": base64.b64encode(result["error_file"])
                if result["error_file"]
                else False,
                "error_filename": self.env._("%(name)s-errors.csv", name=stem),
                "date_done": fields.Datetime.now(),
            }
        )

    def _progress_callback(self):
        """Writes the progress in a cursor of its own, so that the form sees
        it while the import's transaction runs."""
        job_id = self.id
        registry = self.env.registry

        def progress(done, total):
            percent = int(done * 100 / total) if total else 0
            with registry.cursor() as cr:
                cr.execute(
                    "UPDATE oto_import_job SET progress = %s WHERE id = %s",
                    [min(percent, 99), job_id],
                )

        return progress
