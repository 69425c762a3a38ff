"""The landing sources we read: where their files are, which columns they carry, which raw table they feed.

This is the one declaration of each source's file contract; the loader, the quality suites and the
docs all read it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Source:
    name: str
    """Folder under the landing zone and the name used in audit rows."""
    pattern: str
    """Glob of the files of one business date, inside ``<landing>/<name>/<date>/``."""
    raw_table: str
    columns: tuple[str, ...]
    """Columns of the file, in order (the header must match exactly)."""
    description: str

    def files_for(self, landing: Path, business_date: str) -> list[Path]:
        folder = Path(landing) / self.name / business_date
        return sorted(p for p in folder.glob(self.pattern) if p.is_file())


STORE_POS = Source(
    name="store_pos",
    pattern="pos_lines_*.csv",
    raw_table="store_pos_lines",
    columns=("store_code", "receipt_no", "line_no", "sold_at", "sku_code", "quantity", "unit_price_jpy",
             "discount_jpy", "line_amount_jpy", "tax_jpy", "member_card_id"),
    description="Store POS receipt lines (店舗 POS)",
)
PRODUCT_MASTER = Source(
    name="product_master",
    pattern="products.csv",
    raw_table="product_master",
    columns=("sku_code", "style_code", "style_name", "color_code", "color_name", "size_code", "category", "brand",
             "season_code", "item_type", "season_start", "season_end", "list_price_jpy", "unit_cost_jpy",
             "supplier_code", "lead_time_mean_days", "lead_time_sd_days", "moq", "case_pack"),
    description="Product master (商品マスタ): style → SKU",
)
LOCATIONS = Source(
    name="locations",
    pattern="locations.csv",
    raw_table="locations",
    columns=("location_code", "location_name", "channel", "region", "prefecture", "size_class", "opened_on"),
    description="Location master (拠点マスタ)",
)

SOURCES: dict[str, Source] = {s.name: s for s in (PRODUCT_MASTER, LOCATIONS, STORE_POS)}
"""Every source, masters first (load order)."""
