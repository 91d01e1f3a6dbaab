# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

SECTIONS = [
    ("start", "Getting started"),
    ("day", "Your day"),
    ("whatsapp", "WhatsApp etiquette"),
    ("data", "Data quality"),
    ("wallet", "Wallet and suggestions"),
    ("faq", "Frequently asked questions"),
]


class OtoHelpArticle(models.Model):
    """The help centre inside the seller's app (seed 000): best practices
    and frequently asked questions, in the user's language, searched on the
    phone (also without a connection: the phone keeps them)."""

    _name = "oto.help.article"
    _description = "Help article of the Oto app"
    _order = "sequence, id"

    name = fields.Char(string="Question or title", required=True, translate=True)
    section = fields.Selection(SECTIONS, required=True, default="faq", index=True)
    body = fields.Text(
        required=True,
        translate=True,
        help="Plain text; an empty line starts a new paragraph.",
    )
    keywords = fields.Char(
        translate=True, help="Other words people search for this article with."
    )
    company_id = fields.Many2one(
        "res.company",
        string="Brand",
        index=True,
        help="The brand whose sellers read it, written by its admins; empty: "
        "the help shipped with Oto, read by every brand, written by the "
        "system administrators.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    @api.model
    def get_help(self):
        """The articles the phone shows, section by section, in the user's
        language."""
        labels = dict(self._fields["section"]._description_selection(self.env))
        articles = self.search([])
        return {
            "sections": [
                {"key": key, "name": labels[key]}
                for key, _label in SECTIONS
                if any(a.section == key for a in articles)
            ],
            "articles": [
                {
                    "id": article.id,
                    "section": article.section,
                    "name": article.name,
                    "body": article.body,
                    "keywords": article.keywords or "",
                }
                for article in articles
            ],
        }
