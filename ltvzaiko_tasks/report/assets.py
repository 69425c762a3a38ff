"""The page's inline stylesheet and script (no CDN, no fonts fetched; the file opens offline)."""
from __future__ import annotations

CSS = r"""
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--card:#fff;--accent:#2f5d8a}
*{box-sizing:border-box}
body{margin:0;font-family:"Noto Sans CJK JP","Noto Sans JP","Hiragino Sans","Yu Gothic",Meiryo,system-ui,sans-serif;
 color:var(--ink);background:var(--bg);font-size:14px;line-height:1.5}
header.top{position:sticky;top:0;z-index:5;background:#243b53;color:#fff;padding:10px 24px;display:flex;flex-wrap:wrap;
 align-items:center;gap:12px 24px}
header.top h1{font-size:18px;margin:0;font-weight:600}
header.top .meta{font-size:12px;color:#bcccdc}
header.top .switches{margin-left:auto;display:flex;gap:12px;align-items:center}
.switch{display:inline-flex;border:1px solid #829ab1;border-radius:6px;overflow:hidden}
.switch button{background:transparent;color:#d9e2ec;border:0;padding:4px 10px;font:inherit;font-size:12px;cursor:pointer}
.switch button[aria-pressed="true"]{background:#d9e2ec;color:#243b53;font-weight:600}
nav.toc{background:#fff;border-bottom:1px solid var(--line);padding:6px 24px;font-size:13px;display:flex;flex-wrap:wrap;gap:4px 16px}
nav.toc a{color:var(--accent);text-decoration:none}
main{max-width:1280px;margin:0 auto;padding:16px 24px 48px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
.sec-head{display:flex;align-items:baseline;gap:12px;flex-wrap:wrap}
h2{font-size:19px;margin:0 0 8px} h3{font-size:15px;margin:18px 0 6px} h4{font-size:13px;margin:4px 0}
h2 small,h3 small{color:var(--muted);font-weight:400;font-size:.75em;margin-left:6px}
.badge{font-size:11px;border:1px solid var(--accent);color:var(--accent);border-radius:10px;padding:1px 8px}
.badge.muted{border-color:#9fb3c8;color:var(--muted)}
body.lang-ja .en, body.lang-en .ja{display:none}
body.grain-sku .g-style, body.grain-style .g-sku{display:none}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:12px}
.kpi{border:1px solid var(--line);border-radius:8px;padding:10px 12px;background:#fbfcfd}
.kpi .k-label{font-size:12px;color:var(--muted)} .kpi .k-value{font-size:24px;font-weight:700;margin:2px 0}
.kpi .k-sub{font-size:12px} .kpi .k-src{font-size:10px;color:#9fb3c8;margin-top:4px;font-family:monospace}
.kpi.missing .k-value{color:#9fb3c8}
.note{color:var(--muted);font-size:12px;margin:6px 0} .axes{color:var(--muted);font-size:11px;margin:2px 0 8px}
.summary{font-weight:600;margin:6px 0}
.source{font-size:11px;color:#9fb3c8;margin:8px 0 0} .source code{font-size:11px}
.empty{border:1px dashed #9fb3c8;border-radius:6px;padding:12px;color:var(--muted);background:#f8fafc;margin:8px 0}
.tablewrap{overflow:auto;max-width:100%;border:1px solid var(--line);border-radius:6px;margin:6px 0}
.tablewrap.tall{max-height:520px}
table.grid{border-collapse:collapse;width:100%;font-size:12px}
table.grid th{position:sticky;top:0;background:#f0f4f8;text-align:left;font-weight:600;padding:5px 8px;
 border-bottom:1px solid var(--line);white-space:nowrap}
table.grid td{padding:4px 8px;border-bottom:1px solid #eef2f6;white-space:nowrap}
table.grid .n{text-align:right;font-variant-numeric:tabular-nums}
table.grid tbody tr:hover{background:#f5f9ff}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;margin:8px 0 4px;font-size:12px}
.controls input[type=search]{padding:4px 8px;border:1px solid #bcccdc;border-radius:4px;min-width:200px;font:inherit}
.controls select{font:inherit;padding:2px 4px}
.controls button.csv{font:inherit;padding:4px 10px;border:1px solid var(--accent);background:#fff;color:var(--accent);
 border-radius:4px;cursor:pointer}
.controls button.csv:hover{background:var(--accent);color:#fff}
.count{font-size:12px;color:var(--muted);margin:2px 0}
svg.chart{display:block;max-width:880px;height:auto;margin:4px 0}
svg.chart .tick{font-size:10px;fill:#616e7c;font-family:inherit}
svg.chart .gridline{stroke:#e4e7eb;stroke-width:1} svg.chart .refline{stroke:#7b8794;stroke-dasharray:4 3}
svg.chart .today{stroke:#243b53;stroke-width:1.5;stroke-dasharray:2 2}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin:2px 0 8px}
.legend .swatch{display:inline-block;width:14px;height:4px;background:var(--c);margin-right:5px;vertical-align:middle}
.legend .swatch.dashed{background:repeating-linear-gradient(90deg,var(--c) 0 4px,transparent 4px 7px)}
.hbars{max-width:880px;margin:4px 0 8px}
.hb{display:grid;grid-template-columns:minmax(120px,260px) 1fr minmax(90px,auto);gap:8px;align-items:center;font-size:12px;margin:2px 0}
.hb-l{overflow:hidden;text-overflow:ellipsis;white-space:nowrap} .hb-t{position:relative;height:14px;background:#f0f4f8;border-radius:3px}
.hb-b{position:absolute;top:0;bottom:0;border-radius:3px} .hb-v{font-variant-numeric:tabular-nums;white-space:nowrap}
.zpm-wrap{display:flex;flex-wrap:wrap;gap:16px;margin:8px 0}
table.zpm{border-collapse:separate;border-spacing:4px;font-size:12px}
table.zpm th{font-weight:600;color:var(--muted);font-size:11px;padding:2px 4px}
td.zc{vertical-align:top;width:230px;border-radius:6px;padding:8px;border:1px solid var(--line);background:#fff}
td.zc.empty-cell{background:#f8fafc;color:#9fb3c8}
td.zc.zLpHmH{background:#e3f1e6} td.zc.zHpLmL{background:#fbe4e2} td.zc.zHpHmL,td.zc.zHpLmH{background:#fdf3de}
td.zc.zLpLmL{background:#eef0f3} td.zc.zLpHmL,td.zc.zLpLmH,td.zc.zHpHmH{background:#eaf1f8}
.zcode{font-family:monospace;font-size:11px;color:var(--muted)} .zname{font-weight:600} .zn{font-size:18px;font-weight:700}
ul.acts{margin:4px 0 0;padding-left:16px;font-size:11px}
.chips{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0}
.chip{font-size:11px;border-radius:10px;padding:0 7px;border:1px solid var(--c);color:var(--c);background:#fff}
footer{max-width:1280px;margin:0 auto;padding:0 24px 32px;color:var(--muted);font-size:12px}
footer table.grid{max-width:720px}
@media print{header.top{position:static} .controls{display:none} .tablewrap.tall{max-height:none}}
"""

JS = r"""
(function(){
  "use strict";
  var body = document.body;
  function store(k, v){ try { window.localStorage.setItem(k, v); } catch (e) {} }
  function load(k){ try { return window.localStorage.getItem(k); } catch (e) { return null; } }
  function setMode(prefix, value, attr){
    Array.prototype.slice.call(body.classList).forEach(function(c){ if (c.indexOf(prefix + "-") === 0) body.classList.remove(c); });
    body.classList.add(prefix + "-" + value);
    document.querySelectorAll("[data-" + attr + "]").forEach(function(b){
      b.setAttribute("aria-pressed", b.getAttribute("data-" + attr) === value ? "true" : "false");
    });
    if (prefix === "lang") document.documentElement.lang = value;
    store("ltvzaiko-report-" + prefix, value);
  }
  document.querySelectorAll("[data-lang-set]").forEach(function(b){
    b.addEventListener("click", function(){ setMode("lang", b.getAttribute("data-lang-set"), "lang-set"); });
  });
  document.querySelectorAll("[data-grain-set]").forEach(function(b){
    b.addEventListener("click", function(){ setMode("grain", b.getAttribute("data-grain-set"), "grain-set"); });
  });
  // report.html#en or #ja,style: language and grain from the link, else the reader's last choice
  var tokens = (window.location.hash || "").replace("#", "").split(/[,&]/);
  function pick(options, key){
    for (var i = 0; i < tokens.length; i++) if (options.indexOf(tokens[i]) >= 0) return tokens[i];
    var saved = load(key);
    return options.indexOf(saved) >= 0 ? saved : null;
  }
  var lang = pick(["ja", "en"], "ltvzaiko-report-lang");
  if (lang) setMode("lang", lang, "lang-set");
  var grain = pick(["style", "sku"], "ltvzaiko-report-grain");
  if (grain) setMode("grain", grain, "grain-set");

  function csvCell(v){
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) v = v.join(" / ");
    var s = String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = "'" + s;  // no formulas in spreadsheets
    if (/[",\r\n]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
    return s;
  }
  function download(name, columns, rows){
    var lines = [columns.map(csvCell).join(",")];
    rows.forEach(function(r){ lines.push(r.map(csvCell).join(",")); });
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob); a.download = name;
    document.body.appendChild(a); a.click();
    setTimeout(function(){ URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  document.querySelectorAll(".itable").forEach(function(box){
    var script = document.getElementById(box.id + "-data");
    if (!script) return;
    var data = JSON.parse(script.textContent);
    var idx = {}; data.columns.forEach(function(c, i){ idx[c] = i; });
    var trs = box.querySelectorAll("tbody tr");
    var search = box.querySelector(".f-search");
    var selects = box.querySelectorAll(".f-select");
    var nonzero = box.querySelector(".f-nonzero");
    var count = box.querySelector(".f-count");
    function keep(row){
      var q = search && search.value.trim().toLowerCase();
      if (q) {
        var hit = data.search.some(function(k){ var v = row[idx[k]]; return v !== null && String(v).toLowerCase().indexOf(q) >= 0; });
        if (!hit) return false;
      }
      for (var i = 0; i < selects.length; i++) {
        var want = selects[i].value, k = selects[i].getAttribute("data-key");
        if (want !== "" && String(row[idx[k]]) !== want) return false;
      }
      if (nonzero && nonzero.checked) {
        var v = row[idx[nonzero.getAttribute("data-key")]];
        if (!(typeof v === "number" && v > 0)) return false;
      }
      return true;
    }
    function apply(){
      var n = 0;
      data.rows.forEach(function(row, i){
        var ok = keep(row); if (ok) n++;
        if (trs[i]) trs[i].style.display = ok ? "" : "none";
      });
      if (count) count.textContent = n.toLocaleString();
    }
    if (search) search.addEventListener("input", apply);
    selects.forEach(function(s){ s.addEventListener("change", apply); });
    if (nonzero) nonzero.addEventListener("change", apply);
    box.querySelectorAll("button.csv").forEach(function(b){
      b.addEventListener("click", function(){
        var rows = b.getAttribute("data-mode") === "all" ? data.rows : data.rows.filter(keep);
        download(data.csv_name, data.columns, rows);
      });
    });
    apply();
  });
  body.setAttribute("data-ready", "1");
})();
"""
