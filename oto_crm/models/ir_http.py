# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.http import request

from ..tools.seller_link import SESSION_KEY, code_parameter


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Sellers, store devices and managers land on the Oto app (their
        day) after signing in, unless their user has a home action of its
        own."""
        info = super().session_info()
        user = self.env.user
        if (
            not info.get("home_action_id")
            and user._is_internal()
            and user.has_group("oto_crm.oto_crm_group_seller")
        ):
            action = self.env.ref(
                "oto_crm.oto_crm_action_my_day", raise_if_not_found=False
            )
            info["home_action_id"] = action.id if action else False
        return info

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
