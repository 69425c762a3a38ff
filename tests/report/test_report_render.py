"""The report's HTML from hand-made mart frames: escaping, empty sections, language switch, CSV data, yen."""
from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import date, datetime, timezone
from html.parser import HTMLParser

import pandas as pd
import pytest

from ltvzaiko_tasks.report import render_report
from ltvzaiko_tasks.report import fmt
from ltvzaiko_tasks.report.assets import JS
from ltvzaiko_tasks.report.data import ReportData

from .marts_fixture import HOSTILE_LOCATION, HOSTILE_SKU, HOSTILE_STYLE_LABEL

AS_OF = date(2025, 5, 15)
SECTIONS = ("kpis", "channels", "orders", "zpm", "sell-through", "dead-stock", "campaigns", "ltv", "forecast")


def _data(frames: dict[str, pd.DataFrame], marts: tuple[str, ...] = ()) -> ReportData:
    return ReportData(as_of=AS_OF, schema="marts", generated_at=datetime(2025, 5, 16, tzinfo=timezone.utc),
                      columns={m: [] for m in marts}, frames=frames)


def _orders(sku: str = HOSTILE_SKU) -> pd.DataFrame:
    return pd.DataFrame([
        {"as_of_date": "2025-05-15", "sku_id": sku, "location_id": "S02", "item_type": "seasonal", "ltv_class": "高",
         "recommended_order_qty": 12, "order_value_jpy": 1234567, "expected_gross_profit_jpy": 9000,
         "on_hand_units": 3.0, "priority_rank": 1, "reason": "case_pack"},
        {"as_of_date": "2025-05-15", "sku_id": "SKU-2", "location_id": "S01", "item_type": "seasonal", "ltv_class": "低",
         "recommended_order_qty": 0, "order_value_jpy": 0, "expected_gross_profit_jpy": 0, "on_hand_units": 30.0,
         "priority_rank": None, "reason": "no_need"},
    ])


def _full() -> ReportData:
    sales_by_channel = pd.DataFrame([
        {"period": "current", "channel": "store", "units": 10, "net_sales_jpy": 1234567, "gross_profit_jpy": 600000,
         "days": 28},
        {"period": "current", "channel": "ec", "units": 5, "net_sales_jpy": 100000, "gross_profit_jpy": 40000, "days": 28},
    ])
    sales_daily = pd.DataFrame([{"sales_date": "2025-05-14", "channel": "store", "units": 5, "net_sales_jpy": 600000,
                                 "gross_profit_jpy": 300000},
                                {"sales_date": "2025-05-15", "channel": "mall", "units": 1, "net_sales_jpy": 1000,
                                 "gross_profit_jpy": 400}])
    loc = pd.DataFrame([{"channel": "store", "location_id": "S02", "location_label": HOSTILE_LOCATION, "units": 10,
                         "net_sales_jpy": 1234567, "gross_profit_jpy": 600000}])
    by_sku = pd.DataFrame([{"sku_id": HOSTILE_SKU, "style_id": "ST-X", "style_label": HOSTILE_STYLE_LABEL,
                            "units": 3, "net_sales_jpy": 5000, "gross_profit_jpy": 2000}])
    by_style = by_sku.drop(columns=["sku_id"])
    zpm = pd.DataFrame([{"as_of_date": "2025-05-15", "sku_id": HOSTILE_SKU, "zpm_cell": "ZH-PL-ML",
                         "zpm_cell_name": "dead-stock risk", "zpm_cell_name_ja": "不良在庫リスク", "weeks_of_cover": 20.0,
                         "gmroi": 0.5, "ltv_class": "高", "recommended_action": "<i>hold</i>",
                         "recommended_action_ja": "保留"}])
    orders = _orders()
    totals = pd.DataFrame([{"lines": 2, "order_lines": 1, "order_units": 12, "order_value_jpy": 1234567,
                            "expected_gross_profit_jpy": 9000}])
    frames = {"sales_by_channel": sales_by_channel, "sales_daily": sales_daily, "sales_by_location": loc,
              "sales_by_sku": by_sku, "sales_by_style": by_style, "mart_zpm": zpm,
              "orders_staple": orders.iloc[0:0], "orders_staple__totals": totals.assign(lines=0, order_lines=0),
              "orders_seasonal": orders, "orders_seasonal__totals": totals,
              "sku_style": pd.DataFrame([{"sku_id": HOSTILE_SKU, "style_id": "ST-X", "style_label": HOSTILE_STYLE_LABEL}])}
    return _data(frames, ("mart_channel_sales_daily", "mart_zpm", "replenishment_order_list"))


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[dict] = []
        self.ids: set[str] = set()
        self.attrs_seen: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        if "id" in a:
            self.ids.add(a["id"])
        self.attrs_seen += attrs


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(_full())


def test_hostile_text_is_escaped_everywhere(page):
    assert "<script>alert" not in page and "<img src=x" not in page and "<i>hold</i>" not in page
    assert "&lt;script&gt;alert(&#x27;sku&#x27;)&lt;/script&gt;" in page
    assert "&lt;i&gt;hold&lt;/i&gt;" in page
    parser = _Tags()
    parser.feed(page)
    # one executable script (ours) and JSON data blocks, nothing else; no event-handler attributes
    executable = [s for s in parser.scripts if s.get("type") != "application/json"]
    assert len(executable) == 1
    assert not [k for k, _ in parser.attrs_seen if k.startswith("on")]
    # the data block cannot be closed by a value: the SKU is there, unicode-escaped
    block = re.search(r'<script type="application/json" id="orders-seasonal-data">(.*?)</script>', page, re.S).group(1)
    assert "\\u003cscript\\u003e" in block
    assert json.loads(block)["rows"][0][json.loads(block)["columns"].index("sku_id")] == HOSTILE_SKU


def test_page_is_self_contained_with_a_strict_csp(page):
    assert not re.search(r'<(link|img|iframe|object|embed)\b', page)
    assert not re.search(r'\bsrc\s*=', page.replace("src=x", ""))  # the hostile label is escaped text
    digest = base64.b64encode(hashlib.sha256(JS.encode()).digest()).decode()
    assert f"script-src &#x27;sha256-{digest}&#x27;" in page
    assert "default-src &#x27;none&#x27;" in page


def test_language_and_grain_switches(page):
    assert '<body class="lang-ja grain-sku">' in page
    assert 'data-lang-set="ja"' in page and 'data-lang-set="en"' in page
    assert 'data-grain-set="style"' in page and 'data-grain-set="sku"' in page
    assert '<span class="ja" lang="ja">発注リスト' in page and "Order lists" in page
    channels = page[page.index('id="channels"'):page.index('id="orders"')]
    assert 'class="g-style"' in channels and 'class="g-sku"' in channels


def test_csv_download_data_and_filters(page):
    box = page[page.index('id="orders-seasonal"'):]
    assert 'class="csv" data-mode="shown"' in box and 'class="csv" data-mode="all"' in box
    payload = json.loads(re.search(r'id="orders-seasonal-data">(.*?)</script>', page, re.S).group(1))
    assert payload["csv_name"] == "order_list_seasonal_2025-05-15.csv"
    cols = payload["columns"]
    assert {"sku_id", "location_id", "recommended_order_qty", "order_value_jpy", "style_id"} <= set(cols)
    assert [r[cols.index("recommended_order_qty")] for r in payload["rows"]] == [12, 0]
    assert payload["rows"][0][cols.index("order_value_jpy")] == 1234567  # raw number, not "¥1,234,567"
    assert 'class="f-nonzero" data-key="recommended_order_qty"' in box
    assert 'data-key="ltv_class"' in box and '<option value="高">高 / high</option>' in box


def test_money_is_formatted_in_yen(page):
    kpi = page[page.index('data-kpi="net_sales"'):page.index('data-kpi="gross_profit"')]
    assert "¥1,334,567" in kpi
    assert "¥1,234,567" in page  # the order value cell
    assert fmt.yen(1234567.4) == "¥1,234,567"
    assert fmt.yen(-1500) == "-¥1,500"
    assert fmt.yen(None) == fmt.yen(float("nan")) == fmt.yen(pd.NA) == "—"
    assert fmt.yen_compact(4_560_000) == "¥4.56M"
    assert fmt.pct(0.1234) == "12.3%" and fmt.signed_pct(-0.05) == "-5.0%"


def test_every_section_is_there_and_none_broke(page):
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in page
    assert "could not be drawn" not in page


def test_empty_and_missing_marts_are_said_plainly():
    page = render_report(_data({}, ("replenishment_order_list", "mart_zpm")))
    assert "could not be drawn" not in page
    for anchor in SECTIONS:
        assert f'id="{anchor}"' in page
    # a mart that exists but has no rows for the date, and one that does not exist at all
    assert "replenishment_order_list には基準日 2025-05-15 の行がありません" in page
    assert "replenishment_order_list has no rows for the as-of date 2025-05-15" in page
    assert "mart_campaign_effect does not exist in schema marts" in page
    kpis = page[page.index('id="kpis"'):page.index('id="channels"')]
    cards = re.findall(r'class="kpi( missing)?" data-kpi', kpis)
    assert len(cards) == 8 and all(cards)


def test_zero_order_rows_and_unknown_codes_render():
    orders = _orders("SKU-1").assign(reason=["weird_code", None], ltv_class=[None, "低"])
    data = _data({"orders_all": orders}, ("replenishment_order_list",))
    page = render_report(data)
    assert "weird_code" in page and "could not be drawn" not in page


def test_a_broken_section_does_not_break_the_report(monkeypatch):
    from ltvzaiko_tasks.report import page as page_mod

    def boom(_data):
        raise RuntimeError("<b>kaput</b>")

    monkeypatch.setattr(page_mod, "BUILDERS", (boom, *page_mod.BUILDERS[1:]))
    html = render_report(_full())
    assert "This section could not be drawn" in html and "&lt;b&gt;kaput&lt;/b&gt;" in html
    assert 'id="orders"' in html
