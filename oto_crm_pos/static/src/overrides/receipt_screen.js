import { patch } from "@web/core/utils/patch";
import { useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { ReceiptScreen } from "@point_of_sale/app/screens/receipt_screen/receipt_screen";

const CHANNEL_OF_ACTION = {
    action_send_receipt: "email",
    action_sent_message_on_sms: "sms",
    oto_whatsapp: "whatsapp",
};

patch(ReceiptScreen.prototype, {
    setup() {
        super.setup(...arguments);
        this.otoState = useState({ offline: false, queued: false, created: false, consent: false });
    },
    showPhoneInput() {
        return super.showPhoneInput(...arguments) || this.pos.config.oto_receipt_whatsapp;
    },
    actionSendReceiptOnWhatsApp() {
        this.sendReceipt.call({
            action: "oto_whatsapp",
            destination: this.state.phone,
            name: "WhatsApp",
        });
    },
    /** The customer whose consent the receipt screen offers to record: at
     * a point of sale of an Oto store only (elsewhere the screen is Odoo's). */
    get otoCustomer() {
        return this.pos.otoHasSellers() ? this.currentOrder.get_partner() : false;
    },
    /** Receipts go through the server's check: the address is normalized
     * (phones to E.164), saved on the customer (found or created) and the
     * receipt sent (by email, queued while the mail server is down); a
     * refused address saves nothing. Offline, the address
     * is kept on the order and reaches the customer when it syncs. At a
     * point of sale of an Oto store. */
    async _sendReceiptToCustomer({ action, destination }) {
        if (!this.pos.otoHasSellers() && action !== "oto_whatsapp") {
            // A point of sale of no Oto store sends receipts as Odoo does.
            return super._sendReceiptToCustomer(...arguments);
        }
        const order = this.currentOrder;
        const channel = CHANNEL_OF_ACTION[action] || "email";
        this.otoState.offline = false;
        this.otoState.queued = false;
        if (typeof order.id !== "number") {
            order[channel === "email" ? "email" : "mobile"] = destination;
            this.otoState.offline = true;
            return;
        }
        const fullTicketImage = await this.generateTicketImage();
        const basicTicketImage = this.pos.config.basic_receipt
            ? await this.generateTicketImage(true)
            : null;
        const result = await this.pos.data.call("pos.order", "oto_send_receipt", [
            [order.id],
            channel,
            destination,
            fullTicketImage,
            basicTicketImage,
        ]);
        this.otoState.created = result.created ? result.partner_name : false;
        // The mail server was down: the email waits in the mail queue.
        this.otoState.queued = Boolean(result.queued);
        // The customer as saved (new address, badges), on the order.
        const [partner] = await this.pos.data.read("res.partner", [result.partner_id]);
        if (partner && order.get_partner() !== partner) {
            order.partner_id = partner;
        }
        return result;
    },
    get otoErrorMessage() {
        const error = this.sendReceipt.status === "error" && this.sendReceipt.result;
        return (error && (error.data?.message || error.message)) || "";
    },
    async otoRecordConsent() {
        const partner = this.otoCustomer;
        if (partner && (await this.pos.otoRecordConsent(partner))) {
            this.otoState.consent = true;
            this.notification.add(_t("Consent recorded."), { type: "success" });
        }
    },
});
