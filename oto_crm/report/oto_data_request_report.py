# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class OtoDataRequestReport(models.AbstractModel):
    """The PDF of a customer's personal data: the report kept when the
    request was executed (the same as its JSON)."""

    _name = "report.oto_crm.report_data_request"
    _description = "Personal data report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["oto.data.request"].browse(docids)
        docs.check_access("read")
        return {
            "doc_ids": docids,
            "doc_model": "oto.data.request",
            "docs": docs,
            "reports": {doc.id: doc._report_data() for doc in docs},
        }
