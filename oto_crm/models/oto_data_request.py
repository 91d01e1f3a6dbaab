# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What a store manager says when asking; the rest is the server's.
REQUEST_FIELDS = frozenset(("partner_id", "kind", "note"))


class OtoDataRequest(models.Model):
    """A data subject request (LGPD Art. 18) a brand received for a
    customer: a report of their personal data, or their erasure. A store
    manager requests it for a customer of their stores, a brand admin
    executes it; the request stays as the log of who asked, who did it,
    when, and what was done."""

    _name = "oto.data.request"
    _description = "Data subject request"
    _order = "id desc"
    _rec_name = "partner_id"

    # (Given when the request is made; never changed: see write.)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    store_id = fields.Many2one(
        "oto.store",
        readonly=True,
        ondelete="set null",
        help="The customer's store when the request was made.",
    )
    kind = fields.Selection(
        [("access", "Report of personal data"), ("erasure", "Erasure")],
        string="Request",
        required=True,
    )
    state = fields.Selection(
        [("requested", "Requested"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="requested",
        required=True,
        readonly=True,
        index=True,
    )
    note = fields.Text(help="How and when the customer asked (no personal data).")
    requested_by_id = fields.Many2one("res.users", readonly=True)
    requested_on = fields.Datetime(readonly=True)
    executed_by_id = fields.Many2one("res.users", readonly=True)
    executed_on = fields.Datetime(readonly=True)
    summary = fields.Text(readonly=True, help="What the execution did.")
    report_id = fields.Many2one(
        "ir.attachment",
        string="Report (JSON)",
        readonly=True,
        ondelete="set null",
        help="The personal data as they were when the request was executed.",
    )

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_requester(vals_list)
        now = fields.Datetime.now()
        Partner = self.env["res.partner"].sudo()
        vals_list = [
            {
                **vals,
                "state": "requested",
                "requested_by_id": self.env.uid,
                "requested_on": now,
                "company_id": (
                    Partner.browse(vals.get("partner_id")).company_id
                    or self.env.company
                ).id,
                "store_id": Partner.browse(vals.get("partner_id")).oto_store_id.id,
            }
            for vals in vals_list
        ]
        requests = super().create(vals_list)
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for request in requests:
            request._log(
                self.env._(
                    "%(kind)s requested (request %(id)s)",
                    kind=kinds[request.kind],
                    id=request.id,
                )
            )
        return requests

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "A data subject request is executed or cancelled with its "
                    "buttons, never changed by hand."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise AccessError(
            self.env._(
                "A data subject request is kept as its log: it is never deleted."
            )
        )

    @api.model
    def _check_requester(self, vals_list):
        """Store managers request, for customers they may see, in their
        companies; the request says only whom, what and how they asked."""
        if not self.env.user.has_group("oto_crm.oto_crm_group_manager"):
            raise AccessError(
                self.env._("Only a store manager or a brand admin makes this request.")
            )
        extra = sorted({key for vals in vals_list for key in vals} - REQUEST_FIELDS)
        if extra:
            raise UserError(
                self.env._(
                    "A data subject request sets these itself: %(fields)s.",
                    fields=", ".join(extra),
                )
            )
        partners = self.env["res.partner"].browse(
            {vals.get("partner_id") for vals in vals_list if vals.get("partner_id")}
        )
        # Another store's or another company's customer: an AccessError.
        partners.check_access("read")
        companies = self.env.user.company_ids
        for partner in partners.sudo():
            # The customer of one of the user's companies: their own, or in
            # one of its wallets (a shared customer in no wallet is no one
            # company's to report on or erase).
            company = partner.oto_store_id.company_id or partner.company_id
            if not partner.partner_share:
                raise AccessError(
                    self.env._(
                        "%(customer)s is a user of this database, not a customer.",
                        customer=partner.display_name,
                    )
                )
            if company not in companies:
                raise AccessError(
                    self.env._(
                        "%(customer)s is a customer of another company.",
                        customer=partner.display_name,
                    )
                )

    # ------------------------------------------------------------- actions

    def _check_executor(self):
        if not (self.env.su or self.env.user.has_group("oto_crm.oto_crm_group_admin")):
            raise AccessError(
                self.env._("Only a brand admin executes a data subject request.")
            )
        # (The company rule: only their companies' requests are reachable.)
        self.check_access("read")

    def action_execute(self):
        """Execute the request: the report of the customer's personal data
        (kept as JSON, printable as PDF), or their erasure."""
        self.ensure_one()
        self._check_executor()
        if self.state != "requested":
            raise UserError(self.env._("This request was already closed."))
        request = self.sudo()
        if self.kind == "access":
            summary = request._execute_access()
        else:
            summary = request._execute_erasure()
        request.write(
            {
                "state": "done",
                "executed_by_id": self.env.uid,
                "executed_on": fields.Datetime.now(),
                "summary": summary,
            }
        )
        self._log(
            self.env._(
                "Request %(id)s executed: %(summary)s", id=self.id, summary=summary
            )
        )
        return True

    def action_cancel(self):
        """The requester or a brand admin closes a request made by mistake."""
        self.ensure_one()
        if self.env.uid != self.requested_by_id.id:
            self._check_executor()
        if self.state != "requested":
            raise UserError(self.env._("This request was already closed."))
        self.sudo().write(
            {
                "state": "cancelled",
                "executed_by_id": self.env.uid,
                "executed_on": fields.Datetime.now(),
            }
        )
        self._log(self.env._("Request %(id)s cancelled", id=self.id))
        return True

    def action_download_json(self):
        self.ensure_one()
        if not self.report_id:
            raise UserError(self.env._("This request has no report."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.report_id.id}?download=true",
            "target": "self",
        }

    def action_print_pdf(self):
        self.ensure_one()
        if not self.report_id:
            raise UserError(self.env._("This request has no report."))
        return self.env.ref("oto_crm.oto_data_request_report").report_action(self)

    # ------------------------------------------------------------ business

    def _report_data(self):
        """The report kept when the request was executed (for the PDF)."""
        self.ensure_one()
        attachment = self.sudo().report_id
        if not attachment:
            raise UserError(self.env._("This request has no report."))
        return json.loads(attachment.raw)

    def _execute_access(self):
        partner = self.partner_id
        data = {
            "request": self.id,
            "customer_id": partner.id,
            "company": self.company_id.name,
            "generated_on": fields.Datetime.to_string(fields.Datetime.now()),
            "sections": partner.with_company(self.company_id)._oto_personal_data(),
        }
        self.report_id = self.env["ir.attachment"].create(
            {
                "name": f"personal-data-{partner.id}-request-{self.id}.json",
                "mimetype": "application/json",
                "raw": json.dumps(data, ensure_ascii=False, indent=1).encode(),
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        counts = {
            section["title"]: len(section["rows"])
            for section in data["sections"]
            if section["key"] not in ("profile", "wallet")
        }
        return self.env._(
            "report of personal data: %(counts)s",
            counts=", ".join(f"{title} {count}" for title, count in counts.items()),
        )

    def _execute_erasure(self):
        partner = self.partner_id
        partner._oto_check_erasable()
        done = partner._oto_erasure_cancel_pending(self)
        done.update(partner._oto_erase_personal_data(self))
        # The earlier reports of this customer go too.
        reports = self.search(
            [("partner_id", "=", partner.id), ("report_id", "!=", False)]
        )
        done[self.env._("earlier reports deleted")] = len(reports)
        reports.report_id.unlink()
        return self.env._(
            "erasure: %(counts)s",
            counts=", ".join(f"{label} {count}" for label, count in done.items()),
        )

    def _log(self, description):
        self.ensure_one()
        self.env["oto.audit"]._log(
            "data_request",
            description,
            partner=self.partner_id,
            company=self.company_id,
            store=self.store_id or None,
        )
