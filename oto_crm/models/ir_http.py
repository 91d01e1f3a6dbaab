# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import werkzeug.exceptions

from odoo import models
from odoo.exceptions import AccessDenied
from odoo.http import request

from ..tools.seller_link import SESSION_KEY, code_parameter

PASSWORD_PAGE = "/oto/password"
# What a session with a temporary password may still call: the page where
# the user chooses their own, and signing out.
PASSWORD_CHANGE_PATHS = (PASSWORD_PAGE, "/web/session/logout", "/web/session/destroy")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    def session_info(self):
        """Sellers, store devices and managers land on the Oto app (their
        day) after signing in, unless their user has a home action of its
        own. The ERP's administrators (Settings) keep Odoo's home."""
        info = super().session_info()
        user = self.env.user
        if (
            not info.get("home_action_id")
            and user._is_internal()
            and user.has_group("oto_crm.oto_crm_group_seller")
            and not user.has_group("base.group_system")
        ):
            action = self.env.ref(
                "oto_crm.oto_crm_action_my_day", raise_if_not_found=False
            )
            info["home_action_id"] = action.id if action else False
        return info

    @classmethod
    def _authenticate(cls, endpoint):
        result = super()._authenticate(endpoint)
        cls._oto_enforce_password_change(endpoint)
        return result

    @classmethod
    def _oto_must_change_password(cls):
        uid = request.session.uid
        return bool(
            uid and request.env["res.users"].sudo().browse(uid).oto_password_temporary
        )

    @classmethod
    def _oto_enforce_password_change(cls, endpoint):
        """A user signed in with a temporary password (given by someone
        else) does nothing before choosing their own: every authenticated
        call is refused (JSON-RPC) or sent to the password page (web pages),
        and public pages see them as a visitor."""
        auth = endpoint.routing["auth"]
        if (
            auth == "none"
            or request.httprequest.path in PASSWORD_CHANGE_PATHS
            or not cls._oto_must_change_password()
        ):
            return
        if auth == "public":
            request.update_env(user=request.env.ref("base.public_user").id)
            return
        if endpoint.routing["type"] == "json":
            user = request.env.user
            raise AccessDenied(
                user.with_context(lang=user.lang).env._(
                    "Your password was given to you by someone else: choose your "
                    "own at %(page)s before you go on.",
                    page=PASSWORD_PAGE,
                )
            )
        werkzeug.exceptions.abort(request.redirect(PASSWORD_PAGE))

    @classmethod
    def _handle_error(cls, exception):
        # The opportunity API answers JSON, whatever went wrong.
        from ..controllers.api import error_response, is_api_request

        if is_api_request():
            return error_response(exception)
        return super()._handle_error(exception)

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
