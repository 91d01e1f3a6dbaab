import { patch } from "@web/core/utils/patch";
import { PosOrder } from "@point_of_sale/app/models/pos_order";

patch(PosOrder.prototype, {
    setup() {
        super.setup(...arguments);
        // Not saved: the seller came from the customer's wallet (a new
        // customer brings theirs), or was chosen by the cashier (kept).
        this.otoSellerFromWallet = false;
    },
    /** With no seller named for the order, the customer's wallet seller
     * is taken; the cashier can change it. */
    set_partner(partner) {
        const result = super.set_partner(...arguments);
        const walletId = partner?.oto_pos_badges?.seller_id;
        const wallet = walletId && this.models["oto.seller"].get(walletId);
        if (wallet && (!this.oto_seller_id || this.otoSellerFromWallet)) {
            this.oto_seller_id = wallet;
            this.otoSellerFromWallet = true;
        }
        return result;
    },
});
