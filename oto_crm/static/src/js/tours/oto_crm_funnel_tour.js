/** @odoo-module **/
// The funnel of subjects and Odoo's pipeline side by side (run by
// tests/test_funnel_ui.py): each pipeline shows its own stages, never both.
import { registry } from "@web/core/registry";

const FUNNEL = ["Prospecting", "Contact made", "Proposal presented", "Negotiation"];
const ODOO = ["New", "Qualified", "Proposition", "Won"];

function columns(shown, hidden) {
    return [
        ...shown.map((name) => ({
            content: `The pipeline shows ${name}`,
            trigger: `.o_kanban_renderer .o_column_title:contains(${name})`,
        })),
        {
            content: `... and none of ${hidden.join(", ")}`,
            trigger: `.o_kanban_renderer:not(:has(${hidden
                .map((name) => `.o_column_title:contains(${name})`)
                .join(", ")}))`,
        },
    ];
}

function statusbar(shown, hidden) {
    return [
        ...shown.map((name) => ({
            content: `The subject's stages include ${name}`,
            trigger: `.o_statusbar_status button:contains(${name})`,
        })),
        {
            content: `... and none of ${hidden.join(", ")}`,
            trigger: `.o_statusbar_status:not(:has(${hidden
                .map((name) => `button:contains(${name})`)
                .join(", ")}))`,
        },
    ];
}

registry.category("web_tour.tours").add("oto_crm_funnel_tour", {
    steps: () => [
        ...columns(FUNNEL, ODOO),
        {
            content: "Open a subject of the funnel",
            trigger: ".o_kanban_record:contains(Uniformes do buffet)",
            run: "click",
        },
        ...statusbar(FUNNEL, ODOO),
        {
            content: "Move it to Contact made",
            trigger: ".o_statusbar_status button:contains(Contact made)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Contact made)",
        },
        {
            content: "Its customer's figures are not for a Sales user without Oto role",
            trigger: ".o_form_view:not(:has(button[name=action_oto_view_purchases]))",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_odoo_pipeline_tour", {
    steps: () => [
        ...columns(["New", "Qualified", "Proposition"], FUNNEL),
        {
            content: "Open a lead of Odoo's pipeline",
            trigger: ".o_kanban_record:contains(Mesas para o escritório)",
            run: "click",
        },
        ...statusbar(["New", "Qualified", "Proposition"], FUNNEL),
        {
            content: "Nothing of the funnel on it",
            trigger:
                ".o_form_view:not(:has(button[name=action_oto_whatsapp], .o_field_widget[name=oto_last_interaction]))",
        },
        {
            content: "Win it",
            trigger: ".o_statusbar_status button:contains(Won)",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Won)",
        },
    ],
});
