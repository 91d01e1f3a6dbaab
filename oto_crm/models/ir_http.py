# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.http import request

from ..tools.seller_link import SESSION_KEY, code_parameter


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        cls._oto_capture_seller_code()
        return result

    @classmethod
    def _oto_capture_seller_code(cls):
        """A buyer who opens the store through a seller's link
        (``?vendedor=CODE``): the code is kept in their session, and the
        online order they place carries it. Whether the code is valid is
        decided on the order (an unknown one is logged, never an error)."""
        args = request.httprequest.args
        if not args or not request.env.uid:
            return  # no user, not even the public one: no brand to read
        template = request.env.company.sudo().oto_online_store_url
        code = (args.get(code_parameter(template)) or "").strip().upper()
        if code and len(code) <= 30 and request.session.get(SESSION_KEY) != code:
            request.session[SESSION_KEY] = code
