import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { registry } from "@web/core/registry";

function typePhone(phone) {
    return {
        content: `type ${phone}`,
        trigger: ".receipt-screen .send-receipt-phone-input",
        run: `edit ${phone}`,
    };
}

function sendWhatsApp() {
    return {
        content: "send the receipt by WhatsApp",
        trigger: ".receipt-screen .o_oto_send_whatsapp:enabled",
        run: "click",
    };
}

/** A receipt by WhatsApp to a number no customer has: a wrong number is
 * refused with the reason, a good one creates the customer. */
registry.category("web_tour.tours").add("OtoPosReceiptWhatsappTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Desk Pad"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Bank"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.receiptIsThere(),
            typePhone("(11) 1234-567"),
            sendWhatsApp(),
            {
                content: "the number is refused with the reason",
                trigger: ".receipt-screen .o_oto_receipt_error:contains('not a valid phone number')",
                timeout: 30000,
            },
            typePhone("(21) 99876-5432"),
            sendWhatsApp(),
            {
                content: "a customer was created from the number",
                trigger: ".receipt-screen .o_oto_customer_created:contains('(21) 99876-5432')",
                timeout: 30000,
            },
            {
                content: "the new customer is on the receipt screen",
                trigger: ".receipt-screen .o_oto_consent_block:contains('(21) 99876-5432')",
            },
            Chrome.endTour(),
        ].flat(),
});
