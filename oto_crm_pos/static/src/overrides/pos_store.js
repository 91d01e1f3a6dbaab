import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { OtoSellerPopup } from "@oto_crm_pos/app/seller_popup";
import { OtoConsentPopup } from "@oto_crm_pos/app/consent_popup";

patch(PosStore.prototype, {
    /** The store's active sellers, by name. */
    otoSellers() {
        return this.models["oto.seller"]
            .getAll()
            .sort((a, b) => a.name.localeCompare(b.name));
    },
    /** The point of sale belongs to an Oto store (the store itself is not
     * loaded: its id is in the raw data). */
    otoHasSellers() {
        return Boolean(this.config.raw.oto_store_id);
    },
    _otoSellerKey() {
        return `oto_crm_pos.seller.${this.config.id}.${this.session.id}`;
    },
    /** The seller chosen last in this session: the next orders' default. */
    otoRememberedSeller() {
        const id = Number(localStorage.getItem(this._otoSellerKey()));
        return (id && this.models["oto.seller"].get(id)) || false;
    },
    otoRememberSeller(seller) {
        if (seller) {
            localStorage.setItem(this._otoSellerKey(), String(seller.id));
        } else {
            localStorage.removeItem(this._otoSellerKey());
        }
    },
    async otoSelectSeller(order) {
        if (!order) {
            return;
        }
        const seller = await makeAwaitable(this.dialog, OtoSellerPopup, {
            sellers: this.otoSellers(),
            currentId: order.oto_seller_id?.id || false,
            walletSellerId: order.get_partner()?.oto_pos_badges?.seller_id || false,
        });
        if (seller) {
            order.oto_seller_id = seller;
            order.otoSellerFromWallet = false;
            this.otoRememberSeller(seller);
        }
        return seller;
    },
    /** Record a customer's marketing consent (receipt screen, customer
     * list); returns their new badges, or nothing when discarded. */
    async otoRecordConsent(partner) {
        const badges = await makeAwaitable(this.dialog, OtoConsentPopup, {
            partner,
            text: this.config.oto_consent_text || "",
            sellerId: this.get_order()?.oto_seller_id?.id || false,
        });
        if (badges) {
            partner.oto_pos_badges = badges;
        }
        return badges;
    },
    createNewOrder() {
        const order = super.createNewOrder(...arguments);
        const seller = this.otoRememberedSeller();
        if (seller && !order.oto_seller_id) {
            order.oto_seller_id = seller;
        }
        return order;
    },
    getReceiptHeaderData(order) {
        const data = super.getReceiptHeaderData(...arguments);
        if (order?.oto_seller_id) {
            data.otoSeller = order.oto_seller_id.name;
        }
        return data;
    },
});
