/** Choose the assisting seller: the store's active sellers, searchable, the
 * customer's wallet seller first. One tap on a name chooses and closes. */
import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { useAutofocus } from "@web/core/utils/hooks";
import { unaccent } from "@web/core/utils/strings";

export class OtoSellerPopup extends Component {
    static template = "oto_crm_pos.OtoSellerPopup";
    static components = { Dialog };
    static props = {
        sellers: Array,
        currentId: { type: [Number, Boolean], optional: true },
        walletSellerId: { type: [Number, Boolean], optional: true },
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.state = useState({ query: "" });
        if (this.props.sellers.length > 8) {
            useAutofocus({ refName: "search" });
        }
    }

    get sellers() {
        const query = unaccent(this.state.query.trim());
        const list = this.props.sellers.filter(
            (seller) =>
                !query ||
                unaccent(seller.name).includes(query) ||
                unaccent(seller.code || "").includes(query)
        );
        const wallet = this.props.walletSellerId;
        return list.sort((a, b) => (b.id === wallet) - (a.id === wallet));
    }

    choose(seller) {
        this.props.getPayload(seller);
        this.props.close();
    }
}
