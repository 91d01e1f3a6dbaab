/** @odoo-module **/
// The Oto app on a 390x844 phone (run by tests/test_phone_journeys.py, on
// the demo brand): installable, offline with the network cut, the morning
// notification turned on, Face ID (a passkey on Chromium's virtual
// authenticator), the help centre. What only DevTools can do (cut the
// network, grant a permission, ask whether the app is installable) the
// test does when the tour asks ("oto-command:NAME").
import { registry } from "@web/core/registry";
import { screenshot } from "@oto_crm/js/tours/oto_crm_journeys";

const tours = registry.category("web_tour.tours");

/** The test runs ``name`` in DevTools; the answer, if any, is kept in
 * ``window.otoAnswer``. */
function command(name) {
    return [
        {
            content: `DevTools: ${name}`,
            trigger: "body",
            run() {
                delete document.body.dataset.otoCommand;
                console.log(`oto-command:${name}`);
            },
        },
        {
            content: `DevTools: ${name} done`,
            trigger: `body[data-oto-command='${name}']`,
            run() {
                window.otoAnswer = JSON.parse(document.body.dataset.otoAnswer || "null");
            },
        },
    ];
}

function assertPhoneWidth() {
    return {
        content: "A phone's screen, nothing wider",
        trigger: "body",
        run() {
            if (window.innerWidth !== 390) {
                throw new Error(`The screen is ${window.innerWidth}px wide, not 390`);
            }
            if (document.documentElement.scrollWidth > window.innerWidth) {
                throw new Error("The page is wider than the phone");
            }
        },
    };
}

const onMyDay = {
    content: "Ana's day",
    trigger: ".o_oto_my_day .o_oto_header .o_oto_subtitle:contains(Ana Souza)",
};

tours.add("oto_crm_phone_install", {
    steps: () => [
        onMyDay,
        assertPhoneWidth(),
        {
            content: "The page links the web app manifest: Oto, opening on My day",
            trigger: "body",
            async run() {
                const link = document.querySelector("head link[rel='manifest']");
                const manifest = await (await fetch(link.href, { credentials: "include" })).json();
                if (manifest.name !== "Oto" || manifest.start_url !== "/odoo/my-day") {
                    throw new Error(`Manifest: ${JSON.stringify(manifest)}`);
                }
                const start = await fetch(manifest.start_url, { credentials: "include" });
                if (!start.ok) {
                    throw new Error(`The start page answers ${start.status}`);
                }
            },
        },
        {
            content: "Odoo's service worker runs the page",
            trigger: "body",
            async run() {
                const registration = await navigator.serviceWorker.ready;
                if (!registration.active || registration.scope !== `${location.origin}/odoo`) {
                    throw new Error(`Service worker: ${registration.scope}`);
                }
                document.body.dataset.otoWorker = "ready";
            },
        },
        { content: "Service worker ready", trigger: "body[data-oto-worker='ready']" },
        ...command("installable"),
        {
            content: "Chromium: installable, nothing missing",
            trigger: "body",
            run() {
                const answer = window.otoAnswer;
                if (!answer || answer.errors.length) {
                    throw new Error(`Not installable: ${JSON.stringify(answer)}`);
                }
                if (!answer.manifest.endsWith("/web/manifest.webmanifest")) {
                    throw new Error(`Manifest read: ${answer.manifest}`);
                }
            },
        },
        {
            content: "The Me tab",
            trigger: ".o_oto_tab_me",
            run: "click",
        },
        {
            content: "This phone's settings",
            trigger: ".o_oto_this_phone .o_oto_install",
            run() {
                document.querySelector(".o_oto_this_phone").scrollIntoView({ block: "center" });
            },
        },
        { trigger: ".o_oto_passkey_button" },
        { trigger: ".o_oto_morning_push_toggle" },
        ...screenshot("phone-this-phone"),
        // The help centre, from the header of any screen.
        {
            content: "Help, from the header",
            trigger: ".o_oto_header .o_oto_help_button",
            run: "click",
        },
        {
            content: "Searched without accents",
            trigger: "input.o_oto_help_search",
            run: "edit quarentena",
        },
        {
            content: "Only the articles with the word",
            trigger: ".o_oto_help_article:contains(O que é a quarentena?)",
            run() {
                const names = [...document.querySelectorAll(".o_oto_help_article")].map((el) =>
                    el.textContent.trim()
                );
                if (!names.length || names.length > 4) {
                    throw new Error(`Found: ${names}`);
                }
            },
        },
        {
            content: "A word as one says it: the singular finds the plural",
            trigger: "input.o_oto_help_search",
            run: "edit sugestao",
        },
        { trigger: ".o_oto_help_section:contains(Carteira e sugestões) .o_oto_help_article" },
        {
            trigger: "input.o_oto_help_search",
            run: "edit whatsapp",
        },
        { trigger: ".o_oto_help_section:contains(Boas práticas no WhatsApp)" },
        ...screenshot("phone-help"),
        {
            trigger: ".o_oto_help_article:contains(Espelhamento e nada de textão)",
            run: "click",
        },
        {
            content: "The article, in Portuguese",
            trigger: ".o_oto_help_body .o_oto_help_title:contains(Espelhamento e nada de textão)",
        },
        { trigger: ".o_oto_help_body p:contains(áudio para áudio)" },
        ...screenshot("phone-help-article"),
        { content: "Back to the help", trigger: ".o_oto_back", run: "click" },
        { content: "Back to Me", trigger: ".o_oto_help_search" },
        { trigger: ".o_oto_back", run: "click" },
        { content: "Back where the seller was", trigger: ".o_oto_this_phone" },
        assertPhoneWidth(),
    ],
});

function recordNext(outcome, count, remember) {
    const waiting = count === 1 ? "1 contato" : count + " contatos";
    return [
        {
            content: "The next customer to contact",
            trigger: ".o_oto_suggestion:not(.o_oto_worked)",
            run(helpers) {
                if (remember) {
                    window[remember] = this.anchor.dataset.id;
                }
                return helpers.click();
            },
        },
        {
            content: "Record the contact",
            trigger: ".o_oto_record",
            run: "click",
        },
        {
            content: "No channel opened here: the seller says how they talked (a call)",
            trigger: ".o_oto_outcome_channel_choice .o_oto_outcome_channel_call",
            run: "click",
        },
        {
            content: `Outcome: ${outcome}`,
            trigger: `.o_oto_outcome_${outcome}`,
            run: "click",
        },
        {
            content: `${count} contacts wait on the phone`,
            trigger: `.o_oto_offline:contains(${waiting})`,
        },
        {
            content: "Shown as recorded, waiting to be sent",
            trigger: ".o_oto_suggestion.o_oto_worked:contains(Aguardando envio)",
        },
    ];
}

tours.add("oto_crm_phone_offline", {
    steps: () => [
        onMyDay,
        {
            content: "Today's customers are kept on the phone",
            trigger: ".o_oto_my_day[data-oto-kept='profiles']",
        },
        ...command("offline"),
        {
            content: "The first campaign with customers to contact",
            trigger: ".o_oto_group:not([data-open='0'])",
            run: "click",
        },
        ...recordNext("positive", 1, "otoFirst"),
        ...recordNext("no_answer", 2, "otoSecond"),
        ...recordNext("neutral", 3, "otoThird"),
        {
            content: "A customer's profile, as kept on the phone",
            trigger: ".o_oto_suggestion.o_oto_worked",
            run: "click",
        },
        { trigger: ".o_oto_profile_button", run: "click" },
        { content: "Offline, from the phone", trigger: ".o_oto_profile .o_oto_profile_kept" },
        { trigger: ".o_oto_profile .o_oto_purchases" },
        ...screenshot("phone-offline"),
        { trigger: ".o_oto_back", run: "click" },
        { trigger: ".o_oto_back", run: "click" },
        {
            content: "The manager gives the third customer to another seller meanwhile",
            trigger: ".o_oto_suggestion",
            run() {
                console.log(`oto-command:reassign-${window.otoThird}`);
            },
        },
        {
            trigger: "body[data-oto-command^='reassign-']",
        },
        ...command("online"),
        {
            content: "Back online: sent, the one that could not apply says why",
            trigger: ".o_oto_sync_failed:contains(outro vendedor)",
        },
        {
            content: "Nothing waits any more",
            trigger: "body:not(:has(.o_oto_offline)):not(:has(.o_oto_sync_pending))",
        },
        {
            content: "The two others are recorded on the server's day",
            trigger: ".o_oto_suggestion.o_oto_worked",
            run() {
                for (const id of [window.otoFirst, window.otoSecond]) {
                    const card = document.querySelector(`.o_oto_suggestion[data-id='${id}']`);
                    if (!card || card.textContent.includes("Aguardando envio")) {
                        throw new Error(`Suggestion ${id} is not recorded on the server's day`);
                    }
                }
                if (document.querySelector(`.o_oto_suggestion[data-id='${window.otoThird}']`)) {
                    throw new Error("The reassigned customer is still in the list");
                }
            },
        },
        ...screenshot("phone-synced"),
        assertPhoneWidth(),
    ],
});

tours.add("oto_crm_phone_push", {
    steps: () => [
        onMyDay,
        { content: "The Me tab", trigger: ".o_oto_tab_me", run: "click" },
        ...command("grant-notifications"),
        {
            content: "The morning notification, turned on",
            trigger: ".o_oto_morning_push_toggle:not(:checked)",
            run: "click",
        },
        {
            content: "Turned on for this seller",
            trigger: ".o_notification:contains(Toda manhã este celular)",
        },
        {
            content: "This browser's subscription tried (headless Chromium has no push service)",
            trigger: ".o_oto_morning_push_toggle:checked:not(:disabled)",
            timeout: 30000,
            run() {
                this.anchor.scrollIntoView({ block: "center" });
            },
        },
        ...screenshot("phone-push"),
    ],
});

tours.add("oto_crm_phone_passkey", {
    steps: () => [
        {
            content: "Ana signs in with her password, once",
            trigger: "form.oe_login_form input[name='login']",
            run: "edit ana.souza",
        },
        { trigger: "form.oe_login_form input[name='password']", run: "edit Oto@demo2026" },
        { trigger: "form.oe_login_form button[type='submit']", run: "click" },
        onMyDay,
        { content: "The Me tab", trigger: ".o_oto_tab_me", run: "click" },
        {
            content: "Face ID / Touch ID: set up",
            trigger: ".o_oto_passkey_button",
            run: "click",
        },
        {
            content: "Odoo asks her password first",
            trigger: ".modal input[type='password']",
            run: "edit Oto@demo2026",
        },
        { trigger: ".modal button[name='run_check']", run: "click" },
        {
            content: "The passkey's name",
            trigger: ".modal .o_field_widget[name='name'] input",
            run: "edit Celular da Ana",
        },
        {
            content: "Created with the phone's authenticator",
            trigger: ".modal button[name='make_key']",
            run: "click",
        },
        {
            content: "Set",
            trigger: "body:not(:has(.modal)) .o_oto_passkey_state:contains(Login com a chave de acesso)",
            run() {
                this.anchor.scrollIntoView({ block: "center" });
            },
        },
        ...screenshot("phone-face-id"),
        {
            content: "She signs out",
            trigger: ".o_oto_my_day",
            run() {
                window.location.href = "/web/session/logout?redirect=/web/login";
            },
        },
        { trigger: "form.oe_login_form .passkey_login_link" },
        ...screenshot("phone-sign-in-passkey"),
        {
            content: "Next time: Face ID instead of the password",
            trigger: "form.oe_login_form .passkey_login_link",
            run: "click",
        },
        {
            content: "Signed in with the passkey, on her day",
            ...onMyDay,
        },
        assertPhoneWidth(),
    ],
});

function pinSignIn(name) {
    return [
        { trigger: `.o_oto_pin_seller:contains(${name})`, run: "click" },
        { trigger: "input.o_oto_pin_input", run: "edit 2468" },
        { trigger: ".o_oto_pin_submit:enabled", run: "click" },
        {
            content: `${name}'s day`,
            trigger: `.o_oto_header .o_oto_subtitle:contains(${name})`,
        },
    ];
}

/** What the page and the phone's storage keep of a seller's day. */
function kept(sellerName) {
    const { PhoneStore } = odoo.loader.modules.get("@oto_crm/my_day/phone_store");
    const subtitle = document.querySelector(".o_oto_header .o_oto_subtitle")?.textContent || "";
    const stored = Object.keys(window.localStorage).filter(
        (key) => key.startsWith("oto.phone:") && /:(day|profiles)$/.test(key)
    );
    const current = PhoneStore.current();
    return { subtitle, stored, current: current && current.getDay()?.seller?.name, sellerName };
}

tours.add("oto_crm_phone_store_device", {
    steps: () => [
        {
            content: "What another login kept on this browser is forgotten (its waiting contacts stay)",
            trigger: ".o_oto_pin_seller",
            run() {
                const { forgetOthers } = odoo.loader.modules.get("@oto_crm/my_day/phone_store");
                const db = odoo.loader.modules.get("@web/session").session.db || "";
                const other = `oto.phone:${db}:999999:7`;
                window.localStorage.setItem(`${other}:day`, '{"seller": {"name": "Ana"}}');
                window.localStorage.setItem(`${other}:profiles`, '{"1": {"phone": "+55"}}');
                window.localStorage.setItem(`${other}:queue`, '[{"key": "k"}]');
                forgetOthers();
                const left = Object.keys(window.localStorage).filter((key) =>
                    key.startsWith(other)
                );
                window.localStorage.removeItem(`${other}:queue`);
                if (left.length !== 1 || !left[0].endsWith(":queue")) {
                    throw new Error(`Another login's data kept: ${left}`);
                }
            },
        },
        ...pinSignIn("Bruno Oliveira"),
        {
            content: "The store's phone keeps Bruno's day in the page only",
            trigger: ".o_oto_my_day",
            run() {
                const state = kept();
                if (state.current !== "Bruno Oliveira" || state.stored.length) {
                    throw new Error(`Kept: ${JSON.stringify(state)}`);
                }
            },
        },
        {
            content: "Bruno hands the phone over",
            trigger: ".o_oto_switch_seller",
            run: "click",
        },
        ...pinSignIn("Camila Ferreira"),
        {
            content: "Camila's day only: nothing of Bruno's is kept",
            trigger: ".o_oto_my_day",
            run() {
                const { PhoneStore } = odoo.loader.modules.get("@oto_crm/my_day/phone_store");
                const state = kept();
                if (state.current !== "Camila Ferreira" || state.stored.length) {
                    throw new Error(`Kept: ${JSON.stringify(state)}`);
                }
                window.otoCamila = PhoneStore.current().sellerId;
            },
        },
        ...command("offline"),
        {
            content:
                "Camila leaves the phone idle longer than the brand allows; the next tap, offline, closes her day (it opens nothing)",
            trigger: ".o_oto_group",
            run(helpers) {
                const { sharedSellerInfo } = odoo.loader.modules.get(
                    "@oto_crm/my_day/phone_store"
                );
                sharedSellerInfo().seenAt = Date.now() - 24 * 60 * 60 * 1000;
                return helpers.click();
            },
        },
        {
            content: "The PIN is asked again; nothing of her day is left to show",
            trigger: ".o_oto_pin .o_oto_pin_notice:contains(conexão voltar)",
            run() {
                const state = kept();
                if (state.current || state.stored.length || state.subtitle) {
                    throw new Error(`Kept after idle: ${JSON.stringify(state)}`);
                }
            },
        },
        ...screenshot("phone-store-idle"),
        ...command("online"),
        {
            content: "Back online: the store's sellers to pick from",
            trigger: ".o_oto_pin .o_oto_pin_seller:contains(Bruno Oliveira)",
            timeout: 20000,
        },
    ],
});
