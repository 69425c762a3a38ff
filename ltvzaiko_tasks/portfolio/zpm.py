"""The ZPM inventory portfolio (ZPM分析, SPEC §6.3): eight cells with a recommended action each.

The vendor publishes no definition of its "ZPM analysis"; this one is **ours**. Each item (SKU or style) is
placed High or Low on three axes against explicit thresholds (:class:`ZpmConfig`):

* **Z — 在庫 (stock position)**: weeks of cover (在庫週数) = on-hand units / units sold per week over the
  look-back window, against the item's target cover. High when ``weeks_of_cover >= z_high_cover_ratio ×
  target`` (default: at or above target). Stock with no sales is infinite cover (High); no stock is 0 (Low).
* **P — 利益 (profit)**: gross margin rate (粗利率) = gross profit / net sales over the window, *and* GMROI
  (商品投下資本粗利益率) = annualised gross profit / average inventory at cost. High when both reach their
  thresholds (default 50 % and 2.0; set one to ``None`` to judge by the other alone). No sales = Low.
* **M — 動き (movement)**: sell-through velocity = units sold per week, as an index against the median
  velocity of the selling items in its group (all items, or e.g. its category: ``m_group_col``). High when
  ``velocity_index >= m_min_velocity_index`` (default 1.0: sells at least as fast as the typical item).

2 × 2 × 2 = eight cells (:data:`ZPM_CELLS`), each with a named action. The LTV class of the item
(:mod:`~ltvzaiko_tasks.portfolio.item_ltv`, 高 / 中 / 低) is overlaid: a 高 item in a cell
whose action liquidates or delists it gets a customer-aware action instead, so a high-LTV item is never sent
to liquidation blindly (``ltv_overlay``).

Usage::

    inputs = zpm_item_inputs(sales_lines, stock_snapshots, as_of="2026-03-31", window_weeks=8)
    inputs["ltv_class"] = item_ltv["ltv_class"]          # optional overlay
    portfolio = classify_zpm(inputs, ZpmConfig())
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from ._frames import as_date, day_number, day_numbers, numeric, require_columns, safe_ratio

WEEKS_PER_YEAR = 365.25 / 7.0

INPUT_COLUMNS = ("units_sold", "net_sales_jpy", "gross_profit_jpy", "on_hand_units", "avg_inventory_cost_jpy")
"""Per-item inputs of :func:`classify_zpm` (all over the look-back window; on hand at the as-of date)."""


@dataclass(frozen=True)
class ZpmCell:
    """One of the eight portfolio cells: levels, name and recommended action (English / 日本語)."""

    z: str
    p: str
    m: str
    code: str
    name: str
    name_ja: str
    action: str
    action_ja: str
    ltv_overlay_action: str | None = None
    ltv_overlay_action_ja: str | None = None

    @property
    def cell(self) -> str:
        """``"ZL-PH-MH"``: Z, P and M level in that order (H = high, L = low)."""
        return f"Z{self.z[0].upper()}-P{self.p[0].upper()}-M{self.m[0].upper()}"


ZPM_CELLS: tuple[ZpmCell, ...] = (
    ZpmCell("low", "high", "high", "protect", "winner, short of stock", "売れ筋・在庫薄",
            "protect: replenish first", "欠品防止：最優先で補充"),
    ZpmCell("high", "high", "high", "maintain", "winner, well stocked", "売れ筋・在庫十分",
            "maintain: reorder normally once cover falls back to target", "維持：在庫が目標に戻ってから通常補充"),
    ZpmCell("low", "low", "high", "replenish_lean", "fast seller, thin margin", "薄利の売れ筋",
            "replenish lean: lower service level, review price and cost", "絞って補充：サービス率を下げ、売価・原価を見直す"),
    ZpmCell("high", "low", "high", "flow_through", "fast seller, thin margin, overstocked", "薄利・在庫過多",
            "pause reorders: let it sell through at full price", "発注停止：定価のまま消化"),
    ZpmCell("low", "high", "low", "niche", "slow but profitable, lean stock", "高粗利・低回転",
            "keep in range at minimum stock: reorder to demand only", "最小在庫で品揃え維持：需要分だけ補充"),
    ZpmCell("high", "high", "low", "promote", "slow but profitable, overstocked", "高粗利・滞留",
            "stop buying: targeted promotion, no deep markdown", "発注停止：ターゲット販促（大幅値下げはしない）"),
    ZpmCell("low", "low", "low", "review_range", "slow and unprofitable, little stock", "低粗利・低回転",
            "review the range: no reorder, candidate for delisting", "補充停止：廃番候補として見直し",
            "keep for its high-LTV buyers: reorder to demand, review before delisting",
            "高LTV顧客が買う商品：需要分だけ補充し、廃番は要検討"),
    ZpmCell("high", "low", "low", "sell_down", "dead-stock risk", "不良在庫リスク",
            "dead-stock risk: sell down (markdown, transfer)", "不良在庫リスク：値下げ・店間移動で売り切る",
            "sell down to its high-LTV buyers first: targeted offers and transfers, no blanket clearance",
            "高LTV顧客向けの個別オファーと店間移動で消化（一律の処分値下げはしない）"),
)
"""The eight cells (our definition, SPEC §6.3). Cells with an ``ltv_overlay_action`` are the ones that would
liquidate or delist the item; for LTV classes in ``ZpmConfig.overlay_classes`` that action replaces theirs."""


@dataclass(frozen=True)
class ZpmConfig:
    """Thresholds of the ZPM portfolio (each axis High when its value is >= the threshold).

    Attributes:
        window_weeks: look-back of sales for movement and profit, in weeks (default 8); used to turn units
            into units per week and gross profit into a yearly figure for GMROI.
        target_weeks_of_cover: target cover of items without their own ``target_weeks_of_cover`` column
            value (default 8 weeks).
        z_high_cover_ratio: Z is High when weeks of cover >= this × target (default 1.0).
        p_min_gross_margin_rate: P needs gross margin rate >= this (default 0.50); ``None`` to ignore.
        p_min_gmroi: P needs GMROI (yearly gross profit / average inventory at cost) >= this (default 2.0);
            ``None`` to ignore. At least one of the two must be set.
        m_min_velocity_index: M is High when units sold per week >= this × the median of the selling items
            of its group (default 1.0).
        m_group_col: column of the inputs grouping items for the M median (e.g. ``"category"``); ``None``
            (default) compares with all items.
        overlay_classes: LTV classes protected from liquidation by the overlay (default ``("高",)``).
    """

    window_weeks: float = 8.0
    target_weeks_of_cover: float = 8.0
    z_high_cover_ratio: float = 1.0
    p_min_gross_margin_rate: float | None = 0.5
    p_min_gmroi: float | None = 2.0
    m_min_velocity_index: float = 1.0
    m_group_col: str | None = None
    overlay_classes: tuple[str, ...] = ("高",)

    def __post_init__(self) -> None:
        for name in ("window_weeks", "target_weeks_of_cover", "z_high_cover_ratio", "m_min_velocity_index"):
            value = getattr(self, name)
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
        if self.p_min_gross_margin_rate is None and self.p_min_gmroi is None:
            raise ValueError("P needs a threshold: set p_min_gross_margin_rate, p_min_gmroi or both")
        if self.p_min_gross_margin_rate is not None and not np.isfinite(self.p_min_gross_margin_rate):
            raise ValueError("p_min_gross_margin_rate must be finite (0.5 means 50 %) or None")
        if self.p_min_gmroi is not None and not np.isfinite(self.p_min_gmroi):
            raise ValueError("p_min_gmroi must be finite or None")
        object.__setattr__(self, "overlay_classes", tuple(str(c) for c in self.overlay_classes))

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def zpm_cells_table() -> pd.DataFrame:
    """The eight cells as a table (for docs, a dbt seed or a report legend)."""
    return pd.DataFrame([{"zpm_cell": c.cell, "z_level": c.z, "p_level": c.p, "m_level": c.m,
                          "cell_code": c.code, "cell_name": c.name, "cell_name_ja": c.name_ja,
                          "action": c.action, "action_ja": c.action_ja,
                          "ltv_overlay_action": c.ltv_overlay_action,
                          "ltv_overlay_action_ja": c.ltv_overlay_action_ja} for c in ZPM_CELLS])


def classify_zpm(item_inputs: pd.DataFrame, config: ZpmConfig | None = None) -> pd.DataFrame:
    """Place every item in one of the eight ZPM cells and give its recommended action.

    Args:
        item_inputs: one row per item (index = item key): ``units_sold``, ``net_sales_jpy``,
            ``gross_profit_jpy`` (over the last ``config.window_weeks``), ``on_hand_units`` (at the as-of
            date), ``avg_inventory_cost_jpy`` (average stock at cost over the window); optionally
            ``target_weeks_of_cover`` (per item; missing values take the config default), ``ltv_class``
            (高 / 中 / 低, for the overlay) and the ``config.m_group_col`` column. As built by
            :func:`zpm_item_inputs`.
        config: thresholds (:class:`ZpmConfig`).

    Returns:
        The inputs plus the axis values ``velocity_units_per_week``, ``velocity_index``, ``weeks_of_cover``,
        ``cover_ratio`` (cover / target), ``gross_margin_rate``, ``gmroi``, ``sell_through_rate``
        (units sold / (sold + on hand), for reading only), the levels ``z_level``, ``p_level``, ``m_level``
        ("high"/"low"), ``zpm_cell`` (e.g. ``"ZL-PH-MH"``), ``cell_code``, ``cell_name``, ``cell_name_ja``,
        ``action``, ``action_ja``, ``ltv_overlay`` (bool) and ``recommended_action`` /
        ``recommended_action_ja`` (the action after the LTV overlay).

    >>> inputs = pd.DataFrame({"units_sold": [80, 2], "net_sales_jpy": [400_000, 6_000],
    ...                        "gross_profit_jpy": [240_000, 1_200], "on_hand_units": [20, 300],
    ...                        "avg_inventory_cost_jpy": [60_000, 900_000], "ltv_class": ["中", "高"]},
    ...                       index=pd.Index(["A", "B"], name="sku_id"))
    >>> out = classify_zpm(inputs)
    >>> out[["weeks_of_cover", "gmroi", "zpm_cell", "cell_code", "ltv_overlay"]].round(2)
    ... # doctest: +NORMALIZE_WHITESPACE
            weeks_of_cover  gmroi  zpm_cell  cell_code  ltv_overlay
    sku_id
    A                  2.0  26.09  ZL-PH-MH    protect        False
    B               1200.0   0.01  ZH-PL-ML  sell_down         True
    """
    config = config or ZpmConfig()
    require_columns(item_inputs, list(INPUT_COLUMNS) + [config.m_group_col], "ZPM item inputs")
    units, net, gp, on_hand, inv_cost = (numeric(item_inputs, c, "ZPM item inputs") for c in INPUT_COLUMNS)
    n = len(item_inputs)
    target = np.full(n, float(config.target_weeks_of_cover))
    if "target_weeks_of_cover" in item_inputs.columns:
        given = pd.to_numeric(item_inputs["target_weeks_of_cover"], errors="coerce").to_numpy(dtype=np.float64)
        target = np.where(np.isfinite(given), given, target)
        if np.any(target <= 0):
            raise ValueError("target_weeks_of_cover must be > 0 weeks")

    velocity = np.maximum(units, 0.0) / config.window_weeks
    stock = np.maximum(on_hand, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cover = np.where(stock <= 0, 0.0, np.where(velocity > 0, stock / np.where(velocity > 0, velocity, 1.0),
                                                     np.inf))
    cover_ratio = cover / target
    margin = np.where(net > 0, safe_ratio(gp, net), np.nan)
    yearly_gp = gp * (WEEKS_PER_YEAR / config.window_weeks)
    gmroi = np.where(inv_cost > 0, safe_ratio(yearly_gp, inv_cost), np.where(yearly_gp > 0, np.inf, np.nan))
    sell_through = safe_ratio(np.maximum(units, 0.0), np.maximum(units, 0.0) + stock)
    velocity_index = _velocity_index(velocity, item_inputs[config.m_group_col] if config.m_group_col else None)

    z_high = cover_ratio >= config.z_high_cover_ratio
    p_high = np.ones(n, dtype=bool)
    if config.p_min_gross_margin_rate is not None:
        p_high &= np.nan_to_num(margin, nan=-np.inf) >= config.p_min_gross_margin_rate
    if config.p_min_gmroi is not None:
        p_high &= np.nan_to_num(gmroi, nan=-np.inf, posinf=np.inf) >= config.p_min_gmroi
    m_high = velocity_index >= config.m_min_velocity_index

    cell_index = _cell_index(z_high, p_high, m_high)
    table = zpm_cells_table()
    pick = table.iloc[cell_index].reset_index(drop=True)

    out = item_inputs.copy()
    out["velocity_units_per_week"] = velocity
    out["velocity_index"] = velocity_index
    out["weeks_of_cover"] = cover
    out["target_weeks_of_cover"] = target
    out["cover_ratio"] = cover_ratio
    out["gross_margin_rate"] = margin
    out["gmroi"] = gmroi
    out["sell_through_rate"] = sell_through
    for col in ("z_level", "p_level", "m_level", "zpm_cell", "cell_code", "cell_name", "cell_name_ja", "action",
                "action_ja"):
        out[col] = pick[col].to_numpy()
    if "ltv_class" in item_inputs.columns:
        protected = item_inputs["ltv_class"].isin(config.overlay_classes).to_numpy(dtype=bool)
    else:
        protected = np.zeros(n, dtype=bool)
    overlay = protected & pick["ltv_overlay_action"].notna().to_numpy()
    out["ltv_overlay"] = overlay
    out["recommended_action"] = np.where(overlay, pick["ltv_overlay_action"].to_numpy(), pick["action"].to_numpy())
    out["recommended_action_ja"] = np.where(overlay, pick["ltv_overlay_action_ja"].to_numpy(),
                                            pick["action_ja"].to_numpy())
    return out


def zpm_item_inputs(sales_lines: pd.DataFrame, stock_snapshots: pd.DataFrame, *, as_of: Any = None,
                    window_weeks: float = 8.0, item_col: str = "sku_id", date_col: str = "sales_date",
                    units_col: str = "units", net_sales_col: str = "net_sales_jpy",
                    gross_profit_col: str = "gross_profit_jpy", snapshot_date_col: str = "snapshot_date",
                    on_hand_col: str = "on_hand_units", unit_cost_col: str = "unit_cost_jpy",
                    attributes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per-item inputs of :func:`classify_zpm` from sales lines and end-of-day stock snapshots.

    Args:
        sales_lines: sales (any grain finer than the item: lines, daily location × SKU rows), with
            ``item_col``, ``date_col``, ``units_col``, ``net_sales_col``, ``gross_profit_col``.
        stock_snapshots: end-of-day on-hand rows (location × SKU × day) with ``item_col``,
            ``snapshot_date_col``, ``on_hand_col`` and ``unit_cost_col`` (cost per unit). Give at least the
            as-of day; give every day (or every week) of the window for a true average inventory.
        as_of: last day of the window, inclusive (default: the later of the last sale and last snapshot).
        window_weeks: look-back in weeks (the same value as ``ZpmConfig.window_weeks``); sales in the
            ``round(7 × window_weeks)`` days ending on ``as_of`` count.
        item_col: the item grain: ``"sku_id"``, or ``"style_id"`` when both frames carry the style.
        attributes: optional per-item columns joined on the item key (index), e.g.
            ``target_weeks_of_cover``, ``category``, ``ltv_class``.

    Returns:
        One row per item seen in the sales or the stock (sorted): ``units_sold``, ``net_sales_jpy``,
        ``gross_profit_jpy``, ``on_hand_units`` (summed over locations on the last snapshot day <= as_of),
        ``on_hand_cost_jpy``, ``avg_inventory_cost_jpy`` (mean over the snapshot days in the window of the
        stock at cost; an item missing on a snapshot day counts 0 that day), plus the attributes.
        ``.attrs`` holds ``as_of``, ``window_start``, ``window_weeks`` and ``snapshot_days``.
    """
    if not (np.isfinite(window_weeks) and window_weeks > 0):
        raise ValueError(f"window_weeks must be > 0, got {window_weeks!r}")
    require_columns(sales_lines, [item_col, date_col, units_col, net_sales_col, gross_profit_col], "sales lines")
    require_columns(stock_snapshots, [item_col, snapshot_date_col, on_hand_col, unit_cost_col], "stock snapshots")
    sale_days = day_numbers(sales_lines[date_col], date_col) if len(sales_lines) else np.zeros(0, np.int64)
    snap_days = (day_numbers(stock_snapshots[snapshot_date_col], snapshot_date_col) if len(stock_snapshots)
                 else np.zeros(0, np.int64))
    if as_of is None:
        if sale_days.size == 0 and snap_days.size == 0:
            raise ValueError("no sales and no stock (and no as_of date)")
        as_of_day = int(max(sale_days.max(initial=-(2**40)), snap_days.max(initial=-(2**40))))
    else:
        as_of_day = day_number(as_of, "as_of")
    window_days = int(round(7.0 * float(window_weeks)))
    start_day = as_of_day - window_days + 1

    in_window = (sale_days >= start_day) & (sale_days <= as_of_day)
    sales = sales_lines.loc[in_window]
    snap_in = (snap_days >= start_day) & (snap_days <= as_of_day)
    snaps = stock_snapshots.loc[snap_in]
    snap_d = snap_days[snap_in]
    for col in (item_col,):
        if sales[col].isna().any() or snaps[col].isna().any():
            raise ValueError(f"sales lines and stock snapshots must all have {item_col!r}")

    keys = pd.concat([sales[item_col], snaps[item_col]], ignore_index=True)
    codes, items = pd.factorize(keys, sort=True)
    n_items = len(items)
    s_codes, k_codes = codes[:len(sales)], codes[len(sales):]
    out = pd.DataFrame(index=pd.Index(items, name=item_col))
    out["units_sold"] = np.bincount(s_codes, weights=numeric(sales, units_col, "sales lines"), minlength=n_items)
    out["net_sales_jpy"] = np.bincount(s_codes, weights=numeric(sales, net_sales_col, "sales lines"),
                                       minlength=n_items)
    out["gross_profit_jpy"] = np.bincount(s_codes, weights=numeric(sales, gross_profit_col, "sales lines"),
                                          minlength=n_items)
    qty = numeric(snaps, on_hand_col, "stock snapshots")
    cost = qty * numeric(snaps, unit_cost_col, "stock snapshots")
    n_snapshot_days = int(np.unique(snap_d).size)
    last = snap_d == snap_d.max() if snap_d.size else np.zeros(0, dtype=bool)
    out["on_hand_units"] = np.bincount(k_codes[last], weights=qty[last], minlength=n_items)
    out["on_hand_cost_jpy"] = np.bincount(k_codes[last], weights=cost[last], minlength=n_items)
    out["avg_inventory_cost_jpy"] = (np.bincount(k_codes, weights=cost, minlength=n_items) / n_snapshot_days
                                     if n_snapshot_days else 0.0)
    if attributes is not None:
        overlap = [c for c in attributes.columns if c in out.columns]
        if overlap:
            raise ValueError(f"attributes repeat computed columns {overlap}")
        out = out.join(attributes, how="left")
    out.attrs.update({"as_of": as_date(as_of_day).date().isoformat(),
                      "window_start": as_date(start_day).date().isoformat(),
                      "window_weeks": float(window_weeks), "snapshot_days": n_snapshot_days})
    return out


def _velocity_index(velocity: np.ndarray, groups: pd.Series | None) -> np.ndarray:
    """velocity / median velocity of the selling items of the same group (0 for an item that sells nothing)."""
    selling = velocity > 0
    if groups is None:
        median = np.full(velocity.shape, np.median(velocity[selling]) if selling.any() else np.nan)
    else:
        frame = pd.DataFrame({"g": groups.to_numpy(), "v": np.where(selling, velocity, np.nan)})
        median = frame.groupby("g", dropna=False)["v"].transform("median").to_numpy(dtype=np.float64)
    index = np.where(selling, safe_ratio(velocity, np.where(np.isfinite(median), median, 0.0)), 0.0)
    return np.nan_to_num(index, nan=0.0)


def _cell_index(z_high: np.ndarray, p_high: np.ndarray, m_high: np.ndarray) -> np.ndarray:
    """Row of :data:`ZPM_CELLS` for each item."""
    lookup = {(c.z == "high", c.p == "high", c.m == "high"): i for i, c in enumerate(ZPM_CELLS)}
    table = np.empty(8, dtype=np.intp)
    for (z, p, m), i in lookup.items():
        table[int(z) * 4 + int(p) * 2 + int(m)] = i
    return table[z_high.astype(np.intp) * 4 + p_high.astype(np.intp) * 2 + m_high.astype(np.intp)]
