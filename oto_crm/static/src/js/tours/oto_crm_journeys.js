/** @odoo-module **/
// The day of each login of the README, on the demo brand, on a 390x844
// phone (run by tests/test_journeys.py): what each person comes for, tapped
// as a person taps. The screenshots of the README are taken on the way.
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

const tours = registry.category("web_tour.tours");

/** A picture for the README (the test saves it when asked to), without
 * the notifications of the steps before. */
export function screenshot(name) {
    return [
        {
            content: `Screenshot ${name}: the notifications closed first`,
            trigger: "body",
            run() {
                document.querySelectorAll(".o_notification .o_notification_close").forEach(
                    (button) => button.click()
                );
            },
        },
        {
            content: `Screenshot ${name}`,
            trigger: "body:not(:has(.o_notification))",
            run() {
                delete document.body.dataset.otoShot;
                console.log(`oto-screenshot:${name}`);
            },
        },
        { content: `Screenshot ${name} taken`, trigger: `body[data-oto-shot='${name}']` },
    ];
}

/** Counts the taps from here on; the links to WhatsApp, SMS and calls are
 * kept (no other app in the test browser). */
function startCounting() {
    return {
        content: "Count the taps; keep the links to other apps",
        trigger: ".o_oto_my_day",
        run() {
            window.otoTaps = 0;
            window.otoOpened = [];
            document.addEventListener(
                "click",
                (ev) => {
                    if (ev.target.closest(".o_oto_my_day")) {
                        window.otoTaps++;
                    }
                },
                true
            );
            const { browser } = odoo.loader.modules.get("@web/core/browser/browser");
            browser.open = (url) => window.otoOpened.push(url);
        },
    };
}

function assertTaps(most) {
    return {
        content: `At most ${most} taps from the list to the recorded outcome`,
        trigger: "body",
        run() {
            if (window.otoTaps > most) {
                throw new Error(`${window.otoTaps} taps, more than ${most}`);
            }
        },
    };
}

function assertNoWiderThanThePhone() {
    return {
        content: "Nothing wider than the phone",
        trigger: "body",
        run() {
            const width = document.documentElement.scrollWidth;
            const manager = document.querySelector(".o_action_manager");
            if (width > window.innerWidth || manager.scrollWidth > manager.clientWidth) {
                throw new Error(`The page is ${width}px wide in ${window.innerWidth}px`);
            }
        },
    };
}

/** The list shown is the seller's day as the server gives it. */
function assertListIsTheServersDay() {
    return {
        content: "The campaigns shown are the seller's, with their counts",
        trigger: ".o_oto_group",
        async run() {
            const day = await rpc("/web/dataset/call_kw/oto.suggestion/get_seller_day", {
                model: "oto.suggestion",
                method: "get_seller_day",
                args: [],
                kwargs: {},
            });
            const shown = [...document.querySelectorAll(".o_oto_group")].map((el) =>
                el.dataset.key
            );
            const served = day.groups.map((g) => g.key);
            if (!served.length || JSON.stringify(shown) !== JSON.stringify(served)) {
                throw new Error(`Shown ${shown}, the seller's day has ${served}`);
            }
            if (!day.groups.some((g) => g.open)) {
                throw new Error("No customer to contact in the seller's day");
            }
        },
    };
}

/** Campaign, customer, WhatsApp, outcome: four taps. */
function workFirstSuggestion(shots) {
    return [
        startCounting(),
        assertListIsTheServersDay(),
        ...(shots ? screenshot("my-day-phone") : []),
        {
            content: "Tap 1: the first campaign",
            trigger: ".o_oto_group:not([data-open='0'])",
            run: "click",
        },
        ...(shots ? screenshot("my-day-campaign-phone") : []),
        {
            content: "Each card says the opportunity's type",
            trigger: ".o_oto_suggestion:not(.o_oto_worked) .o_oto_type",
            run() {
                const cards = document.querySelectorAll(".o_oto_suggestion");
                const typed = document.querySelectorAll(".o_oto_suggestion .o_oto_type");
                if (!cards.length || typed.length !== cards.length) {
                    throw new Error(`${typed.length} of ${cards.length} cards say their type`);
                }
            },
        },
        {
            content: "Tap 2: the first customer to contact",
            trigger: ".o_oto_suggestion:not(.o_oto_worked)",
            run(helpers) {
                window.otoCustomer = this.anchor.dataset.id;
                return helpers.click();
            },
        },
        {
            content: "What to offer comes from the recommendations",
            trigger: ".o_oto_products .o_oto_product",
        },
        ...(shots ? screenshot("my-day-customer-phone") : []),
        {
            content: "Tap 3: WhatsApp, with the message",
            trigger: "a.o_oto_channel_whatsapp",
            run: "click",
        },
        {
            content: "WhatsApp opened with the customer's number and the message",
            trigger: ".o_oto_outcome_panel",
            run() {
                const url = window.otoOpened.at(-1) || "";
                if (!/^https:\/\/wa\.me\/55\d{10,11}\?text=./.test(url)) {
                    throw new Error(`WhatsApp was opened with ${url}`);
                }
            },
        },
        ...(shots ? screenshot("my-day-outcome-phone") : []),
        {
            content: "Tap 4, back from WhatsApp: the outcome",
            trigger: ".o_oto_outcome_positive",
            run: "click",
        },
        {
            content: "The contact is recorded: the customer is done, with its outcome",
            trigger: ".o_oto_suggestion.o_oto_worked .o_oto_outcome",
            run() {
                const worked = document.querySelector(
                    `.o_oto_suggestion[data-id='${window.otoCustomer}']`
                );
                if (!worked?.classList.contains("o_oto_worked")) {
                    throw new Error("The customer contacted is not shown as done");
                }
            },
        },
        assertTaps(4),
        assertNoWiderThanThePhone(),
    ];
}

tours.add("oto_crm_journey_seller", {
    steps: () => [
        {
            content: "Ana lands on her day after signing in",
            trigger: ".o_oto_my_day .o_oto_header .o_oto_subtitle:contains(Ana Souza)",
        },
        ...workFirstSuggestion(true),
        // A customer of her wallet, on her own initiative.
        {
            content: "Her wallet, on the phone",
            trigger: ".o_oto_tab_wallet",
            run: "click",
        },
        {
            trigger: ".o_oto_wallet_customer",
            run() {
                const name = this.anchor.querySelector(".fw-bold").textContent.trim();
                window.otoSearch = name.split(" ")[0];
            },
        },
        {
            content: "Searched by name: only the customers of that name",
            trigger: "input.o_oto_wallet_search",
            async run(helpers) {
                await helpers.edit(window.otoSearch);
                const names = () =>
                    [...document.querySelectorAll(".o_oto_wallet_customer .fw-bold")].map(
                        (el) => el.textContent
                    );
                for (let wait = 0; wait < 50; wait++) {
                    await new Promise((resolve) => setTimeout(resolve, 100));
                    const found = names();
                    if (found.length && found.every((n) => n.includes(window.otoSearch))) {
                        return;
                    }
                }
                throw new Error(`Searched ${window.otoSearch}, found ${names()}`);
            },
        },
        ...screenshot("wallet-phone"),
        {
            content: "The customer's profile on the phone (not the back office's form)",
            trigger: ".o_oto_wallet_customer",
            run: "click",
        },
        {
            trigger: ".o_oto_profile .o_oto_contact_start",
            run() {
                window.otoContacts = document.querySelectorAll(".o_oto_contacts .o_oto_contact").length;
            },
        },
        ...screenshot("my-day-profile-phone"),
        {
            content: "Her message by WhatsApp (or SMS, a call, in person)",
            trigger:
                ".o_oto_contact_start a.o_oto_channel_whatsapp, .o_oto_contact_start a.o_oto_channel_sms, .o_oto_contact_start a.o_oto_channel_call, .o_oto_contact_start .o_oto_record_contact",
            run: "click",
        },
        {
            trigger: ".o_oto_outcome_neutral",
            run: "click",
        },
        {
            content: "The contact is in the customer's past contacts",
            trigger: ".o_oto_profile .o_oto_contact_start",
            run() {
                const now = document.querySelectorAll(".o_oto_contacts .o_oto_contact").length;
                if (now !== window.otoContacts + 1) {
                    throw new Error(`${window.otoContacts} contacts before, ${now} after`);
                }
            },
        },
        // Her code, her results, a past day.
        {
            trigger: ".o_oto_tab_me",
            run: "click",
        },
        {
            content: "Her code, QR and link",
            trigger: ".o_oto_my_code .o_oto_code:contains(SP01-ANA)",
        },
        { trigger: ".o_oto_my_code img.o_oto_my_qr" },
        { trigger: ".o_oto_my_code a.o_oto_my_link[href*='SP01-ANA']" },
        {
            content: "Her results as cards, in reais",
            trigger: ".o_oto_my_results .o_oto_kpi_revenue .o_oto_kpi_value",
            run() {
                if (!/^R\$\s[\d.]+,\d{2}$/.test(this.anchor.textContent.trim())) {
                    throw new Error(`Revenue shown as ${this.anchor.textContent}`);
                }
            },
        },
        assertNoWiderThanThePhone(),
        ...screenshot("me-phone"),
        {
            content: "Past days: only the days that had suggestions are offered, with their counts (or it says there were none)",
            trigger: ".o_oto_past:has(select.o_oto_past_day, .o_oto_no_past_days)",
            async run() {
                const select = this.anchor.querySelector("select.o_oto_past_day");
                if (!select) {
                    return;
                }
                const options = [...select.options].filter((option) => option.value);
                if (!options.length || !options.every((o) => o.textContent.split("·").length === 3)) {
                    throw new Error(`Past days offered: ${options.map((o) => o.textContent)}`);
                }
                select.value = options[0].value;
                select.dispatchEvent(new Event("change"));
                for (let wait = 0; wait < 100; wait++) {
                    if (this.anchor.querySelector(".o_oto_past_group")) {
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                throw new Error("The past day chosen shows no suggestion");
            },
        },
    ],
});

tours.add("oto_crm_journey_manager", {
    steps: () => [
        {
            content: "Marcos lands on his store's home: sales from contacts in reais",
            trigger: ".o_oto_manager_home .o_oto_store_revenue",
            run() {
                if (!/^R\$\s[\d.]+,\d{2}$/.test(this.anchor.textContent.trim())) {
                    throw new Error(`The store's revenue is shown as ${this.anchor.textContent}`);
                }
            },
        },
        { trigger: ".o_oto_header .o_oto_title:contains(Aurora Jardins)" },
        {
            content: "The team, with what the manager does for them",
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Diego Santos) .o_oto_unlock",
        },
        assertNoWiderThanThePhone(),
        ...screenshot("manager-home-phone"),
        {
            content: "Diego is locked out: unlocked from home",
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Diego Santos) .o_oto_unlock",
            run: "click",
        },
        {
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Diego Santos):not(:has(.o_oto_unlock))",
        },
        {
            content: "Camila forgot her PIN: a new one",
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Camila Ferreira) .o_oto_reset_pin",
            run: "click",
        },
        {
            trigger: ".modal .btn-primary",
            run: "click",
        },
        {
            content: "The new PIN, shown once, to share by WhatsApp",
            trigger: ".o_oto_new_pin:contains(Camila Ferreira) .o_oto_new_pin_value",
            run() {
                if (!/^\d{6}$/.test(this.anchor.textContent.trim())) {
                    throw new Error(`New PIN shown as ${this.anchor.textContent}`);
                }
            },
        },
        {
            content: "Bruno's day off, recorded from home",
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Bruno Oliveira) .o_oto_days_off",
            run: "click",
        },
        {
            trigger: ".o_oto_days_off_screen .o_oto_day_off_note",
            run: "edit Consulta médica",
        },
        {
            trigger: ".o_oto_add_day_off:enabled",
            run: "click",
        },
        {
            trigger: ".o_oto_days_off_screen .o_oto_day_off:contains(Consulta médica)",
        },
        ...screenshot("days-off-phone"),
        {
            content: "Back: to the team, where Bruno is off today",
            trigger: ".o_oto_back",
            run: "click",
        },
        {
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Bruno Oliveira) .badge.text-bg-info",
        },
        {
            content: "The store's results and the sellers' ranking",
            trigger: ".o_oto_open_results",
            run: "click",
        },
        {
            content: "A screen of the app: its header with the back arrow, and the tabs",
            trigger: ".o_oto_my_day .o_oto_header:has(.o_oto_back) ~ .o_oto_results_screen .o_oto_ranking_row",
        },
        { trigger: ".o_oto_tabs .o_oto_tab_home.active" },
        {
            content: "By opportunity type: what each kind brought, adding up to the revenue",
            trigger: ".o_oto_results_screen .o_oto_types .o_oto_type_row .o_oto_type_revenue",
            run() {
                const money = (text) =>
                    Number(text.replace(/[^\d,-]/g, "").replace(",", ".")) || 0;
                const rows = [...document.querySelectorAll(".o_oto_type_row .o_oto_type_revenue")];
                const sum = rows.reduce((total, el) => total + money(el.textContent), 0);
                const revenue = money(
                    document.querySelector(".o_oto_results_screen .o_oto_kpi_revenue .o_oto_kpi_value")
                        .textContent
                );
                if (!revenue || Math.abs(sum - revenue) > 0.05 * rows.length) {
                    throw new Error(`Types add up to ${sum}, the revenue is ${revenue}`);
                }
            },
        },
        assertNoWiderThanThePhone(),
        ...screenshot("results-phone"),
        {
            content: "One seller's figures",
            trigger: ".o_oto_ranking_row:eq(0)",
            run: "click",
        },
        { trigger: ".o_oto_seller_filter" },
        {
            content: "The sales behind the figures, in reais, as cards that fit the phone",
            trigger: ".o_oto_open_sales",
            run: "click",
        },
        {
            trigger: ".o_oto_sales_amount:contains(R$)",
        },
        assertNoWiderThanThePhone(),
        {
            content: "Back: the seller chosen is still chosen",
            trigger: ".o_oto_back",
            run: "click",
        },
        { trigger: ".o_oto_results_screen .o_oto_seller_filter" },
        {
            content: "Back again: home",
            trigger: ".o_oto_back",
            run: "click",
        },
        { trigger: ".o_oto_manager_home .o_oto_open_results" },
    ],
});

tours.add("oto_crm_journey_admin", {
    steps: () => [
        {
            content: "The brand admin lands on the brand's home: every store's sales from contacts",
            trigger: ".o_oto_manager_home .o_oto_store_select",
        },
        {
            trigger: ".o_oto_manager_home .o_oto_store_revenue",
            run() {
                if (!/^R\$\s[\d.]+,\d{2}$/.test(this.anchor.textContent.trim())) {
                    throw new Error(`The brand's revenue is shown as ${this.anchor.textContent}`);
                }
                window.otoBrandRevenue = this.anchor.textContent;
            },
        },
        assertNoWiderThanThePhone(),
        ...screenshot("admin-home-phone"),
        {
            content: "One store: its figures and its team",
            trigger: ".o_oto_store_select",
            run: "selectByLabel Aurora Ipanema",
        },
        {
            trigger: ".o_oto_home_team .o_oto_team_member:contains(Fernanda Lima)",
        },
        {
            trigger: ".o_oto_home_team:not(:has(.o_oto_team_member:contains(Ana Souza)))",
        },
        {
            trigger: ".o_oto_header .o_oto_title:contains(Aurora Ipanema)",
        },
        {
            content: "The ranking of the store's sellers",
            trigger: ".o_oto_open_results",
            run: "click",
        },
        {
            trigger: ".o_oto_results_screen .o_oto_ranking_row:contains(Aurora Ipanema)",
        },
        assertNoWiderThanThePhone(),
    ],
});

tours.add("oto_crm_journey_store_device", {
    steps: () => [
        {
            content: "The store's device asks who is using it",
            trigger: ".o_oto_pin .o_oto_pin_seller:contains(Bruno Oliveira)",
        },
        ...screenshot("store-device-phone"),
        {
            trigger: ".o_oto_pin_seller:contains(Bruno Oliveira)",
            run: "click",
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
            content: "Bruno's day, with his suggestions",
            trigger: ".o_oto_header .o_oto_subtitle:contains(Bruno Oliveira)",
        },
        ...screenshot("store-device-day-phone"),
        ...workFirstSuggestion(false),
        {
            content: "Bruno hands the device over",
            trigger: ".o_oto_tab_home",
            run: "click",
        },
        {
            trigger: ".o_oto_switch_seller",
            run: "click",
        },
        {
            trigger: ".o_oto_pin .o_oto_pin_seller:contains(Camila Ferreira)",
        },
    ],
});
