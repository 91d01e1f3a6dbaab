# Copyright 2026 Oto CRM for Odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import WhatsappCommon


@tagged("post_install", "-at_install", "oto_crm_whatsapp")
class TestWhatsappTemplates(WhatsappCommon):
    def test_lifecycle_submit_approve_and_back_to_draft(self):
        template = self._template()
        self.assertEqual(template.status, "draft")
        template.action_submit()
        self.assertEqual(template.status, "pending")
        self.assertTrue(template.meta_id)
        # Meta received it with the positional example values.
        remote = self.account._client().list_templates(self.account.business_account_id)
        self.assertEqual([t["name"] for t in remote], ["nova_colecao"])
        with self.assertRaises(UserError):
            template.action_submit()
        # The review comes back by webhook.
        status = self._hook(
            "post_template_status",
            "nova_colecao",
            "pt_BR",
            "APPROVED",
            template_id=template.meta_id,
        )
        self.assertEqual(status, 200)
        self.assertEqual(template.status, "approved")
        # A change of content: back to draft, approved again before use.
        template.body = "Oi {{1}}! Novidades em {{2}}."
        self.assertEqual(template.status, "draft")
        self.assertIn("back to draft", template.message_ids[0].body)
        # Not the content: stays.
        template.action_submit()
        template._apply_meta("APPROVED")
        template.allow_multi = True
        self.assertEqual(template.status, "approved")
        self._hook(
            "post_template_status",
            "nova_colecao",
            "pt_BR",
            "REJECTED",
            reason="INVALID_FORMAT",
            template_id=template.meta_id,
        )
        self.assertEqual(template.status, "rejected")
        self.assertEqual(template.rejection_reason, "INVALID_FORMAT")

    def test_sync_reads_status_from_meta(self):
        template = self._template()
        template.action_submit()
        self.graph.templates[template.meta_id]["status"] = "APPROVED"
        self.graph.templates[template.meta_id]["quality_score"] = {"score": "YELLOW"}
        template.action_sync()
        self.assertEqual((template.status, template.quality), ("approved", "yellow"))

    def test_allow_multi_adds_and_removes_the_list_action(self):
        template = self._template(allow_multi=True)
        action = template.action_id
        self.assertTrue(action)
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.binding_view_types, "list,form")
        template.allow_multi = False
        self.assertFalse(action.exists())
        self.assertFalse(template.action_id)

    def test_bad_templates_are_refused(self):
        for values in (
            {"name": "Nova Coleção"},
            {"body": "Oi {{1}} {{3}}"},
            {"body": "Oi {{nome}}"},
            {"phone_field": "telefone"},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    self._template(**values)
        with self.assertRaises(ValidationError), self.env.cr.savepoint():
            self._template(
                variable_ids=[(0, 0, {"name": "1", "field_path": "no_such_field"})],
                body="Oi {{1}}",
            )

    def test_meta_refusal_is_a_clear_error(self):
        template = self._template()
        self.graph.fail_next_templates = [(400, 100, "Invalid parameter")]
        with self.assertRaises(UserError) as caught:
            template.action_submit()
        self.assertIn("nova_colecao", str(caught.exception))
        self.assertEqual(template.status, "draft")
