"""The report on marts the real pipeline stages built (the shared 50-day `built` world, schema marts_build)."""
from __future__ import annotations

import re

from conftest import AS_OF


def test_report_on_the_model_world_shows_the_what_if_and_the_markdown_triage(built, tmp_path):
    from ltvzaiko_tasks.report import build_report

    url, _ = built
    out = build_report(out=tmp_path / "report.html", as_of=AS_OF, url=url, schema="marts_build")
    html = out.read_text(encoding="utf-8")
    # scenario analysis of the staple list: as published + four service levels, with costs and stock-out risk
    what_if = html[html.index("What-if: other service levels"):]
    what_if = what_if[:what_if.index("</table>")]
    assert "Cannot be computed" not in what_if and "No staple order list" not in what_if
    rows = re.findall(r"<tr>", what_if)
    assert len(rows) >= 6, what_if[:2000]  # header + as published + 90 %, 95 %, 98 %, 99.5 %
    for level in ("90.0%", "95.0%", "98.0%", "99.5%"):
        assert level in what_if
    # the markdown triage reads its mart (no "not published" note)
    assert "markdown_recommendations" in html
    assert "推奨値引率" in html and "Suggested markdown" in html  # bilingual columns, not raw names
    assert any(label in html for label in ("定価で保留", "値下げで売り切る", "店間移動", "高LTV顧客へクーポン"))
