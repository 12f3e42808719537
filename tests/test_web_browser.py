"""The web page in a real browser: Playwright driving Debian's chromium (skipped only when it is absent).

Each step is photographed at 1366×768 (the common office laptop) and at 125 % zoom on that screen
(1093×614 CSS pixels, device scale 1.25) into UNIONXL_WEB_SHOTS, or a temporary folder.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from unionxl import bundled

from .data.make_corpus import make
from .test_web import serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed")
SCREENS = {"1366x768": ({"width": 1366, "height": 768}, 1), "125pct": ({"width": 1093, "height": 614}, 1.25)}
EXAMPLES = sorted(str(p) for p in bundled.examples_dir().iterdir() if p.suffix == ".xlsx" and "本级" not in p.name)  # the villages


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


server = pytest.fixture(serving, name="server")


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("UNIONXL_WEB_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(browser, server, screen: str = "1366x768"):
    viewport, scale = SCREENS[screen]
    context = browser.new_context(viewport=viewport, device_scale_factor=scale, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url)
    assert page.url == f"http://127.0.0.1:{server.port}/"  # the token went into a cookie
    return page, errors


def receive(page, files: list[str], count: int) -> None:
    page.set_input_files("#pick-files", files)
    page.wait_for_selector(f"#received-count:has-text('收到 {count} 个工作簿')")


def press(page, action: str) -> str:
    """Press a button and wait for its job to end; the page's message."""
    page.click(f"[data-run={action}]")
    page.wait_for_selector("#message:not([hidden])")
    page.wait_for_selector("#progress", state="hidden")  # (no wait_for_function: the page's CSP forbids eval)
    page.wait_for_load_state("load")
    return page.inner_text("#message")


def download(page, selector: str, into: Path) -> Path:
    with page.expect_download() as got:
        page.click(selector)
    target = into / got.value.suggested_filename
    got.value.save_as(target)
    return target


@pytest.mark.parametrize("screen", SCREENS)
def test_merge_the_examples_in_the_browser(browser, server, shots, tmp_path, screen):
    page, errors = open_page(browser, server, screen)
    page.screenshot(path=shots / f"{screen}-1-empty.png")
    receive(page, EXAMPLES, 13)
    page.screenshot(path=shots / f"{screen}-2-received.png")
    message = press(page, "merge")
    assert "合并完成：应报 13 个村，已报 13 个" in message
    page.screenshot(path=shots / f"{screen}-3-merged.png")
    page.screenshot(path=shots / f"{screen}-3-merged-full.png", full_page=True)
    assert page.locator("#status tbody tr").count() == 13
    assert page.locator(".indicators div:has-text('会员总数') dd").inner_text() == "580 人"
    township = download(page, "#get-township", tmp_path)
    assert township.name == "乡镇汇总.xlsx"
    book = CalamineWorkbook.from_path(str(township))
    assert len(book.get_sheet_by_name("会员名册").to_python()) - 1 == 580
    status = book.get_sheet_by_name("报送情况").to_python()
    assert sum(1 for r in status if r[3:4] == ["已报送"]) == 13
    assert errors == []


def test_a_hostile_file_gets_its_chinese_line_while_the_others_merge(browser, server, shots, tmp_path):
    cases = {c.name: c for c in make(tmp_path / "corpus")}
    hostile = [tmp_path / "corpus" / name for name in ("名单.xlsx", "压缩炸弹.xlsx")]
    page, errors = open_page(browser, server)
    receive(page, [*EXAMPLES, *map(str, hostile)], 15)
    message = press(page, "merge")
    assert "应报 13 个村，已报 13 个" in message and "2 个文件无法读取" in message
    others = page.locator("#others").inner_text()
    for path in hostile:
        line = page.locator(f"#others tr:has-text('{path.name}')").inner_text()
        assert "无法读取" in line and cases[path.name].says in line, line
    assert "Traceback" not in page.content() and "Error" not in others
    assert page.locator(".indicators div:has-text('会员总数') dd").inner_text() == "580 人"
    page.locator("#others").scroll_into_view_if_needed()
    page.screenshot(path=shots / "1366x768-4-hostile.png")
    assert errors == []


def test_validate_filter_the_findings_and_download_the_copies(browser, server, shots, tmp_path):
    page, errors = open_page(browser, server)
    receive(page, EXAMPLES, 13)
    assert "校验完成：收到 13 个文件" in press(page, "validate")
    files = page.locator("#files tbody tr")
    assert files.count() == 13
    assert "雅留村" in page.locator("#files tr:has-text('雅留村工会报表(最终版).xlsx')").inner_text()
    shown = page.locator("#findings tbody tr:not([hidden])")
    assert shown.count() == 1 and page.inner_text("#shown-count") == "1"
    page.select_option("#filter-severity", "错误")
    assert shown.count() == 0 and page.inner_text("#shown-count") == "0"
    page.select_option("#filter-severity", "警告")
    page.select_option("#filter-village", "寨阳村")
    page.select_option("#filter-sheet", "维权案件")
    assert shown.count() == 1 and "L3" in shown.inner_text()
    page.fill("#filter-text", "没有这句话")
    assert shown.count() == 0
    page.fill("#filter-text", "劳动仲裁")
    assert shown.count() == 1
    page.screenshot(path=shots / "1366x768-5-validated.png")
    with zipfile.ZipFile(download(page, "#get-copies", tmp_path)) as z:
        names = z.namelist()
    assert names == ["寨阳村工会报表_已标注.xlsx"]  # copies only of files with findings
    copy = download(page, "#files tr:has-text('寨阳村工会报表.xlsx') a", tmp_path)
    assert copy.name == "寨阳村工会报表_已标注.xlsx" and CalamineWorkbook.from_path(str(copy)).sheet_names
    assert "无问题，不需退回" in page.locator("#files tr:has-text('排兄村.xlsx')").inner_text()
    assert "无问题的村（未生成标注副本）：" in page.inner_text("body")
    assert errors == []


def test_a_typed_folder_then_the_summary(browser, server, shots, tmp_path):
    page, errors = open_page(browser, server)
    assert "请先点“合并”" in press(page, "summary")  # nothing merged yet: a Chinese line, nothing broken
    page.fill("#folder", str(bundled.examples_dir()))
    page.click("#folder-form button")
    page.wait_for_selector("#received-count:has-text('收到 14 个工作簿')")
    press(page, "merge")
    message = press(page, "summary")
    assert "汇总完成：应报 13 个村，报送 13 个；会员 580 人" in message
    page.screenshot(path=shots / "1366x768-6-summary.png")
    summary = download(page, "#get-summary", tmp_path)
    assert summary.name == "乡镇汇总_汇总表.xlsx"
    flat = [v for row in CalamineWorkbook.from_path(str(summary)).get_sheet_by_name("汇总").to_python() for v in row]
    assert 580 in flat
    assert len(errors) == 1 and "400" in errors[0]  # the refused 生成汇总, and nothing else


def test_a_bad_upload_is_a_chinese_line_on_the_page(browser, server):
    server.app.config["MAX_CONTENT_LENGTH"] = 1000  # the cap, made small
    page, errors = open_page(browser, server)
    page.set_input_files("#pick-files", [EXAMPLES[0]])
    page.wait_for_selector("#message.failed")
    assert "上传未完成" in page.inner_text("#message") and "未收下" in page.inner_text("#message")


def test_a_folder_chosen_or_files_dropped_are_received(browser, server):
    page, errors = open_page(browser, server)
    page.set_input_files("#pick-folder", str(bundled.examples_dir()))  # 选择文件夹: the folder with its name
    page.wait_for_selector("#received-count:has-text('收到 14 个工作簿')")
    assert (server.workspace.inbox / "examples" / "排兄村.xlsx").is_file()
    page.evaluate("""([name, bytes]) => {
        const dropped = new DataTransfer();
        dropped.items.add(new File([new Uint8Array(bytes)], name));
        dropped.items.add(new File(["不是报表"], "说明.txt"));
        document.getElementById("drop").dispatchEvent(
            new DragEvent("drop", {dataTransfer: dropped, bubbles: true, cancelable: true}));
    }""", ["补报的排兄村.xlsx", list((bundled.examples_dir() / "排兄村.xlsx").read_bytes())])
    page.wait_for_selector("#received-count:has-text('收到 15 个工作簿')")
    assert "说明.txt：这是文本文件，已跳过" in page.inner_text("#skipped")
    assert errors == []
