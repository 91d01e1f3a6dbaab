/** @odoo-module **/
// Browser tours of the Oto CRM back office (run by tests/test_ui.py).
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("oto_crm_store_and_seller_tour", {
    steps: () => [
        {
            content: "Create a store",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Aurora Tour",
        },
        {
            trigger: ".o_field_widget[name=code] input",
            run: "edit tour1",
        },
        {
            trigger: ".o_field_widget[name=area_codes] input",
            run: "edit 11, 12",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The code is stored in capitals",
            trigger: ".o_form_saved .o_field_widget[name=code] input:value(TOUR1)",
        },
        {
            content: "Open the store's sellers",
            trigger: "button[name=action_view_sellers]",
            run: "click",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Vendedora Tour",
        },
        {
            trigger: ".o_field_widget[name=code] input",
            run: "edit tour-ana",
        },
        {
            content: "The store comes from the context",
            trigger: ".o_field_widget[name=store_id] input:value(Aurora Tour)",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved .o_field_widget[name=code] input:value(TOUR-ANA)",
        },
        {
            content: "A second seller with the same code is refused",
            trigger: ".o_form_button_create",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=name] input",
            run: "edit Outra Vendedora",
        },
        {
            trigger: ".o_field_widget[name=code] input",
            run: "edit TOUR-ANA",
        },
        {
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".modal-body:contains(already used by Vendedora Tour)",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            content: "Back in the store's sellers: only the saved one",
            trigger: ".o_list_renderer:not(:has(.o_data_row:contains(Outra Vendedora)))",
        },
        {
            trigger: ".o_list_renderer .o_data_row:contains(Vendedora Tour)",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_wallet_mobile_tour", {
    steps: () => [
        {
            content: "Only the seller's own wallet, as cards on a phone",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains(Cliente de Outro)))",
        },
        {
            content: "The seller's wallet opens as cards on a phone",
            trigger: ".o_kanban_record:contains(Cliente Carteira)",
            run: "click",
        },
        {
            content: "The customer's form shows the wallet seller",
            trigger: ".o_field_widget[name=oto_seller_id]:contains(Ana Tour)",
        },
        {
            trigger: ".o_field_widget[name=oto_store_id]:contains(Loja Tour)",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_inactivate_seller_tour", {
    steps: () => [
        {
            content: "Open the seller who leaves",
            trigger: ".o_data_cell:contains(Saindo Tour)",
            run: "click",
        },
        {
            content: "Inactivate: the wallet is redistributed",
            trigger: "button[name=action_inactivate]",
            run: "click",
        },
        {
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The seller is inactive",
            trigger: ".o_form_view .ribbon:contains(Inactive)",
        },
        {
            content: "The seller's messages say where the customers went",
            trigger: ".o-mail-Message:contains(Wallet redistributed)",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_my_day_mobile_tour", {
    steps: () => [
        {
            content: "Home: today's campaigns in the brand's order, with counts",
            trigger: ".o_oto_group:eq(0):contains(Recompra Dia):contains(1 to contact)",
        },
        {
            trigger: ".o_oto_group:eq(1):contains(Aniversário Dia)",
        },
        {
            trigger: ".o_oto_group:contains(Recompra Dia)",
            run: "click",
        },
        {
            content: "The campaign's customers in order, with the reason",
            trigger: ".o_oto_suggestion:contains(Cliente Dia):contains(last purchase)",
            run: "click",
        },
        {
            content: "The phone's back button: back one screen, to the campaign",
            trigger: ".o_oto_channels",
            run() {
                history.back();
            },
        },
        {
            trigger: "body:not(:has(.o_oto_channels)) .o_oto_suggestion:contains(Cliente Dia)",
        },
        {
            content: "Back again: the day's campaigns",
            trigger: ".o_oto_suggestion:contains(Cliente Dia)",
            run() {
                history.back();
            },
        },
        {
            trigger: ".o_oto_group:contains(Recompra Dia)",
            run: "click",
        },
        {
            trigger: ".o_oto_suggestion:contains(Cliente Dia)",
            run: "click",
        },
        {
            content: "Only the campaign's channel: WhatsApp, with the customer's number",
            trigger: ".o_oto_channels:not(:has(.o_oto_channel_sms)):not(:has(.o_oto_channel_call)) a.o_oto_channel_whatsapp[href^='https://wa.me/5511987650042?text=Oi%20Cliente']",
        },
        {
            content: "The seller edits the message before sending",
            trigger: "textarea.o_oto_message",
            run: "edit Oi Cliente, chegou a coleção nova!",
        },
        {
            content: "The link carries the edited message; tapping it keeps the edit",
            trigger: "a.o_oto_channel_whatsapp[href*='chegou%20a%20cole%C3%A7%C3%A3o%20nova']",
            run(helpers) {
                // No WhatsApp in the test browser: the app it would open is kept.
                const { browser } = odoo.loader.modules.get("@web/core/browser/browser");
                browser.open = (url) => (window.otoOpened = url);
                return helpers.click();
            },
        },
        {
            content: "WhatsApp opened with the edited message; the outcome waits for the return",
            trigger: ".o_oto_outcome_panel",
            run() {
                if (!window.otoOpened?.includes("chegou%20a%20cole%C3%A7%C3%A3o%20nova")) {
                    throw new Error(`WhatsApp opened with ${window.otoOpened}`);
                }
            },
        },
        {
            content: "Not now: first a look at the customer's profile",
            trigger: ".o_oto_outcome_cancel",
            run: "click",
        },
        {
            content: "The customer's profile: purchases, contacts, notes",
            trigger: ".o_oto_profile_button",
            run: "click",
        },
        {
            trigger: ".o_oto_purchases:contains(Loja Dia)",
        },
        {
            trigger: "textarea.o_oto_note_input",
            run: "edit Veste M, prefere azul",
        },
        {
            trigger: ".o_oto_add_note:enabled",
            run: "click",
        },
        {
            content: "The note is kept on the customer",
            trigger: ".o_oto_notes .o_oto_note_body:contains(Veste M, prefere azul)",
        },
        {
            trigger: ".o_oto_back",
            run: "click",
        },
        {
            content: "Back in the app: record the contact",
            trigger: ".o_oto_record",
            run: "click",
        },
        {
            content: "The outcome, with a note",
            trigger: ".o_oto_outcome_details summary",
            run: "click",
        },
        {
            trigger: "textarea.o_oto_outcome_notes",
            run: "edit Gostou da nova coleção",
        },
        {
            trigger: ".o_oto_outcome_positive",
            run: "click",
        },
        {
            content: "The suggestion is done; the campaign has no one left to contact",
            trigger: ".o_oto_suggestion.o_oto_worked:contains(Cliente Dia):contains(Done)",
        },
        {
            trigger: ".o_oto_back",
            run: "click",
        },
        {
            trigger: ".o_oto_group:contains(Recompra Dia):contains(0 to contact):contains(1 done)",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_results_mobile_tour", {
    steps: () => [
        {
            content: "The store's KPIs with the previous period",
            trigger: ".o_oto_kpi_revenue .o_oto_kpi_value:contains(200)",
        },
        {
            trigger: ".o_oto_kpi_sales .o_oto_kpi_value:contains(1)",
        },
        {
            content: "Conversion: one sale for two customers reached",
            trigger: ".o_oto_kpi_conversion .o_oto_kpi_value:contains(50)",
        },
        {
            content: "The ranking: the seller who sold first, the other second",
            trigger: ".o_oto_ranking_row:eq(0):contains(Rita Resultado) .o_oto_rank:contains(1)",
        },
        {
            trigger: ".o_oto_ranking_row:eq(1):contains(Sara Resultado) .o_oto_rank:contains(2)",
        },
        {
            content: "A tap narrows the figures to that seller",
            trigger: ".o_oto_ranking_row:contains(Sara Resultado)",
            run: "click",
        },
        {
            trigger: ".o_oto_seller_filter:contains(Sara Resultado)",
        },
        {
            trigger: ".o_oto_kpi_revenue .o_oto_kpi_value:not(:contains(200))",
        },
        {
            trigger: ".o_oto_seller_filter .fa-times",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_oto_seller_filter)) .o_oto_kpi_revenue .o_oto_kpi_value:contains(200)",
        },
        {
            content: "This month instead of the last 30 days",
            trigger: ".o_oto_period_month",
            run: "click",
        },
        {
            trigger: ".o_oto_period_month.btn-primary",
        },
        {
            trigger: ".o_oto_period_30d",
            run: "click",
        },
        {
            content: "The sales behind the figures",
            trigger: ".o_oto_period_30d.btn-primary",
        },
        {
            trigger: ".o_oto_open_sales",
            run: "click",
        },
        {
            content: "On a phone, the sales as cards",
            trigger: ".o_kanban_record:contains(Cliente Resultado)",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_store_device_pin_tour", {
    steps: () => [
        {
            content: "The shared device asks who is using it",
            trigger: ".o_oto_pin_seller:contains(Ana Balcão)",
            run: "click",
        },
        {
            content: "Letters are not a PIN: said on the spot, no attempt counted",
            trigger: "input.o_oto_pin_input",
            run: "edit 12ab",
        },
        {
            trigger: ".o_oto_pin_submit:enabled",
            run: "click",
        },
        {
            trigger: ".o_oto_pin_error:contains(numbers only)",
        },
        {
            trigger: "input.o_oto_pin_input",
            run: "edit 0000",
        },
        {
            trigger: ".o_oto_pin_submit:enabled",
            run: "click",
        },
        {
            content: "A wrong PIN says how many attempts are left",
            trigger: ".o_oto_pin_error:contains(attempt(s) left)",
        },
        {
            trigger: "input.o_oto_pin_input",
            run: "edit 2468",
        },
        {
            trigger: ".o_oto_pin_submit:enabled",
            run: "click",
        },
        {
            content: "Ana's day",
            trigger: ".o_oto_header:contains(Ana Balcão)",
        },
        {
            content: "Ana looks at her code",
            trigger: ".o_oto_tab_me",
            run: "click",
        },
        {
            trigger: ".o_oto_code:contains(LB1-ANA)",
        },
        {
            content: "Ana hands the device over",
            trigger: ".o_oto_switch_seller",
            run: "click",
        },
        {
            trigger: ".o_oto_pin_seller:contains(Bruno Balcão)",
            run: "click",
        },
        {
            trigger: "input.o_oto_pin_input",
            run: "edit 135790",
        },
        {
            trigger: ".o_oto_pin_submit:enabled",
            run: "click",
        },
        {
            content: "Bruno's day, from its first screen: nothing of Ana's",
            trigger: ".o_oto_header:contains(Bruno Balcão):not(:contains(Ana Balcão))",
        },
        {
            trigger: "body:not(:has(.o_oto_code))",
        },
        {
            trigger: ".o_oto_tab_me",
            run: "click",
        },
        {
            content: "Bruno's code, not Ana's",
            trigger: ".o_oto_code:contains(LB1-BRU)",
        },
        {
            trigger: "body:not(:contains(LB1-ANA))",
        },
        {
            content: "Bruno leaves the device untouched: after the idle time it asks again who is using it, nothing of Bruno's left",
            trigger: ".o_oto_pin .o_oto_pin_notice",
            timeout: 30000,
        },
        {
            trigger: ".o_oto_pin_seller:contains(Ana Balcão)",
        },
        {
            trigger: "body:not(:has(.o_oto_code)):not(:has(.o_oto_header))",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_team_mobile_tour", {
    steps: () => [
        {
            content: "The manager opens the team",
            trigger: ".o_oto_team_button",
            run: "click",
        },
        {
            trigger: ".o_oto_team_member:contains(Carla Equipe):contains(Locked) .o_oto_unlock",
            run: "click",
        },
        {
            content: "Unlocked",
            trigger: ".o_oto_team_member:contains(Carla Equipe):not(:contains(Locked))",
        },
        {
            trigger: ".o_oto_team_member:contains(Carla Equipe) .o_oto_reset_pin",
            run: "click",
        },
        {
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "The new PIN, shown once, with a copy button and a WhatsApp link",
            trigger: ".o_oto_new_pin:contains(Carla Equipe) a[href^='https://wa.me/5511987650301']",
        },
        {
            trigger: ".o_oto_team_member:contains(Davi Equipe) .o_oto_inactivate",
            run: "click",
        },
        {
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "Davi is inactive; his customers went to Carla",
            trigger: ".o_oto_team_member:contains(Davi Equipe):contains(Inactive) .o_oto_activate",
        },
        {
            trigger: ".o_oto_team_member:contains(Carla Equipe):contains(2 customers)",
        },
    ],
});

registry.category("web_tour.tours").add("oto_crm_bad_input_mobile_tour", {
    steps: () => [
        {
            content: "No other app in the test browser: the links are kept",
            trigger: ".o_oto_group:contains(Ruído)",
            run(helpers) {
                const { browser } = odoo.loader.modules.get("@web/core/browser/browser");
                window.otoOpened = [];
                browser.open = (url) => window.otoOpened.push(url);
                return helpers.click();
            },
        },
        // The connection drops after the server recorded the contact, before
        // its answer: the contact is kept on the phone with its key and sent
        // again when the connection is back, recorded once.
        {
            trigger: ".o_oto_suggestion:contains(Cliente Perdida)",
            run: "click",
        },
        {
            trigger: "a.o_oto_channel_whatsapp",
            run: "click",
        },
        {
            content: "The answer to the save is lost on the way back",
            trigger: ".o_oto_outcome_positive",
            run(helpers) {
                const { rpc, ConnectionLostError } = odoo.loader.modules.get(
                    "@web/core/network/rpc"
                );
                const original = rpc._rpc;
                rpc._rpc = function (url, params, settings) {
                    const call = original.call(this, url, params, settings);
                    if (!url.includes("oto_record_outcome")) {
                        return call;
                    }
                    rpc._rpc = original;
                    const lost = call.then(() => {
                        throw new ConnectionLostError(url);
                    });
                    lost.abort = call.abort;
                    return lost;
                };
                return helpers.click();
            },
        },
        {
            content: "Said plainly: no connection, the contact waits on the phone",
            trigger: ".o_oto_offline",
        },
        {
            content: "Back online (the phone asks again by itself): sent, recorded once",
            trigger:
                "body:not(:has(.o_oto_offline)) .o_oto_suggestion.o_oto_worked:contains(Cliente Perdida)",
            timeout: 30000,
        },
        // Two quick taps on an outcome.
        {
            trigger: ".o_oto_suggestion:not(.o_oto_worked):contains(Cliente Dupla)",
            run: "click",
        },
        {
            trigger: ".o_oto_record",
            run: "click",
        },
        {
            content: "Recorded without opening WhatsApp here: the seller says how they talked",
            trigger: ".o_oto_outcome_channel_choice .o_oto_outcome_channel_call",
            run: "click",
        },
        {
            content: "Tapped twice at once",
            trigger: ".o_oto_outcome_neutral",
            run() {
                this.anchor.click();
                this.anchor.click();
            },
        },
        {
            trigger: ".o_oto_suggestion.o_oto_worked:contains(Cliente Dupla)",
        },
        // The customer opts out while the seller reads the message.
        {
            trigger: ".o_oto_suggestion:not(.o_oto_worked):contains(Cliente Saiu)",
            run: "click",
        },
        {
            content: "Meanwhile the customer asked not to get WhatsApp messages",
            trigger: "a.o_oto_channel_whatsapp",
            async run(helpers) {
                const { rpc } = odoo.loader.modules.get("@web/core/network/rpc");
                const [partner] = await rpc("/web/dataset/call_kw/res.partner/search", {
                    model: "res.partner",
                    method: "search",
                    args: [[["name", "=", "Cliente Saiu"]]],
                    kwargs: {},
                });
                await rpc("/web/dataset/call_kw/res.partner/write", {
                    model: "res.partner",
                    method: "write",
                    args: [[partner], { oto_optout_whatsapp: true }],
                    kwargs: {},
                });
                window.otoOpened = [];
                return helpers.click();
            },
        },
        {
            content: "Refused with the reason; WhatsApp is not opened",
            trigger: ".o_notification:contains(cannot be contacted by WhatsApp)",
            run() {
                if (window.otoOpened.length) {
                    throw new Error(`WhatsApp was opened: ${window.otoOpened}`);
                }
            },
        },
        {
            content: "Still on the customer, no outcome asked; WhatsApp no longer offered",
            trigger:
                "body:not(:has(.o_oto_outcome_panel)):not(:has(a.o_oto_channel_whatsapp)) .o_oto_record",
        },
    ],
});
