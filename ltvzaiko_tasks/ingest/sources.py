"""The landing sources we read: where their files are, what they must contain, which raw table they feed.

This is the one declaration of each source's file contract. The readers, the quality suites, the loader
and the docs all read it, so a rule is written once. The formats are documented column by column in
``docs/formats/``; ``docs/landing_formats.md`` is the ops-facing summary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class FileFormat(str, Enum):
    CSV = "csv"
    JSONL = "jsonl"


TIMESTAMP_FORMATS = ("iso_space", "iso_offset", "slash_minutes")
"""How a source writes its local (JST) timestamps: ``2025-04-01 21:14:05`` · ``2025-04-01T21:14:05+09:00`` ·
``2025/04/01 21:14``."""


@dataclass(frozen=True)
class Reference:
    """Values of ``column`` must exist in ``master_column`` of source ``master``."""
    column: str
    master: str
    master_column: str


@dataclass(frozen=True)
class RowKind:
    """Rules for the rows of one kind, e.g. sales against returns in a sales extract."""
    sign: int = 1
    """+1: the source's ``signed`` columns are ≥ 0 on these rows; -1: they are ≤ 0 (returns)."""
    not_null: tuple[str, ...] = ()
    """Columns that must be filled on rows of this kind."""
    business_timestamps: tuple[str, ...] = ()
    """Timestamp columns that must fall on the file's business date on rows of this kind."""


@dataclass(frozen=True)
class Source:
    name: str
    """Name used in audit rows and task ids."""
    folder: str
    """Folder under the landing zone: files of a business date are in ``<landing>/<folder>/<date>/``."""
    pattern: str
    """Glob of the files of one business date inside that folder."""
    raw_table: str
    columns: tuple[str, ...]
    """Canonical columns, in order: the raw table's columns and the header after ``header_map``."""
    description: str
    file_format: FileFormat = FileFormat.CSV
    encoding: str = "utf-8"
    header_map: dict[str, str] = field(default_factory=dict)
    """File header → canonical name (e.g. a mall's Japanese headers)."""
    key: tuple[str, ...] = ()
    """Columns that identify a row uniquely within a file."""
    not_null: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = ()
    nonzero: tuple[str, ...] = ()
    """Integer columns that must not be 0 (quantities)."""
    percentages: tuple[str, ...] = ()
    """Integer columns holding a percentage, 0 to 100."""
    dates: tuple[str, ...] = ()
    """Columns holding ``YYYY-MM-DD`` dates (empty allowed unless in ``not_null``)."""
    dates_on_business_date: tuple[str, ...] = ()
    """Date columns whose value must be the file's business date."""
    timestamp_format: str = "iso_space"
    """One of :data:`TIMESTAMP_FORMATS`: how this source writes timestamps."""
    timestamps: tuple[str, ...] = ()
    """Timestamp columns in ``timestamp_format`` (any date; e.g. the original order time of a return)."""
    business_timestamps: tuple[str, ...] = ()
    """Timestamp columns that must fall on the file's business date (JST), in ``timestamp_format``."""
    allowed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)
    """Column → regular expression every non-empty value must match (codes with a documented shape)."""
    kind_column: str | None = None
    """Column telling the kind of a row (order / return); its allowed values are the keys of ``kinds``."""
    kinds: dict[str, RowKind] = field(default_factory=dict)
    signed: tuple[str, ...] = ()
    """Integer columns whose sign follows the row kind (quantities and amounts: negative on returns)."""
    references: tuple[Reference, ...] = ()
    pii: tuple[str, ...] = ()
    """Personal data (SPEC §9): stays in ``raw``, never reaches a mart, never shown as an example value."""
    required: bool = True
    """A business date without a file of this source is an error. ``False`` for snapshots that may skip a
    day: the latest snapshot delivered stays in force."""
    may_be_empty: bool = False
    """A file without data rows (CSV: header only; JSON Lines: 0 bytes) is a valid delivery, loaded as
    zero rows: deltas and quiet channels. Otherwise an empty file is quarantined (``has_rows``)."""

    def files_for(self, landing: Path, business_date: str) -> list[Path]:
        folder = Path(landing) / self.folder / business_date
        return sorted(p for p in folder.glob(self.pattern) if p.is_file())

    def __post_init__(self):
        cols = set(self.columns)
        named = (*self.key, *self.not_null, *self.integers, *self.non_negative, *self.nonzero, *self.percentages,
                 *self.dates, *self.dates_on_business_date, *self.timestamps, *self.business_timestamps,
                 *self.allowed, *self.patterns, *self.signed, *self.pii, *(r.column for r in self.references),
                 *((self.kind_column,) if self.kind_column else ()),
                 *(c for k in self.kinds.values() for c in (*k.not_null, *k.business_timestamps)))
        unknown = sorted({c for c in named if c not in cols})
        if unknown:
            raise ValueError(f"source {self.name}: rules name columns it does not have: {unknown}")
        if self.header_map and sorted(self.header_map.values()) != sorted(self.columns):
            raise ValueError(f"source {self.name}: header_map must map onto every canonical column exactly once")
        if self.timestamp_format not in TIMESTAMP_FORMATS:
            raise ValueError(f"source {self.name}: timestamp_format must be one of {TIMESTAMP_FORMATS}")
        if bool(self.kinds) != bool(self.kind_column) or (self.signed and not self.kinds):
            raise ValueError(f"source {self.name}: kinds, kind_column and signed go together")


MALL_LOCATIONS = {"mall_ichiba": "M01", "mall_bazaar": "M02", "mall_plaza": "M03"}
"""Which location each mall's report sells from (the reports do not name the retailer's stock point)."""

SKU = Reference("sku_code", "product_master", "sku_code")


def _location(column: str) -> Reference:
    return Reference(column, "locations", "location_code")


# --- masters (full snapshots) -------------------------------------------------------------------------------

PRODUCT_MASTER = Source(
    name="product_master",
    folder="product_master",
    pattern="products.csv",
    raw_table="product_master",
    columns=("sku_code", "style_code", "style_name", "color_code", "color_name", "size_code", "category", "brand",
             "season_code", "item_type", "season_start", "season_end", "list_price_jpy", "unit_cost_jpy",
             "supplier_code", "lead_time_mean_days", "lead_time_sd_days", "moq", "case_pack"),
    description="Product master (商品マスタ): style → SKU",
    key=("sku_code",),
    not_null=("sku_code", "style_code", "item_type", "list_price_jpy", "unit_cost_jpy", "moq", "case_pack",
              "category", "season_code", "supplier_code", "lead_time_mean_days", "lead_time_sd_days"),
    integers=("list_price_jpy", "unit_cost_jpy", "moq", "case_pack"),
    non_negative=("list_price_jpy", "unit_cost_jpy", "moq", "case_pack", "lead_time_mean_days",
                  "lead_time_sd_days"),
    nonzero=("moq", "case_pack"),
    dates=("season_start", "season_end"),
    allowed={"item_type": ("staple", "seasonal"), "season_code": ("ALL", "SS", "AW")},
)
LOCATIONS = Source(
    name="locations",
    folder="locations",
    pattern="locations.csv",
    raw_table="locations",
    columns=("location_code", "location_name", "channel", "region", "prefecture", "size_class", "opened_on"),
    description="Location master (拠点マスタ)",
    key=("location_code",),
    not_null=("location_code", "channel"),
    dates=("opened_on",),
    allowed={"channel": ("store", "ec", "mall"), "size_class": ("S", "M", "L")},
    required=False,
)
PRODUCT_STATUS = Source(
    name="product_status",
    folder="product_status",
    pattern="product_status.csv",
    raw_table="product_status",
    columns=("sku_code", "style_code", "status", "launch_date", "end_date", "last_order_date", "regular_price_jpy",
             "selling_price_jpy", "markdown_pct"),
    description="SKU lifecycle and selling price (商品ステータス・売価)",
    key=("sku_code",),
    not_null=("sku_code", "style_code", "status", "launch_date", "regular_price_jpy", "selling_price_jpy",
              "markdown_pct"),
    integers=("regular_price_jpy", "selling_price_jpy", "markdown_pct"),
    non_negative=("regular_price_jpy", "selling_price_jpy", "markdown_pct"),
    percentages=("markdown_pct",),
    dates=("launch_date", "end_date", "last_order_date"),
    allowed={"status": ("planned", "active", "markdown", "ended")},
    references=(SKU,),
)
CAMPAIGNS = Source(
    name="campaigns",
    folder="campaigns",
    pattern="campaigns.csv",
    raw_table="campaigns",
    columns=("campaign_code", "campaign_name", "mechanism", "channels", "location_codes", "start_date", "end_date",
             "discount_pct", "coupon_code", "points_multiplier", "member_only", "target_level", "target_code"),
    description="Campaign master (施策マスタ)",
    key=("campaign_code", "target_level", "target_code"),
    not_null=("campaign_code", "campaign_name", "mechanism", "channels", "start_date", "end_date", "discount_pct",
              "points_multiplier", "member_only", "target_level"),
    integers=("discount_pct", "points_multiplier"),
    non_negative=("discount_pct", "points_multiplier"),
    nonzero=("points_multiplier",),
    percentages=("discount_pct",),
    dates=("start_date", "end_date"),
    allowed={"mechanism": ("percent_off", "coupon", "points", "mall_sale"), "member_only": ("true", "false"),
             "target_level": ("all", "category", "style", "sku")},
    patterns={"channels": r"^(?:store|ec|mall)(?:;(?:store|ec|mall))*$",
              "location_codes": r"^[A-Za-z0-9_-]+(?:;[A-Za-z0-9_-]+)*$"},
    required=False,
)

# --- customers (deltas, PII) --------------------------------------------------------------------------------

CUSTOMERS = Source(
    name="customers",
    folder="customers",
    pattern="customers_*.csv",
    raw_table="customers",
    columns=("customer_key", "change_type", "member_card_id", "ec_customer_id", "acquisition_channel",
             "first_seen_on", "home_store_code", "full_name", "full_name_kana", "email", "phone", "gender",
             "birth_year", "prefecture_code", "updated_on"),
    description="Customers master delta (顧客マスタ, PII)",
    key=("customer_key", "change_type"),
    # On the first date of a landing zone a customer may be both "new" (registered before) and "update"
    # (added an id that day): apply new, then update.
    not_null=("customer_key", "change_type", "acquisition_channel", "first_seen_on", "updated_on"),
    integers=("birth_year",),
    non_negative=("birth_year",),
    dates=("first_seen_on", "updated_on"),
    dates_on_business_date=("updated_on",),
    allowed={"change_type": ("new", "update"), "acquisition_channel": ("store", "ec"), "gender": ("F", "M")},
    patterns={"customer_key": r"^C\d{8}$", "member_card_id": r"^29\d{11}$", "ec_customer_id": r"^E\d{9}$"},
    references=(_location("home_store_code"),),
    pii=("full_name", "full_name_kana", "email", "phone"),
    may_be_empty=True,
)
CUSTOMER_LINKS = Source(
    name="customer_links",
    folder="customer_links",
    pattern="mall_buyer_links_*.csv",
    raw_table="customer_links",
    columns=("customer_key", "mall_location_code", "mall_buyer_id", "linked_on"),
    description="Mall buyer id ↔ customer links delta (ID連携)",
    key=("mall_location_code", "mall_buyer_id"),
    not_null=("customer_key", "mall_location_code", "mall_buyer_id", "linked_on"),
    dates=("linked_on",),
    patterns={"customer_key": r"^C\d{8}$"},
    references=(_location("mall_location_code"),),
    may_be_empty=True,
)

# --- sales ----------------------------------------------------------------------------------------------------

STORE_POS = Source(
    name="store_pos",
    folder="store_pos",
    pattern="pos_lines_*.csv",
    raw_table="store_pos_lines",
    columns=("store_code", "receipt_no", "line_no", "sold_at", "sku_code", "quantity", "unit_price_jpy",
             "discount_jpy", "line_amount_jpy", "tax_jpy", "member_card_id"),
    description="Store POS receipt lines (店舗 POS)",
    key=("receipt_no", "line_no"),
    not_null=("store_code", "receipt_no", "line_no", "sold_at", "sku_code", "quantity", "unit_price_jpy",
              "line_amount_jpy"),
    integers=("line_no", "quantity", "unit_price_jpy", "discount_jpy", "line_amount_jpy", "tax_jpy"),
    non_negative=("line_no", "unit_price_jpy", "discount_jpy"),
    nonzero=("quantity",),
    business_timestamps=("sold_at",),
    references=(SKU, _location("store_code")),
)

EC_LINE = ("line_no", "sku_code", "quantity", "unit_price_jpy", "discount_jpy", "line_amount_jpy", "tax_jpy")
EC_ORDERS = Source(
    name="ec_orders",
    folder="ec_orders",
    pattern="ec_orders_*.jsonl",
    raw_table="ec_order_lines",
    columns=("record_type", "order_id", "return_id", "ordered_at", "returned_at", "customer_id",
             "fulfilment_location", "device", "payment_method", "coupon_code", "points_multiplier", "points_earned",
             "items_total_jpy", "discount_total_jpy", "shipping_fee_jpy", "order_total_jpy", "order_tax_jpy",
             "refund_total_jpy", *EC_LINE),
    description="Own EC orders and returns, one row per line (自社EC 受注)",
    file_format=FileFormat.JSONL,
    key=("record_type", "order_id", "return_id", "line_no"),
    not_null=("record_type", "order_id", "customer_id", "fulfilment_location", *EC_LINE),
    integers=("points_multiplier", "points_earned", "items_total_jpy", "discount_total_jpy", "shipping_fee_jpy",
              "order_total_jpy", "order_tax_jpy", "refund_total_jpy", "line_no", "quantity", "unit_price_jpy",
              "discount_jpy", "line_amount_jpy", "tax_jpy"),
    non_negative=("points_multiplier", "points_earned", "items_total_jpy", "discount_total_jpy",
                  "shipping_fee_jpy", "order_total_jpy", "order_tax_jpy", "line_no", "unit_price_jpy",
                  "discount_jpy"),
    nonzero=("quantity", "points_multiplier"),
    timestamp_format="iso_offset",
    allowed={"device": ("app", "web"),
             "payment_method": ("credit_card", "qr_pay", "convenience_store", "cash_on_delivery", "carrier_billing")},
    patterns={"customer_id": r"^E\d{9}$"},
    kind_column="record_type",
    kinds={"order": RowKind(sign=1, not_null=("ordered_at", "device", "payment_method", "points_multiplier",
                                              "points_earned", "items_total_jpy", "discount_total_jpy",
                                              "shipping_fee_jpy", "order_total_jpy", "order_tax_jpy"),
                            business_timestamps=("ordered_at",)),
           "return": RowKind(sign=-1, not_null=("return_id", "returned_at", "refund_total_jpy"),
                             business_timestamps=("returned_at",))},
    signed=("quantity", "line_amount_jpy", "tax_jpy", "refund_total_jpy"),
    references=(SKU, _location("fulfilment_location"), Reference("coupon_code", "campaigns", "coupon_code")),
    may_be_empty=True,
)

MALL_ICHIBA = Source(
    name="mall_ichiba",
    folder="mall_ichiba",
    pattern="ichiba_orders_*.csv",
    raw_table="mall_ichiba_order_lines",
    columns=("order_no", "ordered_at", "updated_at", "order_status", "style_code", "sku_code", "product_name",
             "unit_price_jpy", "quantity", "discount_jpy", "line_amount_jpy", "shipping_fee_jpy", "buyer_id"),
    description="楽市モール order report (M01, Rakuten-style)",
    encoding="cp932",
    header_map={"注文番号": "order_no", "注文日時": "ordered_at", "更新日時": "updated_at",
                "注文ステータス": "order_status", "商品管理番号": "style_code", "SKU管理番号": "sku_code",
                "商品名": "product_name", "単価": "unit_price_jpy", "個数": "quantity", "値引額": "discount_jpy",
                "小計": "line_amount_jpy", "送料": "shipping_fee_jpy", "購入者ID": "buyer_id"},
    key=("order_no", "order_status", "sku_code"),
    not_null=("order_no", "ordered_at", "updated_at", "order_status", "style_code", "sku_code", "unit_price_jpy",
              "quantity", "discount_jpy", "line_amount_jpy", "shipping_fee_jpy", "buyer_id"),
    integers=("unit_price_jpy", "quantity", "discount_jpy", "line_amount_jpy", "shipping_fee_jpy"),
    non_negative=("unit_price_jpy", "discount_jpy", "shipping_fee_jpy"),
    nonzero=("quantity",),
    timestamps=("ordered_at",),
    business_timestamps=("updated_at",),
    patterns={"buyer_id": r"^rk[0-9a-f]{10}$"},
    kind_column="order_status",
    kinds={"発送済": RowKind(sign=1, business_timestamps=("ordered_at",)), "返品": RowKind(sign=-1)},
    signed=("quantity", "line_amount_jpy"),
    references=(SKU, Reference("style_code", "product_master", "style_code")),
    may_be_empty=True,
)
MALL_BAZAAR = Source(
    name="mall_bazaar",
    folder="mall_bazaar",
    pattern="bazaar_orders_*.csv",
    raw_table="mall_bazaar_order_lines",
    columns=("order_no", "ordered_at", "updated_at", "order_status", "sku_code", "product_name", "quantity",
             "gross_amount_jpy", "discount_jpy", "shipping_fee_jpy", "buyer_id"),
    description="バザールモール order report (M02, Amazon-style)",
    encoding="cp932",
    header_map={"注文番号": "order_no", "購入日": "ordered_at", "最終更新日": "updated_at",
                "注文ステータス": "order_status", "出品者SKU": "sku_code", "商品名": "product_name", "数量": "quantity",
                "商品価格": "gross_amount_jpy", "プロモーション割引": "discount_jpy", "配送料": "shipping_fee_jpy",
                "購入者ID": "buyer_id"},
    key=("order_no", "order_status", "sku_code"),
    not_null=("order_no", "ordered_at", "updated_at", "order_status", "sku_code", "quantity", "gross_amount_jpy",
              "discount_jpy", "shipping_fee_jpy", "buyer_id"),
    integers=("quantity", "gross_amount_jpy", "discount_jpy", "shipping_fee_jpy"),
    non_negative=("discount_jpy", "shipping_fee_jpy"),
    nonzero=("quantity",),
    timestamp_format="iso_offset",
    timestamps=("ordered_at",),
    business_timestamps=("updated_at",),
    patterns={"buyer_id": r"^A[0-9A-Z]{13}$"},
    kind_column="order_status",
    kinds={"出荷済み": RowKind(sign=1, business_timestamps=("ordered_at",)), "返品": RowKind(sign=-1)},
    signed=("quantity", "gross_amount_jpy"),
    references=(SKU,),
    may_be_empty=True,
)
MALL_PLAZA = Source(
    name="mall_plaza",
    folder="mall_plaza",
    pattern="plaza_orders_*.csv",
    raw_table="mall_plaza_order_lines",
    columns=("order_no", "ordered_at", "updated_at", "order_status", "sku_code", "product_name", "quantity",
             "unit_price_jpy", "discount_jpy", "points_granted", "buyer_id"),
    description="プラザモール order report (M03, Yahoo-style)",
    encoding="cp932",
    header_map={"注文ID": "order_no", "注文日時": "ordered_at", "更新日時": "updated_at", "ステータス": "order_status",
                "商品コード": "sku_code", "商品名": "product_name", "数量": "quantity", "単価": "unit_price_jpy",
                "値引き": "discount_jpy", "付与ポイント": "points_granted", "顧客ID": "buyer_id"},
    key=("order_no", "order_status", "sku_code"),
    not_null=("order_no", "ordered_at", "updated_at", "order_status", "sku_code", "quantity", "unit_price_jpy",
              "discount_jpy", "points_granted", "buyer_id"),
    integers=("quantity", "unit_price_jpy", "discount_jpy", "points_granted"),
    non_negative=("unit_price_jpy", "discount_jpy", "points_granted"),
    nonzero=("quantity",),
    timestamp_format="slash_minutes",
    timestamps=("ordered_at",),
    business_timestamps=("updated_at",),
    patterns={"buyer_id": r"^yj_\d{12}$"},
    kind_column="order_status",
    kinds={"注文確定": RowKind(sign=1, business_timestamps=("ordered_at",)), "返品": RowKind(sign=-1)},
    signed=("quantity",),
    references=(SKU,),
    may_be_empty=True,
)

# --- stock and supply -----------------------------------------------------------------------------------------

INVENTORY = Source(
    name="inventory",
    folder="inventory",
    pattern="inventory_*.csv",
    raw_table="inventory_on_hand",
    columns=("location_code", "sku_code", "on_hand_qty"),
    description="End-of-day stock on hand (在庫)",
    key=("location_code", "sku_code"),
    not_null=("location_code", "sku_code", "on_hand_qty"),
    integers=("on_hand_qty",),
    non_negative=("on_hand_qty",),
    references=(SKU, _location("location_code")),
)
PURCHASE_ORDERS = Source(
    name="purchase_orders",
    folder="purchase_orders",
    pattern="open_purchase_orders_*.csv",
    raw_table="open_purchase_order_lines",
    columns=("po_number", "po_line_no", "supplier_code", "location_code", "sku_code", "ordered_on",
             "expected_arrival_on", "ordered_qty"),
    description="Open purchase order lines (発注残)",
    key=("po_number", "po_line_no"),
    not_null=("po_number", "po_line_no", "supplier_code", "location_code", "sku_code", "ordered_on",
              "expected_arrival_on", "ordered_qty"),
    integers=("po_line_no", "ordered_qty"),
    non_negative=("po_line_no", "ordered_qty"),
    nonzero=("ordered_qty",),
    dates=("ordered_on", "expected_arrival_on"),
    patterns={"po_number": r"^PO\d{8}$"},
    references=(SKU, _location("location_code"), Reference("supplier_code", "product_master", "supplier_code")),
)
GOODS_RECEIPTS = Source(
    name="goods_receipts",
    folder="goods_receipts",
    pattern="goods_receipts_*.csv",
    raw_table="goods_receipt_lines",
    columns=("po_number", "po_line_no", "supplier_code", "location_code", "sku_code", "ordered_on", "ordered_qty",
             "received_qty", "received_on"),
    description="Purchase order lines received (入荷)",
    key=("po_number", "po_line_no"),
    not_null=("po_number", "po_line_no", "supplier_code", "location_code", "sku_code", "ordered_on",
              "ordered_qty", "received_qty", "received_on"),
    integers=("po_line_no", "ordered_qty", "received_qty"),
    non_negative=("po_line_no", "ordered_qty", "received_qty"),
    nonzero=("ordered_qty",),
    dates=("ordered_on", "received_on"),
    dates_on_business_date=("received_on",),
    patterns={"po_number": r"^PO\d{8}$"},
    references=(SKU, _location("location_code"), Reference("supplier_code", "product_master", "supplier_code")),
    may_be_empty=True,
)

SOURCES: dict[str, Source] = {s.name: s for s in (
    PRODUCT_MASTER, LOCATIONS, PRODUCT_STATUS, CAMPAIGNS, CUSTOMERS, CUSTOMER_LINKS,
    STORE_POS, EC_ORDERS, MALL_ICHIBA, MALL_BAZAAR, MALL_PLAZA,
    INVENTORY, PURCHASE_ORDERS, GOODS_RECEIPTS)}
"""Every source, masters first (references are checked against the masters)."""
