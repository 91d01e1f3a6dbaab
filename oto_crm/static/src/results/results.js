/** @odoo-module **/
// Results of the contacts ("vendas a partir de contatos"): the KPIs of the
// last 30 days or of the current month with the change against the previous
// period, and the ranking of the sellers. A seller sees their own; a store
// manager their stores'; a brand admin the brand's. Opened from the menu
// (an action of its own), or as a screen of the phone app (``embedded``:
// the app has the header, the tabs, the sales).
import { Component, onWillStart, useState } from "@odoo/owl";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { useSetupAction } from "@web/search/action_hook";
import {
    formatAmount,
    formatKpi,
    formatKpiVariation,
    formatPercent,
} from "@oto_crm/core/format";

export class OtoResults extends Component {
    static template = "oto_crm.Results";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        // Chosen before: the app's (embedded), or kept by the action when
        // the sales or the chart were opened from here.
        const context = this.props.action?.context || {};
        const kept = this.props.state || {};
        const given = this.props.embedded ? this.props : {};
        this.state = useState({
            loading: true,
            period: given.period || kept.period || context.oto_period || "30d",
            storeId: given.storeId || kept.storeId || context.oto_store_id || false,
            sellerId: given.sellerId || kept.sellerId || context.oto_seller_id || false,
            data: null,
        });
        this.lockedSeller = Boolean(context.oto_seller_id);
        if (!this.props.embedded) {
            useSetupAction({
                getLocalState: () => ({
                    period: this.state.period,
                    storeId: this.state.storeId,
                    sellerId: this.state.sellerId,
                }),
            });
        }
        onWillStart(() => this.load());
    }

    async load() {
        this.state.loading = true;
        this.state.data = await this.orm.call("oto.result.day", "get_results", [], {
            period: this.state.period,
            store_id: this.state.storeId,
            seller_id: this.state.sellerId,
        });
        this.state.loading = false;
    }

    /** A choice of the person (period, store, seller): the figures again,
     * and the app that embeds the screen told (it keeps the choice while
     * the sales are looked at). Not on the first load: the app told this
     * screen what to show (and a change of the app's state while this
     * screen starts would start it anew). */
    async choose(change) {
        Object.assign(this.state, change);
        await this.load();
        this.props.onChange?.({
            period: this.state.period,
            storeId: this.state.storeId,
            sellerId: this.state.sellerId,
        });
    }

    setPeriod(period) {
        return this.choose({ period });
    }

    onStore(ev) {
        return this.choose({ storeId: parseInt(ev.target.value) || false, sellerId: false });
    }

    selectSeller(row) {
        return this.choose({
            sellerId: this.state.sellerId === row.seller_id ? false : row.seller_id,
        });
    }

    get seller() {
        const ranking = this.state.data?.ranking || [];
        return this.state.sellerId && ranking.find((r) => r.seller_id === this.state.sellerId);
    }

    get showRanking() {
        return (this.state.data?.ranking || []).length > 1 || this.state.sellerId;
    }

    formatDay(day) {
        return formatDate(deserializeDate(day), { format: "dd/MM" });
    }

    formatMoney(amount) {
        return formatAmount(amount, this.state.data.currency_id);
    }

    formatValue(kpi, value) {
        return formatKpi(kpi, value, this.state.data.currency_id);
    }

    variationText(kpi) {
        return formatKpiVariation(kpi);
    }

    /** The previous period's figure is worth saying: there was one to
     * compare with ("new" says the rest). */
    hasPrevious(kpi) {
        return kpi.variation !== null && kpi.variation !== undefined;
    }

    variationClass(kpi) {
        if (!kpi.variation) {
            return "text-muted";
        }
        return kpi.variation > 0 ? "text-success" : "text-danger";
    }

    variationIcon(kpi) {
        if (!kpi.variation) {
            return "";
        }
        return kpi.variation > 0 ? "fa-arrow-up" : "fa-arrow-down";
    }

    _domain() {
        const data = this.state.data;
        // The period's days in the brand's time, as the server counts them.
        const domain = [
            ["purchase_date", ">=", data.purchase_from],
            ["purchase_date", "<", data.purchase_to],
        ];
        if (this.state.sellerId) {
            domain.push(["seller_id", "=", this.state.sellerId]);
        } else if (this.state.storeId) {
            domain.push(["seller_id.store_id", "=", this.state.storeId]);
        }
        return domain;
    }

    openSales() {
        const data = this.state.data;
        if (this.props.onOpenSales) {
            // In the phone app: its own list of the sales, as cards.
            return this.props.onOpenSales({
                purchase_from: data.purchase_from,
                purchase_to: data.purchase_to,
                storeId: this.state.storeId,
                sellerId: this.state.sellerId,
                title: this.seller?.name || "",
            });
        }
        // The list on a wide screen, cards on a phone (the action's mobile
        // view): the totals are then in the cards above, not off-screen.
        this.action.doAction("oto_crm.oto_attribution_action", {
            additionalContext: { search_default_last_30_days: 0 },
            props: { domain: this._domain() },
        });
    }

    openChart() {
        // The chart alone (on a phone Odoo would show the action's cards
        // instead of the view asked for).
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Sales from contacts"),
            res_model: "oto.attribution",
            views: [[false, "graph"]],
            mobile_view_mode: "graph",
            domain: this._domain(),
            context: { search_default_last_30_days: 0 },
        });
    }

    typeDoneText(row) {
        return _t("%(done)s of %(offered)s done", {
            done: this.formatValue({ kind: "count" }, row.done),
            offered: this.formatValue({ kind: "count" }, row.offered),
        });
    }

    formatRate(value) {
        return formatPercent(value);
    }
}

registry.category("actions").add("oto_crm.results", OtoResults);
