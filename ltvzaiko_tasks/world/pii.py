"""Synthetic personal data (個人情報) for the customers master: names, e-mail, phone.

Values are fixed per customer (hashed from the customer index and the seed), use reserved example domains,
and are meant to exercise PII handling: they must never reach a mart.
"""
from __future__ import annotations

import numpy as np

from .rng import hash64

SURNAMES = (("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
            ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
            ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
            ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
            ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
            ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
            ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
            ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
            ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("山下", "ヤマシタ", "yamashita"),
            ("中島", "ナカジマ", "nakajima"), ("石井", "イシイ", "ishii"), ("小川", "オガワ", "ogawa"))
GIVEN_NAMES = (("陽菜", "ヒナ", "hina", "F"), ("結衣", "ユイ", "yui", "F"), ("美咲", "ミサキ", "misaki", "F"),
               ("さくら", "サクラ", "sakura", "F"), ("葵", "アオイ", "aoi", "F"), ("花子", "ハナコ", "hanako", "F"),
               ("愛", "アイ", "ai", "F"), ("真由美", "マユミ", "mayumi", "F"), ("恵子", "ケイコ", "keiko", "F"),
               ("由美", "ユミ", "yumi", "F"), ("明美", "アケミ", "akemi", "F"), ("優子", "ユウコ", "yuko", "F"),
               ("彩", "アヤ", "aya", "F"), ("奈々", "ナナ", "nana", "F"), ("舞", "マイ", "mai", "F"),
               ("翔太", "ショウタ", "shota", "M"), ("大輝", "ダイキ", "daiki", "M"), ("蓮", "レン", "ren", "M"),
               ("悠真", "ユウマ", "yuma", "M"), ("拓也", "タクヤ", "takuya", "M"), ("健太", "ケンタ", "kenta", "M"),
               ("直樹", "ナオキ", "naoki", "M"), ("浩二", "コウジ", "koji", "M"), ("誠", "マコト", "makoto", "M"),
               ("隆", "タカシ", "takashi", "M"), ("大介", "ダイスケ", "daisuke", "M"), ("和也", "カズヤ", "kazuya", "M"))
DOMAINS = ("example.com", "example.net", "example.org", "example.jp")


def personal_data(idx: np.ndarray, seed: int) -> dict[str, list]:
    """Name (漢字, カナ), gender, birth year, e-mail and phone of each customer index."""
    h = hash64(np.asarray(idx, dtype=np.uint64), salt=seed * 7919 + 5).tolist()
    out: dict[str, list] = {"full_name": [], "full_name_kana": [], "gender": [], "birth_year": [], "email": [],
                            "phone": []}
    for i, x in zip(np.asarray(idx).tolist(), h):
        sur = SURNAMES[x % len(SURNAMES)]
        giv = GIVEN_NAMES[(x >> 8) % len(GIVEN_NAMES)]
        out["full_name"].append(f"{sur[0]} {giv[0]}")
        out["full_name_kana"].append(f"{sur[1]} {giv[1]}")
        out["gender"].append(giv[3])
        out["birth_year"].append(1950 + (x >> 16) % 56)
        out["email"].append(f"{giv[2]}.{sur[2]}{i % 9973}@{DOMAINS[(x >> 24) % len(DOMAINS)]}")
        out["phone"].append(f"0{(7, 8, 9)[(x >> 28) % 3]}0-{(x >> 32) % 10000:04d}-{(x >> 46) % 10000:04d}")
    return out
