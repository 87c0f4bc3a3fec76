"""ECharts options for a scan's KPIs (return bands, the share in profit over time, top-20 cost/return/risk)."""

from __future__ import annotations

from typing import Any

BANDS = ["lt_m50", "m50_m30", "m30_m10", "m10_0", "0_10", "10_30", "30_50", "ge_50"]
BAND_LABELS = ["<-50%", "-50〜-30", "-30〜-10", "-10〜0", "0〜10", "10〜30", "30〜50", "≥50%"]
PRODUCTS = ["investment_trust", "foreign_currency_insurance"]


def return_bands(kpis: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Customers by return band at the latest date, one series per product type."""
    if not kpis:
        return None
    last = kpis[-1]
    series = []
    for product in PRODUCTS:
        bands = {b["band"]: b["share"] for b in (last.get(product) or {}).get("return_bands", [])}
        series.append({"name": product, "type": "bar", "data": [round(100 * bands.get(b, 0.0), 1) for b in BANDS]})
    return {"tooltip": {}, "legend": {}, "xAxis": {"type": "category", "data": BAND_LABELS},
            "yAxis": {"type": "value", "name": "%"}, "series": series}


def profit_trend(kpis: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Share of customers in profit at each evaluation date."""
    if len(kpis) < 2:
        return None
    dates = [k.get("as_of_date", "") for k in kpis]
    series = [{"name": p, "type": "line",
               "data": [round(100 * ((k.get(p) or {}).get("positive_share") or 0.0), 1) for k in kpis]}
              for p in PRODUCTS]
    return {"tooltip": {"trigger": "axis"}, "legend": {}, "xAxis": {"type": "category", "data": dates},
            "yAxis": {"type": "value", "name": "%", "max": 100}, "series": series}


def top20_cost_return(kpis: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The top-20 products by balance at the latest date: 5-year risk against return (cost in the tooltip data)."""
    if not kpis:
        return None
    series = []
    for product in PRODUCTS:
        top = (kpis[-1].get(product) or {}).get("top20") or []
        points = [[round(t["risk_5y"], 2), round(t["return_5y"], 2), round(t["cost_rate"] or 0.0, 2),
                   t["product_id"]]   # the contract's rates are percentages already
                  for t in top if t.get("risk_5y") is not None and t.get("return_5y") is not None]
        series.append({"name": product, "type": "scatter", "data": points, "symbolSize": 12})
    if not any(s["data"] for s in series):
        return None
    return {"tooltip": {}, "legend": {}, "xAxis": {"type": "value", "name": "risk %"},
            "yAxis": {"type": "value", "name": "return %"}, "series": series}
