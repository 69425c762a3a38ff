"""Japanese and English names of the codes the marts use (channel, item type, segment, reasons, statuses)."""
from __future__ import annotations

import re

ENUMS: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {"store": ("店舗", "store"), "ec": ("自社EC", "own EC"), "mall": ("モール", "mall"),
                "all": ("全チャネル", "all channels"), "unknown": ("不明", "unknown")},
    "item_type": {"staple": ("定番品", "staple"), "seasonal": ("シーズン品", "seasonal"),
                  "unknown": ("不明", "unknown")},
    "segment": {"high": ("高", "high"), "mid": ("中", "mid"), "low": ("低", "low")},
    "ltv_class": {"高": ("高", "high"), "中": ("中", "mid"), "低": ("低", "low"), "unknown": ("不明", "unknown")},
    "segment_type": {"all": ("全体", "all"), "item_type": ("商品タイプ", "item type"),
                     "ltv_class": ("商品LTVクラス", "item LTV class")},
    "reason": {"none": ("制約なし", "none"), "no_need": ("発注不要", "no need"), "case_pack": ("ケース単位に丸め", "case pack"),
               "moq": ("最小発注数に引上げ", "MOQ"), "below_moq": ("最小発注数未満", "below MOQ"),
               "budget": ("予算上限", "budget"), "order_window_closed": ("発注期限後", "order window closed"),
               "no_forecast": ("予測なし（履歴不足）", "no forecast yet")},
    "method": {"periodic_review_order_up_to": ("定期発注・補充点方式", "periodic review, order-up-to"),
               "newsvendor": ("新聞売り子モデル", "newsvendor")},
    "sell_through_status": {"sold_out": ("完売", "sold out"), "continuing": ("継続品", "continuing"),
                            "not_selling": ("動きなし", "not selling"),
                            "overstock_risk": ("売れ残りリスク", "overstock risk"),
                            "early_sell_out_risk": ("早期完売リスク", "early sell-out risk"),
                            "on_track": ("計画通り", "on track")},
    "projection_basis": {"forecast": ("需要予測", "forecast"), "run_rate": ("直近ペース", "run rate")},
    "model": {"xgboost": ("XGBoost", "XGBoost"), "seasonal_naive": ("季節ナイーブ", "seasonal naive"),
              "moving_average": ("移動平均", "moving average")},
    "mechanism": {"percent_off": ("値引", "percent off"), "coupon": ("クーポン", "coupon"),
                  "points": ("ポイント倍率", "points"), "mall_sale": ("モールセール", "mall sale")},
    "product_status": {"planned": ("販売前", "planned"), "active": ("販売中", "active"),
                       "markdown": ("値下げ中", "markdown"), "ended": ("販売終了", "ended"), "unknown": ("不明", "unknown")},
    "dead_stock_reason": {"off_sale": ("販売終了品", "off sale")},
    "markdown_action": {"sell_down": ("値下げで売り切る", "sell down"), "hold": ("定価で保留", "hold"),
                        "targeted_coupon": ("高LTV顧客へクーポン", "targeted coupon"),
                        "transfer": ("店間移動", "transfer")},
    "bool": {"True": ("はい", "yes"), "False": ("いいえ", "no"), "true": ("はい", "yes"), "false": ("いいえ", "no")},
}


def enum_label(kind: str, value) -> tuple[str, str]:
    """(ja, en) for a code; an unknown code is shown as itself in both languages."""
    text = "" if value is None else str(value)
    if kind == "dead_stock_reason":
        m = re.fullmatch(r"no_sale_(\d+)d", text)
        if m:
            return f"{m.group(1)}日間販売なし", f"no sale for {m.group(1)} days"
    return ENUMS.get(kind, {}).get(text, (text, text))


def option_text(kind: str, value) -> str:
    ja, en = enum_label(kind, value)
    return ja if ja == en else f"{ja} / {en}"
