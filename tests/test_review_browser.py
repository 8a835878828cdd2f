"""The review pages in a real headless browser (Debian's chromium + chromium-driver,
driven by Selenium with the system driver: nothing is downloaded).

Skipped, with the reason, only when chromium or its driver is absent; ``.ci/run``
installs both so CI runs these.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pandas as pd
import pytest
from table_fixtures import write_frames

from analysis import corrections, extract_corpus
from analysis.review import build_review, page_name
from analysis.review.server import ReviewStore, make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
HAVE_BROWSER = Path(CHROMIUM).is_file() and Path(DRIVER).is_file()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not HAVE_BROWSER, reason=(
        "Debian's chromium and chromium-driver are not installed "
        "(apt-get install -y chromium chromium-driver; .ci/run does it)")),
]
BROWSER_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,900")

REPORT = (
    "乙市科学技术局2018年工作总结\n"
    "2018年，全市科技工作取得新进展。\n"
    "全年发明专利申请6275件、授权988件，同比分别增长139%、37%。\n"
    "新认定高新技术企业120家，技术合同成交额14.21亿元。\n"
    "全社会研发投入占GDP比重达到2.5%。\n"
)
DOC = "乙市2018"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in BROWSER_ARGS:
        opts.add_argument(arg)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A made-up report extracted, and its review pages."""
    root = tmp_path_factory.mktemp("review-site")
    (root / "raw").mkdir()
    (root / "raw" / f"{DOC}.txt").write_text(REPORT, encoding="utf-8")
    extract_corpus(root / "raw", root / "out", jobs=1, progress=False)
    build_review(root / "out", root / "review")
    return root


def _keys(driver, keys: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.TAG_NAME, "body").send_keys(keys)


def _current(driver) -> tuple[str, str]:
    from selenium.webdriver.common.by import By

    mark = driver.find_element(By.CSS_SELECTOR, "#text .figure.current")
    row = driver.find_element(By.CSS_SELECTOR, "#figures tr.current")
    assert mark.get_attribute("data-i") == row.get_attribute("data-i")
    return mark.get_attribute("data-char-start"), mark.text


def _wait(driver, condition, timeout: float = 10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(condition)


def test_keyboard_steps_through_figures_and_rows_follow(browser, site: Path) -> None:
    from selenium.webdriver.common.by import By

    browser.get((site / "review" / page_name(DOC)).as_uri())
    marks = browser.find_elements(By.CSS_SELECTOR, "#text .figure")
    assert [m.text for m in marks] == ["6275件", "988件", "120家", "14.21亿元", "2.5%"]
    first = marks[0]
    for attr in ("data-doc-id", "data-char-start", "data-char-end", "data-metric-id",
                 "data-review"):
        assert first.get_attribute(attr) is not None
    assert first.get_attribute("data-doc-id") == DOC
    assert first.get_attribute("data-metric-id") == "invention_patent_applications"
    assert _current(browser)[1] == "6275件"
    _keys(browser, "jj")
    assert _current(browser)[1] == "120家"
    _keys(browser, "k")
    assert _current(browser)[1] == "988件"
    _keys(browser, "nn")
    assert _current(browser)[1] == "14.21亿元"
    _keys(browser, "p")
    assert _current(browser)[1] == "120家"
    # click a row: its highlight becomes current; click a highlight: its row does
    browser.find_elements(By.CSS_SELECTOR, "#figures tbody tr")[4].click()
    assert _current(browser)[1] == "2.5%"
    marks[0].click()
    assert _current(browser)[1] == "6275件"
    # offline: c confirms, the mark says so and the decision waits for download
    _keys(browser, "c")
    _wait(browser, lambda d: marks[0].get_attribute("data-review") == "confirmed")
    assert _current(browser)[1] == "988件"  # confirming moves on
    stored = browser.execute_script(
        "return JSON.parse(localStorage.getItem('analysis-review:' + arguments[0]))", DOC)
    assert [(r["action"], r["raw"]) for r in stored] == [("confirm", "6275件")]
    # filters: kind target shows nothing here, any kind shows all again
    browser.find_element(By.CSS_SELECTOR, "#f-metric option[value='rd_intensity']").click()
    rows = [r for r in browser.find_elements(By.CSS_SELECTOR, "#figures tbody tr")
            if r.is_displayed()]
    assert [r.get_attribute("data-metric-id") for r in rows] == ["rd_intensity"]


def test_served_page_writes_reject_and_fix_to_the_ledger(browser, site: Path) -> None:
    from selenium.webdriver.common.by import By

    ledger = site / "corrections.csv"
    store = ReviewStore(site / "out", ledger, site / "raw" / "manifest.csv")
    server = make_server(site / "review", store, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        browser.get(f"http://127.0.0.1:{port}/{page_name(DOC)}")
        _wait(browser, lambda d: "served" in d.find_element(By.ID, "mode").text)
        _keys(browser, "jj")  # 120家
        _keys(browser, "x")
        reason = browser.find_element(By.CSS_SELECTOR, "#editor input[name=reason]")
        assert browser.switch_to.active_element == reason
        reason.send_keys("不是本市数据\n")
        _wait(browser, lambda d: ledger.exists())
        _keys(browser, "j")  # 14.21亿元
        _keys(browser, "e")
        value = browser.find_element(By.CSS_SELECTOR, "#editor input[name=value]")
        assert value.get_attribute("value") == "1421000000"
        value.clear()
        value.send_keys("1521000000\n")
        _wait(browser, lambda d: len(corrections.load_ledger(ledger).rows) == 2)
        # a document fix goes to the manifest
        region = browser.find_element(By.CSS_SELECTOR, "#docform input[name=region]")
        region.clear()
        region.send_keys("乙市\n")
        _wait(browser, lambda d: (site / "raw" / "manifest.csv").exists())
    finally:
        server.shutdown()
        server.server_close()
    rows = corrections.load_ledger(ledger).rows
    assert [(r["action"], r["raw"]) for r in rows] == [("reject", "120家"), ("fix", "14.21亿元")]
    assert rows[0]["reason"] == "不是本市数据" and rows[1]["value"] == "1521000000"
    assert rows[1]["metric_id"] == ""  # only the changed field is written
    manifest = pd.read_csv(site / "raw" / "manifest.csv", encoding="utf-8-sig", dtype=str)
    assert manifest.to_dict("records") == [{"doc_id": DOC, "region": "乙市"}]
    # the next extraction applies both
    tables = extract_corpus(site / "raw", site / "out2", jobs=1, progress=False)
    assert tables.summary["corrections"]["applied"] == 2
    assert tables.rejected["raw"].tolist() == ["120家"]
    fixed = tables.metrics.set_index("raw").loc["14.21亿元"]
    assert (fixed["value"], fixed["review"]) == (1521000000.0, "fixed")


HOSTILE = ("甲市科技局工作总结\n<script>window.__pwned = 1</script>专利授权988件。\n"
           "</script><script>window.__pwned = 2</script><!-- 技术合同成交额14亿元。\n")


def test_script_in_a_report_stays_text(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    out = tmp_path / "out"
    (out / "text").mkdir(parents=True)
    (out / "text" / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    s1, s2 = HOSTILE.index("988件"), HOSTILE.index("14亿元")
    metrics = pd.DataFrame([
        {"doc_id": "evil", "kind": "actual", "metric_id": "invention_patent_grants",
         "metric_name": "<img src=x onerror='window.__pwned=3'>", "indicator": "</script>",
         "value": 988.0, "unit": "件", "raw": "988件", "sentence": HOSTILE.splitlines()[1],
         "char_start": s1, "char_end": s1 + 4},
        {"doc_id": "evil", "kind": "actual", "value": 1.4e9, "unit": "元", "raw": "14亿元",
         "indicator": "<!--", "sentence": HOSTILE.splitlines()[2], "char_start": s2,
         "char_end": s2 + 4}])
    documents = pd.DataFrame([{"doc_id": "evil", "title": "<script>window.__pwned=4</script>",
                               "region": '"><script>window.__pwned=5</script>',
                               "source_file": "evil.txt", "sha256": "0", "n_chars": len(HOSTILE),
                               "n_figures": 2}])
    write_frames(out, documents=documents, metrics=metrics)
    built = build_review(out, tmp_path / "review")
    for page in (built.pages["evil"], built.index):
        browser.get(page.as_uri())
        assert browser.execute_script("return window.__pwned === undefined")
    browser.get(built.pages["evil"].as_uri())
    text = browser.find_element(By.ID, "text").text
    assert "<script>window.__pwned = 1</script>" in text
    assert "</script><script>window.__pwned = 2</script><!--" in text
    assert browser.find_element(By.TAG_NAME, "h1").text == "<script>window.__pwned=4</script>"
    assert _current(browser)[1] == "988件"  # the page's own script ran, with its data intact
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#figures tbody td")]
    assert "<img src=x onerror='window.__pwned=3'>" in cells
    assert browser.execute_script("return window.__pwned === undefined")


CAPTURE_DOWNLOAD = """
const done = arguments[arguments.length - 1];
const original = URL.createObjectURL;
URL.createObjectURL = function (blob) {
  URL.createObjectURL = original;
  blob.arrayBuffer().then(b => done(Array.from(new Uint8Array(b))));
  return original.call(URL, blob);
};
document.getElementById(arguments[0]).click();
"""


def test_offline_decisions_download_as_a_ledger_that_applies(browser, site: Path,
                                                            tmp_path: Path) -> None:
    """Without a server: add a missed figure from a selection, reject one, download the
    page's corrections.csv; the file is a ledger the next run applies."""
    from selenium.webdriver.common.by import By

    browser.get((site / "review" / page_name(DOC)).as_uri())
    browser.execute_script("localStorage.clear()")
    browser.refresh()
    text = (site / "out" / "text" / f"{DOC}.txt").read_text(encoding="utf-8")
    start = text.index("GDP")
    # select 'GDP' in the text (inside a plain run) and press a
    browser.execute_script("""
        const [node, at] = [...document.querySelectorAll('#text span[data-o]')]
          .map(s => [s.firstChild, s.textContent.indexOf('GDP')]).find(([, i]) => i >= 0);
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + 3);
        const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);""")
    _keys(browser, "a")
    editor = browser.find_element(By.ID, "editor")
    assert editor.is_displayed()
    assert browser.find_element(By.ID, "editor-title").text.endswith("GDP")
    browser.switch_to.active_element.send_keys("rd_intensity")
    editor.find_element(By.NAME, "value").send_keys("2.5")
    editor.find_element(By.NAME, "unit").send_keys("%")
    editor.find_element(By.CSS_SELECTOR, "select[name=kind] option[value=target]").click()
    editor.find_element(By.NAME, "reason").send_keys("漏抽\n")
    _wait(browser, lambda d: not editor.is_displayed())
    browser.find_elements(By.CSS_SELECTOR, "#figures tbody tr")[2].click()  # 120家
    _keys(browser, "x")
    browser.switch_to.active_element.send_keys("重复\n")
    browser.set_script_timeout(10)
    data = bytes(browser.execute_async_script(CAPTURE_DOWNLOAD, "download"))
    assert data.startswith("\ufeffdoc_id,char_start,char_end,raw,action,".encode())  # BOM: Excel
    csv_text = data.decode("utf-8")
    ledger = corrections.read_ledger_text(csv_text)
    assert [(r["action"], r["raw"], r["char_start"]) for r in ledger.rows] == [
        ("add", "GDP", str(start)), ("reject", "120家", str(text.index("120家")))]
    path = tmp_path / "corrections.csv"
    path.write_text(csv_text, encoding="utf-8")
    tables = extract_corpus(site / "raw", tmp_path / "out", jobs=1, progress=False,
                            corrections=path)
    assert tables.summary["corrections"]["applied"] == 2
    added = tables.metrics[tables.metrics["review"] == "added"].iloc[0]
    assert (added["raw"], added["metric_id"], added["value"], added["kind"]) == (
        "GDP", "rd_intensity", 2.5, "target")
    assert tables.rejected["reason"].tolist() == ["重复"]
