# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.exceptions import AccessDenied, UserError
from odoo.http import request
from odoo.service import security

from odoo.addons.web.controllers.home import Home

from ..models.ir_http import PASSWORD_PAGE
from .webmanifest import offline_login

# The header naming the login whose app the service worker keeps for
# opening offline (static/src/service_worker_offline.js).
OFFLINE_HEADER = "X-Oto-Offline"


def _must_change_password():
    uid = request.session.uid
    return (
        bool(uid) and request.env["res.users"].sudo().browse(uid).oto_password_temporary
    )


class OtoHome(Home):
    @http.route()
    def web_client(self, s_action=None, **kw):
        # A temporary password is changed before the app opens.
        if _must_change_password():
            return request.redirect(PASSWORD_PAGE)
        response = super().web_client(s_action=s_action, **kw)
        if response.status_code == 200 and request.session.uid:
            login = offline_login()
            if login:
                response.headers[OFFLINE_HEADER] = login
        return response


class OtoPassword(http.Controller):
    @http.route(PASSWORD_PAGE, type="http", auth="user", methods=["GET", "POST"])
    def oto_password(self, **post):
        values = {"error": False}
        if request.httprequest.method == "POST":
            new = post.get("new_password") or ""
            if new != post.get("confirm_password"):
                values["error"] = request.env._("The two new passwords differ.")
            else:
                try:
                    request.env.user.change_password(post.get("old_password"), new)
                except AccessDenied:
                    values["error"] = request.env._(
                        "The current password is not right."
                    )
                except UserError as exc:
                    values["error"] = exc.args[0]
                else:
                    # The session stays valid with the new password.
                    request.session.session_token = security.compute_session_token(
                        request.session, request.env
                    )
                    return request.redirect("/odoo")
        elif not _must_change_password():
            return request.redirect("/odoo")
        return request.render("oto_crm.oto_password_page", values)
