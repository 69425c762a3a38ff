"""Every source in its native format, with the columns the docs and the ingest contracts declare."""
import json
import re
from pathlib import Path

import pytest

from .helpers import header, read_csv, source_frames
from ltvzaiko_tasks.ingest.sources import LOCATIONS, PRODUCT_MASTER, STORE_POS
from ltvzaiko_tasks.world.extracts import campaigns, customers, ec_orders, malls, masters, stock
from ltvzaiko_tasks.world.tax import tax_included_in, tax_inclusive

DOCS = Path(__file__).resolve().parents[2] / "docs"
SOURCES = ("store_pos", "ec_orders", "mall_ichiba", "mall_bazaar", "mall_plaza", "product_master", "product_status",
           "locations", "customers", "customer_links", "inventory", "purchase_orders", "goods_receipts", "campaigns")


def test_every_source_is_written_for_every_date(tiny):
    assert sorted(p.name for p in tiny.out.iterdir()) == sorted(SOURCES)
    for source in SOURCES:
        folders = sorted(p.name for p in (tiny.out / source).iterdir())
        assert folders == tiny.dates, source
        for f in folders:
            assert len(list((tiny.out / source / f).iterdir())) == 1, (source, f)


def test_ingest_contracts_are_kept(tiny):
    d = tiny.dates[0]
    assert tuple(header(tiny.out / "store_pos" / d / "pos_lines_20250401.csv")) == STORE_POS.columns
    assert tuple(header(tiny.out / "product_master" / d / "products.csv")) == PRODUCT_MASTER.columns
    assert tuple(header(tiny.out / "locations" / d / "locations.csv")) == LOCATIONS.columns
    for source in (STORE_POS, PRODUCT_MASTER, LOCATIONS):
        assert len(source.files_for(tiny.out, d)) == 1


def test_locations_have_every_channel(tiny):
    loc = read_csv(tiny.out / "locations" / tiny.dates[0] / "locations.csv")
    assert set(loc.channel) == {"store", "ec", "mall"}
    assert list(loc[loc.channel == "ec"].location_code) == ["EC01"]
    assert list(loc[loc.channel == "mall"].location_code) == ["M01", "M02", "M03"]
    assert loc.location_code.is_unique


def test_pos_rows_follow_the_contract(tiny):
    pos = source_frames(tiny.out, "store_pos")
    assert len(pos) > 50
    assert (pos.sold_at.str[:10] == pos.business_date).all()
    assert pos.sold_at.str.match(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$").all()
    assert not pos.duplicated(["receipt_no", "line_no"]).any()
    qty, unit, disc, amount, tax = (pos[c].astype(int) for c in ("quantity", "unit_price_jpy", "discount_jpy",
                                                                  "line_amount_jpy", "tax_jpy"))
    assert (amount == qty * unit - disc).all()
    assert (tax == tax_included_in(amount.to_numpy())).all()
    assert (disc >= 0).all() and (unit >= 0).all()
    cards = pos.member_card_id[pos.member_card_id != ""]
    assert cards.str.match(r"^29\d{11}$").all() and len(cards) > 0
    for d in tiny.dates:
        day = pos[pos.business_date == d]
        products = read_csv(tiny.out / "product_master" / d / "products.csv")
        locations = read_csv(tiny.out / "locations" / d / "locations.csv")
        assert products.sku_code.is_unique
        assert set(day.sku_code) <= set(products.sku_code)
        stores = set(locations[locations.channel == "store"].location_code)
        assert set(day.store_code) <= stores


def test_ec_orders_are_valid_json_lines(tiny_month):
    n_orders = n_returns = 0
    for folder in sorted((tiny_month.out / "ec_orders").iterdir()):
        for line in (folder / f"ec_orders_{folder.name.replace('-', '')}.jsonl").read_text("utf-8").splitlines():
            rec = json.loads(line)
            if rec["record_type"] == "order":
                n_orders += 1
                assert tuple(rec) == ec_orders.ORDER_KEYS
                assert re.match(rf"^{folder.name}T\d\d:\d\d:\d\d\+09:00$", rec["ordered_at"])
                assert rec["customer_id"].startswith("E")
                items = sum(ln["line_amount_jpy"] for ln in rec["lines"])
                assert rec["items_total_jpy"] == items
                assert rec["order_total_jpy"] == items + rec["shipping_fee_jpy"]
                for ln in rec["lines"]:
                    assert tuple(ln) == ec_orders.LINE_KEYS
                    assert ln["line_amount_jpy"] == ln["quantity"] * ln["unit_price_jpy"] - ln["discount_jpy"]
            else:
                n_returns += 1
                assert tuple(rec) == ec_orders.RETURN_KEYS
                assert rec["returned_at"].startswith(folder.name) and rec["returned_at"].endswith("+09:00")
                assert all(ln["quantity"] < 0 for ln in rec["lines"])
    assert n_orders > 50 and n_returns > 0


@pytest.mark.parametrize("key", ["ichiba", "bazaar", "plaza"])
def test_mall_reports_are_cp932_with_japanese_headers(tiny_month, key):
    files = sorted((tiny_month.out / f"mall_{key}").rglob("*.csv"))
    assert len(files) == 35
    rows = 0
    for f in files:
        raw = f.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # Shift_JIS, not UTF-8
        text = raw.decode("cp932")
        assert text.split("\r\n")[0].split(",") == list(malls.COLUMNS[key])
        assert "\r\n" in text
        rows += text.count("\r\n") - 1
    df = source_frames(tiny_month.out, f"mall_{key}", encoding="cp932")
    assert rows == len(df) > 10
    qty_col = "個数" if key == "ichiba" else "数量"
    status_col = {"ichiba": "注文ステータス", "bazaar": "注文ステータス", "plaza": "ステータス"}[key]
    assert set(df[status_col]) <= set(malls.STATUS[key])
    assert ((df[qty_col].astype(int) < 0) == (df[status_col] == "返品")).all()
    assert re.search("[ァ-ヶ]", "".join(df["商品名"]))  # product names in katakana survived the round trip


def test_mall_prices_are_tax_inclusive(tiny_month):
    df = source_frames(tiny_month.out, "mall_ichiba", encoding="cp932")
    products = read_csv(tiny_month.out / "product_master" / tiny_month.dates[-1] / "products.csv")
    status = source_frames(tiny_month.out, "product_status")
    price = status.set_index(["business_date", "sku_code"]).selling_price_jpy.astype(int)
    sale = df[df["注文ステータス"] == "発送済"]
    excl = price.loc[list(zip(sale.business_date, sale["SKU管理番号"]))].to_numpy()
    assert (sale["単価"].astype(int).to_numpy() == tax_inclusive(excl)).all()
    assert set(sale["SKU管理番号"]) <= set(products.sku_code)


def test_documented_columns_match_the_files(tiny):
    """Every column of every file appears in its docs page (the docs describe every format)."""
    pages = {p.stem: p.read_text("utf-8") for p in (DOCS / "formats").glob("*.md")}
    expect = {
        "store_pos": STORE_POS.columns, "product_master": PRODUCT_MASTER.columns, "locations": LOCATIONS.columns,
        "product_status": masters.STATUS_COLUMNS, "customers": customers.CUSTOMERS_COLUMNS + customers.LINKS_COLUMNS,
        "inventory": stock.INVENTORY_COLUMNS, "purchase_orders": stock.PO_COLUMNS + stock.RECEIPTS_COLUMNS,
        "campaigns": campaigns.COLUMNS,
        "ec_orders": ec_orders.ORDER_KEYS + ec_orders.RETURN_KEYS + ec_orders.LINE_KEYS,
        "malls": malls.ICHIBA_COLUMNS + malls.BAZAAR_COLUMNS + malls.PLAZA_COLUMNS,
    }
    for page, cols in expect.items():
        for c in cols:
            assert re.search(rf"(\| |, ){re.escape(c)}( \||,)", pages[page]), (page, c)
    index = (DOCS / "landing_formats.md").read_text("utf-8")
    for source in SOURCES:
        assert f"`{source}`" in index


def test_customers_master_holds_pii_and_links(tiny_month):
    cust = source_frames(tiny_month.out, "customers")
    assert tuple(header(next((tiny_month.out / "customers").rglob("*.csv")))) == customers.CUSTOMERS_COLUMNS
    assert set(cust.change_type) == {"new", "update"}
    new = cust[cust.change_type == "new"]
    assert new.customer_key.is_unique
    assert new.email.str.match(r"^[a-z.]+\d*@example\.(com|net|org|jp)$").all()
    assert new.phone.str.match(r"^0[789]0-\d{4}-\d{4}$").all()
    assert (new.full_name != "").all() and (new.full_name_kana != "").all()
    first = cust[cust.business_date == tiny_month.dates[0]]
    assert (first.first_seen_on < tiny_month.dates[0]).sum() > 100  # the base registered before the first date
    links = source_frames(tiny_month.out, "customer_links")
    assert set(links.customer_key) <= set(cust.customer_key)
    assert set(links.mall_location_code) <= {"M01", "M02", "M03"}


def test_tax_arithmetic():
    assert int(tax_inclusive(1000)) == 1100
    assert int(tax_inclusive(2990)) == 3289
    assert int(tax_included_in(1100)) == 100
    assert int(tax_included_in(3289)) == 299  # floor(3289 * 10 / 110)
    assert int(tax_included_in(-3289)) == -299
