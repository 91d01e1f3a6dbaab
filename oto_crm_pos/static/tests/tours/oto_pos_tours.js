import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PartnerList from "@point_of_sale/../tests/tours/utils/partner_list_util";
import { back, inLeftSide } from "@point_of_sale/../tests/tours/utils/common";
import { registry } from "@web/core/registry";

const SELLER_BUTTON = ".product-screen .o_oto_seller_button";

/** Tap 1: the seller button (on a phone, in the order pane). */
function openSellers() {
    return [
        ProductScreen.clickReview(),
        { content: "open the list of sellers", trigger: SELLER_BUTTON, run: "click" },
    ];
}

/** Tap 2: a name; then back to the products on a phone. */
function pickSeller(name) {
    return [
        {
            content: `choose ${name}`,
            trigger: `.o_oto_seller_popup .o_oto_seller_item:contains("${name}")`,
            run: "click",
        },
        { ...back(), isActive: ["mobile"] },
    ];
}

function sellerIs(name) {
    return inLeftSide({
        content: `the order's seller is ${name}`,
        trigger: `${SELLER_BUTTON} .o_oto_seller_name:contains("${name}")`,
    });
}

/** In the consent popup: yes to emails, then record. */
function yesToEmailsAndRecord() {
    return [
        {
            content: "yes to emails",
            trigger: ".o_oto_consent_popup .o_oto_consent_row_email .o_oto_consent_yes",
            run: "click",
        },
        {
            content: "record",
            trigger: ".o_oto_consent_popup .o_oto_consent_save",
            run: "click",
        },
    ];
}

function payByBank() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Bank"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.receiptIsThere(),
    ].flat();
}

/** Choosing the assisting seller: two taps, inactive sellers absent, the
 * choice kept for the next order, printed on the receipt. */
registry.category("web_tour.tours").add("OtoPosSellerTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            openSellers(),
            {
                content: "the archived seller is not offered",
                trigger: ".o_oto_seller_popup:not(:has(.o_oto_seller_item:contains('Dora Archived')))",
            },
            {
                content: "the store's sellers are offered",
                trigger: ".o_oto_seller_popup .o_oto_seller_item:contains('Ana Lima')",
            },
            pickSeller("Carla Souza"),
            sellerIs("Carla Souza"),
            ProductScreen.clickDisplayedProduct("Desk Pad"),
            // Helena is in Ana's wallet; the seller named for the order stays.
            ProductScreen.clickPartnerButton(),
            PartnerList.searchCustomerValue("Helena Prado"),
            ProductScreen.clickCustomer("Helena Prado"),
            sellerIs("Carla Souza"),
            payByBank(),
            {
                content: "the receipt names the assisting seller",
                trigger: ".pos-receipt .o_oto_receipt_seller:contains('Carla Souza')",
            },
            ReceiptScreen.clickNextOrder(),
            // Remembered for the next order of the session.
            sellerIs("Carla Souza"),
            Chrome.endTour(),
        ].flat(),
});

/** A customer's badges (RFV segment, wallet seller, consent) in the list;
 * with no seller named, the wallet seller is taken. */
registry.category("web_tour.tours").add("OtoPosBadgesTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Desk Pad"),
            ProductScreen.clickPartnerButton(),
            PartnerList.searchCustomerValue("Helena Prado"),
            {
                content: "Helena's segment",
                trigger: ".partner-info:contains('Helena Prado') .o_oto_badge_segment:contains('Champions')",
            },
            {
                content: "Helena's wallet seller",
                trigger: ".partner-info:contains('Helena Prado') .o_oto_badge_seller:contains('Ana Lima')",
            },
            {
                content: "Helena accepts WhatsApp offers",
                trigger: ".partner-info:contains('Helena Prado') .o_oto_consent_whatsapp_granted",
            },
            {
                content: "Helena refused SMS",
                trigger: ".partner-info:contains('Helena Prado') .o_oto_consent_sms_refused",
            },
            // Consent from the customer list.
            PartnerList.clickPartnerOptions("Helena Prado"),
            {
                content: "Marketing consent",
                trigger: ".o-dropdown-item:contains('Marketing consent')",
                run: "click",
            },
            {
                content: "the popup shows what Helena accepted",
                trigger: ".o_oto_consent_popup .o_oto_consent_row_whatsapp:contains('(accepts)')",
            },
            yesToEmailsAndRecord(),
            {
                content: "the list shows the new consent",
                trigger: ".partner-info:contains('Helena Prado') .o_oto_consent_email_granted",
            },
            ProductScreen.clickCustomer("Helena Prado"),
            sellerIs("Ana Lima"),
            Chrome.endTour(),
        ].flat(),
});

/** A receipt by email to an address no customer has: the customer is
 * created and linked; their consent is recorded at the counter. */
registry.category("web_tour.tours").add("OtoPosReceiptEmailTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            openSellers(),
            pickSeller("Ana Lima"),
            ProductScreen.clickDisplayedProduct("Desk Pad"),
            payByBank(),
            ReceiptScreen.setEmail("maria@"),
            {
                content: "an incomplete address cannot be sent",
                trigger: ".receipt-screen button:has(i.fa-paper-plane):disabled",
            },
            ReceiptScreen.setEmail("nova.cliente@example.com"),
            ReceiptScreen.clickSend(),
            {
                content: "Oto's status block",
                trigger: ".receipt-screen div.notice.o_oto_receipt_notice",
            },
            {
                content: "a customer was created from the address",
                trigger: ".receipt-screen .o_oto_customer_created:contains('nova.cliente@example.com')",
                // The receipt image is rendered first (slow in headless Chromium).
                timeout: 30000,
            },
            {
                content: "record the customer's consent",
                trigger: ".receipt-screen .o_oto_consent_button",
                run: "click",
            },
            {
                content: "the text shown is the point of sale's",
                trigger: ".o_oto_consent_popup .o_oto_consent_text:contains('offers')",
            },
            yesToEmailsAndRecord(),
            {
                content: "the badge shows the consent",
                trigger: ".receipt-screen .o_oto_consent_block .o_oto_consent_email_granted",
            },
            Chrome.endTour(),
        ].flat(),
});

/** A point of sale of no Oto store: Odoo's receipt screen as it was. */
registry.category("web_tour.tours").add("OtoPosOdooReceiptTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Desk Pad"),
            payByBank(),
            {
                content: "Odoo's own status block (empty: nothing sent yet)",
                trigger: ".receipt-screen:has(div.notice:not(.o_oto_receipt_notice))",
            },
            {
                content: "nothing of Oto on the receipt screen",
                trigger:
                    ".receipt-screen:not(:has(.o_oto_receipt_notice, .o_oto_receipt_phone, .o_oto_consent_block))",
            },
            Chrome.endTour(),
        ].flat(),
});

/** On a 390 px phone the product grid fits the screen, even with a product
 * name made of one long word. */
registry.category("web_tour.tours").add("OtoPosGridFitsTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            {
                content: "the long name is in the grid",
                trigger: ".product-list .product:contains('Vestidolongodelinhobordadoàmãocomcinto')",
            },
            {
                content: "nothing is wider than the phone",
                trigger: ".product-list",
                run() {
                    const list = this.anchor;
                    const page = document.documentElement.scrollWidth;
                    if (list.scrollWidth > list.clientWidth || page > window.innerWidth) {
                        throw new Error(
                            `grid ${list.scrollWidth}/${list.clientWidth}px, page ${page}/${window.innerWidth}px`
                        );
                    }
                    const columns = getComputedStyle(list).gridTemplateColumns.split(" ");
                    if (columns.length !== 3) {
                        throw new Error(`${columns.length} columns on a phone`);
                    }
                },
            },
            Chrome.endTour(),
        ].flat(),
});
