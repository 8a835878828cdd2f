/* Review pages: keyboard review of the figures of one report. Inline, no dependency.
   Decisions go to the server (analysis review --serve) when the page is served by it,
   else to this browser's localStorage and a corrections.csv download. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("review-data").textContent);
  var KEY = "analysis-review:";
  var COLS = DATA.ledger_columns;
  var REVIEW_OF = {confirm: "confirmed", fix: "fixed", reject: "rejected", add: "added"};

  function csvCell(v) {
    v = v === null || v === undefined ? "" : String(v);
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }
  function toCsv(rows, cols) {
    var lines = [cols.join(",")];
    rows.forEach(function (r) { lines.push(cols.map(function (c) { return csvCell(r[c]); }).join(",")); });
    return "\ufeff" + lines.join("\n") + "\n";
  }
  function download(rows, cols, name) {
    var blob = new Blob([toCsv(rows, cols)], {type: "text/csv;charset=utf-8"});
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function storage() { try { return window.localStorage; } catch (e) { return null; } }
  function stored(docId) {
    var s = storage();
    try { return JSON.parse((s && s.getItem(KEY + docId)) || "[]"); } catch (e) { return []; }
  }
  function keyOf(r) {
    return [r.doc_id, r.char_start, r.char_end, r.action === "add" ? "add:" + (r.metric_id || "") : ""].join("\u0001");
  }

  if (DATA.index) {
    document.getElementById("download-all").addEventListener("click", function () {
      var s = storage(), rows = [];
      if (s) for (var i = 0; i < s.length; i++) {
        var k = s.key(i);
        if (k && k.indexOf(KEY) === 0) rows = rows.concat(stored(k.slice(KEY.length)));
      }
      download(rows, COLS, "corrections.csv");
    });
    return;
  }

  var docId = DATA.doc.doc_id;
  var figs = DATA.figures;
  var markOf = {}, rowOf = {};
  Array.prototype.forEach.call(document.querySelectorAll("#text .figure"), function (m) { markOf[m.dataset.i] = m; });
  Array.prototype.forEach.call(document.querySelectorAll("#figures tbody tr"), function (r) { rowOf[r.dataset.i] = r; });
  var $ = function (id) { return document.getElementById(id); };
  var editor = $("editor"), reviewer = $("reviewer"), statusEl = $("status"), modeEl = $("mode");
  var served = false, decisions = stored(docId), visible = [], cur = -1, editing = null, message = "";

  var s0 = storage();
  reviewer.value = (s0 && s0.getItem("analysis-review-reviewer")) || "";
  reviewer.addEventListener("change", function () { var s = storage(); if (s) s.setItem("analysis-review-reviewer", reviewer.value); });

  function matches(f) {
    var m = $("f-metric").value, k = $("f-kind").value, fl = $("f-flag").value;
    if (m === "-" ? !!f.metric_id : (m && f.metric_id !== m)) return false;
    if (k && f.kind !== k) return false;
    if (fl === "*" && !f.flags) return false;
    if (fl === "reviewed" && !f.review) return false;
    if (fl === "!reviewed" && f.review) return false;
    if (fl && fl !== "*" && fl.indexOf("reviewed") < 0 && (f.flags || "").split("|").indexOf(fl) < 0) return false;
    return true;
  }
  function priority(f) {
    return (f.review ? 100 : 0) + (f.flags ? 0 : 10) + ((f.flags || "").indexOf("unmapped-indicator") >= 0 ? 0 : 1);
  }
  function refresh() {
    var keep = cur >= 0 ? visible[cur] : null;
    visible = figs.filter(matches);
    if ($("f-order").value === "queue") {
      visible = visible.slice().sort(function (a, b) { return priority(a) - priority(b) || a.i - b.i; });
      var tbody = document.querySelector("#figures tbody");
      visible.concat(figs.filter(function (f) { return visible.indexOf(f) < 0; }))
        .forEach(function (f) { tbody.appendChild(rowOf[f.i]); });
    } else {
      var tb = document.querySelector("#figures tbody");
      figs.forEach(function (f) { tb.appendChild(rowOf[f.i]); });
    }
    figs.forEach(function (f) {
      var shown = visible.indexOf(f) >= 0;
      rowOf[f.i].hidden = !shown;
      if (markOf[f.i]) markOf[f.i].classList.toggle("dim", !shown);
    });
    cur = keep ? visible.indexOf(keep) : -1;
    paint();
  }
  function paint() {
    Array.prototype.forEach.call(document.querySelectorAll(".current"), function (e) { e.classList.remove("current"); });
    var f = visible[cur];
    if (f) {
      if (markOf[f.i]) markOf[f.i].classList.add("current");
      rowOf[f.i].classList.add("current");
    }
    var done = figs.filter(function (x) { return x.review; }).length;
    statusEl.textContent = (cur >= 0 ? (cur + 1) : 0) + " / " + visible.length + " · 已审核 reviewed " + done + " / " + figs.length + (message ? " · " + message : "");
  }
  function select(n) {
    if (!visible.length) { cur = -1; paint(); return; }
    cur = Math.max(0, Math.min(visible.length - 1, n));
    var f = visible[cur];
    paint();
    if (markOf[f.i]) markOf[f.i].scrollIntoView({block: "center"});
    rowOf[f.i].scrollIntoView({block: "nearest"});
  }
  function selectFigure(f) {
    var n = visible.indexOf(f);
    if (n < 0) { ["f-metric", "f-kind", "f-flag"].forEach(function (id) { $(id).value = ""; }); refresh(); n = visible.indexOf(f); }
    select(n);
  }
  function show(f, review) {
    f.review = review;
    if (markOf[f.i]) { markOf[f.i].dataset.review = review; markOf[f.i].classList.add("corrected"); }
    var row = rowOf[f.i];
    row.dataset.review = review;
    row.lastElementChild.textContent = review;
  }

  function send(row) {
    if (served) {
      return fetch("api/decision", {method: "POST", headers: {"Content-Type": "application/json", "X-Review": "1"}, body: JSON.stringify(row)})
        .then(function (r) { return r.ok ? r.json() : r.text().then(function (t) { throw new Error(t); }); });
    }
    var k = keyOf(row);
    decisions = decisions.filter(function (d) { return keyOf(d) !== k; }).concat([row]);
    var s = storage();
    if (s) s.setItem(KEY + docId, JSON.stringify(decisions));
    return Promise.resolve({ok: true});
  }
  function decide(f, action, fields) {
    var row = {doc_id: docId, char_start: f.char_start, char_end: f.char_end, raw: f.span, action: action,
               reviewer: reviewer.value, reviewed_at: new Date().toISOString()};
    Object.keys(fields || {}).forEach(function (k) { row[k] = fields[k]; });
    return send(row).then(function () {
      if (f.i !== undefined) show(f, REVIEW_OF[action]);
      message = ({confirm: "已确认", fix: "已修改", reject: "已驳回", add: "已添加"})[action] + " " + f.span + (served ? " → corrections.csv" : "");
      paint();
    }).catch(function (e) { message = "未保存 not saved: " + e.message; paint(); });
  }

  var FIELDS = ["metric_id", "value", "unit", "year", "period", "kind", "yoy_pct", "qualifier"];
  function openEditor(action, f) {
    editing = {action: action, f: f};
    editor.hidden = false;
    editor.className = action === "reject" ? "reject" : "";
    editor.elements.action.value = action;
    $("editor-title").textContent = ({fix: "修改 fix", reject: "驳回 reject", add: "添加 add"})[action] + ": " + f.span;
    FIELDS.forEach(function (k) {
      var v = action === "fix" && f[k] !== null && f[k] !== undefined ? String(f[k]) : "";
      editor.elements[k].value = v;
    });
    editor.elements.reason.value = "";
    editor.elements.reason.parentElement.classList.add("keep");
    (action === "reject" ? editor.elements.reason : action === "add" ? editor.elements.metric_id : editor.elements.value).focus();
  }
  function closeEditor() { editor.hidden = true; editing = null; document.activeElement.blur(); }
  editor.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (!editing) return;
    var f = editing.f, action = editing.action, fields = {reason: editor.elements.reason.value};
    if (action !== "reject") {
      FIELDS.forEach(function (k) {
        var v = editor.elements[k].value.trim();
        var old = f[k] === null || f[k] === undefined ? "" : String(f[k]);
        if (v && (action === "add" || v !== old)) fields[k] = v;
      });
    }
    closeEditor();
    decide(f, action, fields);
  });
  $("cancel").addEventListener("click", closeEditor);

  function offsetOf(node, off) {
    var el = node.nodeType === 3 ? node.parentElement : node;
    var host = el && el.closest("[data-o]");
    if (!host) return null;
    var walker = document.createTreeWalker(host, NodeFilter.SHOW_TEXT), n = 0;
    while (walker.nextNode()) {
      if (walker.currentNode === node) return +host.dataset.o + n + off;
      n += walker.currentNode.length;
    }
    return +host.dataset.o + off;
  }
  function addSelection() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !$("text").contains(sel.anchorNode)) { message = "先在正文中选中文字 select text first"; paint(); return; }
    var a = offsetOf(sel.anchorNode, sel.anchorOffset), b = offsetOf(sel.focusNode, sel.focusOffset);
    if (a === null || b === null) return;
    var start = Math.min(a, b), end = Math.max(a, b);
    openEditor("add", {char_start: start, char_end: end, span: sel.toString()});
  }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
    if (ev.key === "Escape") { closeEditor(); return; }
    if (typing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var f = visible[cur], handled = true;
    switch (ev.key) {
      case "j": case "n": case "ArrowDown": select(cur + 1); break;
      case "k": case "p": case "ArrowUp": select(cur - 1); break;
      case "c": if (f) { decide(f, "confirm", {metric_id: f.metric_id || ""}); select(cur + 1); } break;
      case "x": case "r": if (f) openEditor("reject", f); break;
      case "e": if (f) openEditor("fix", f); break;
      case "a": addSelection(); break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  });
  figs.forEach(function (f) {
    rowOf[f.i].addEventListener("click", function () { selectFigure(f); });
    if (markOf[f.i]) markOf[f.i].addEventListener("click", function () { selectFigure(f); });
  });
  ["f-metric", "f-kind", "f-flag", "f-order"].forEach(function (id) { $(id).addEventListener("change", function () { refresh(); select(0); }); });
  $("download").addEventListener("click", function () { download(decisions, COLS, "corrections.csv"); });

  $("docform").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var row = {doc_id: docId}, el = ev.target.elements;
    ["region", "report_year", "period", "doc_type"].forEach(function (k) {
      var v = el[k].value.trim(), old = DATA.doc[k] === null || DATA.doc[k] === undefined ? "" : String(DATA.doc[k]);
      if (v && v !== old) row[k] = v;
    });
    if (Object.keys(row).length === 1) { message = "文档信息未改变 nothing changed"; paint(); return; }
    if (served) {
      fetch("api/manifest", {method: "POST", headers: {"Content-Type": "application/json", "X-Review": "1"}, body: JSON.stringify(row)})
        .then(function (r) { return r.ok ? r.json() : r.text().then(function (t) { throw new Error(t); }); })
        .then(function () { message = "已写入 manifest.csv"; paint(); })
        .catch(function (e) { message = "未保存 not saved: " + e.message; paint(); });
    } else {
      download([row], ["doc_id", "region", "report_year", "period", "doc_type"], "manifest.csv");
    }
  });

  function applyDecisions(rows) {
    rows.forEach(function (d) {
      figs.forEach(function (f) {
        if (String(f.char_start) === String(d.char_start) && String(f.char_end) === String(d.char_end) && d.action !== "add") show(f, REVIEW_OF[d.action]);
      });
    });
  }
  function start() {
    refresh();
    var hash = decodeURIComponent(location.hash.slice(1));
    var target = figs.filter(function (f) { return f.anchor === hash; })[0];
    if (target) selectFigure(target); else select(0);
  }
  applyDecisions(decisions);
  if (/^https?:$/.test(location.protocol)) {
    fetch("api/decisions?doc_id=" + encodeURIComponent(docId), {headers: {"X-Review": "1"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (rows) { served = true; decisions = rows; applyDecisions(rows); modeEl.textContent = "已连接：每个决定即时写入 corrections.csv (served)"; start(); })
      .catch(function () { modeEl.textContent = "离线：决定存于本浏览器，请下载 (offline)"; start(); });
  } else {
    modeEl.textContent = "离线：决定存于本浏览器，请下载 corrections.csv (offline)";
    start();
  }
})();
