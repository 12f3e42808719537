"""The macro-enabled workbook 乡镇工会汇总.xlsm and the Python behind its buttons (issue 6).

There is no Excel here, so the committed workbook is checked from three sides (and a fourth
test keeps it equal to what the builder makes now): oletools reads the VBA
modules back and compares them with macros/*.bas; every button's macro is found as a Sub
whose RunPython command is executed, with ``xlwings.Book.caller`` returning a stand-in book
over the real sheets of the workbook (openpyxl, in memory); LibreOffice loads the
workbook, its Basic library and the buttons' macro bindings.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from defusedxml import ElementTree
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from unionxl import bundled

from unionxl.doors import panel
from unionxl.doors.cli import main
from unionxl.doors.excelbook import WORKBOOK_NAME, build_excel_workbook, read_modules
from unionxl.reading.reader import ReadError
from unionxl.reading.villages import read_villages
from unionxl.writing.xlsxio import set_value

from .conftest import EXAMPLES, convert

xlwings = pytest.importorskip("xlwings")


ROOT = Path(__file__).resolve().parent.parent
MACROS = ROOT / "macros"
COMMITTED = ROOT / "workbooks" / WORKBOOK_NAME
RUN_PYTHON = re.compile(r'^\s*RunPython\s+(.*)$', re.M)
SUB = re.compile(r"^(?:Public\s+)?Sub\s+(\w+)\(\)\s*$(.*?)^End Sub", re.M | re.S)
CAPTIONS = {"校验": "UnionxlValidate", "合并": "UnionxlMerge", "生成汇总": "UnionxlSummary",
            "打开问题清单": "UnionxlOpenIssues"}


@pytest.fixture(scope="module")
def shipped() -> Path:
    """The workbook users get; test_committed_workbook_is_reproduced_by_the_builder keeps it fresh."""
    assert COMMITTED.is_file(), "run: python -m unionxl.doors.excelbook -o workbooks/乡镇工会汇总.xlsm"
    return COMMITTED


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """A workbook shipped now from macros/*.bas and the installed xlwings (needs pyOpenVBA)."""
    pytest.importorskip("pyopenvba")
    return build_excel_workbook(tmp_path_factory.mktemp("xlsm") / WORKBOOK_NAME)


def normalise(code: str) -> str:
    return code.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source, as oletools' olevba extracts them."""
    olevba = pytest.importorskip("oletools.olevba")
    parser = olevba.VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: normalise(code) for _, _, name, code in parser.extract_all_macros()}
    finally:
        parser.close()


def subs() -> dict[str, str]:
    """Sub name -> the Python command of its RunPython call, for every Sub in macros/*.bas."""
    out = {}
    for bas in MACROS.glob("*.bas"):
        for name, body in SUB.findall(bas.read_text(encoding="ascii")):
            calls = RUN_PYTHON.findall(body)
            assert len(calls) == 1, f"{name}: one RunPython call per button macro"
            literal = calls[0].strip()
            assert re.fullmatch(r'"[^"&]*"', literal), f"{name}: the command must be one fixed string: {literal}"
            out[name] = literal[1:-1]
    return out


def buttons(path: Path) -> list[tuple[str, str]]:
    """(caption, macro) of every form button in the workbook's VML drawings (where XlsxWriter puts them)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/drawings/") and part.endswith(".vml"):
                text = z.read(part).decode("utf-8")
                for shape in re.findall(r"<v:shape\b.*?</v:shape>", text, re.S):
                    if 'ObjectType="Button"' not in shape:
                        continue
                    caption = re.sub(r"<[^>]+>", "", re.search(r"<v:textbox\b.*?</v:textbox>", shape, re.S).group())
                    macro = re.search(r"<x:FmlaMacro>(.*?)</x:FmlaMacro>", shape).group(1)
                    found.append((caption.strip(), macro.split("!")[-1]))
    return found


def control_macros(path: Path) -> list[str]:
    """Macros of form controls in ctrlProps parts (Excel 2010+ writes these beside the VML; none here yet)."""
    with zipfile.ZipFile(path) as z:
        return [(ElementTree.fromstring(z.read(part)).get("fmlaMacro") or "").split("!")[-1]
                for part in z.namelist() if part.startswith("xl/ctrlProps/")]


def button_sheet(path: Path) -> str:
    """The name of the sheet whose legacy drawing holds the buttons."""
    with zipfile.ZipFile(path) as z:
        workbook = z.read("xl/workbook.xml").decode("utf-8")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
        for name, rid in re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook):
            target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
            part = (target.group(1) or target.group(2)).split("/")[-1]
            sheet_rels = f"xl/worksheets/_rels/{part}.rels"
            if sheet_rels in z.namelist() and "vmlDrawing" in z.read(sheet_rels).decode("utf-8"):
                return name
    return ""


# -- (a) the VBA in the workbook is the committed source ---------------------------------------------


def test_every_bas_module_is_in_the_workbook_exactly(shipped):
    found = vba_modules(shipped)
    for bas in MACROS.glob("*.bas"):
        assert found[bas.stem] == normalise(bas.read_text(encoding="ascii")), bas.name


def test_the_xlwings_module_is_the_installed_xlwings_one(shipped):
    found = vba_modules(shipped)
    shipped = Path(xlwings.__file__).parent / "xlwings.bas"
    assert found["xlwings"] == normalise(shipped.read_text(encoding="latin-1"))
    assert f'XLWINGS_VERSION As String = "{xlwings.__version__}"' in found["xlwings"]
    assert "Dictionary" in found  # the class xlwings.bas uses on macOS
    assert "Module1" not in found  # xlwings' sample builds its command from the workbook name


def test_vba_source_is_ascii_and_every_command_a_fixed_string():
    for bas in MACROS.glob("*.bas"):
        bas.read_bytes().decode("ascii")  # 1252 code page: Chinese would turn into '?'
        assert "ThisWorkbook.Name" not in bas.read_text(encoding="ascii")
    commands = subs()
    assert set(commands) == set(CAPTIONS.values())
    for name, text in commands.items():
        assert re.fullmatch(r"import unionxl\.excel as x; x\.\w+\(\)", text), (name, text)


def test_a_bas_file_with_chinese_is_refused(tmp_path):
    source = 'Attribute VB_Name = "bad"\nSub A()\n  MsgBox "校验"\nEnd Sub\n'
    (tmp_path / "bad.bas").write_text(source, encoding="utf-8")
    with pytest.raises(ValueError, match="ASCII"):
        read_modules(tmp_path)


# -- (b) the buttons run existing Subs, and the Subs' commands do their job ---------------------------


def test_each_button_is_assigned_to_an_existing_sub(shipped):
    found = buttons(shipped)
    assert sorted(found) == sorted(CAPTIONS.items())
    assert button_sheet(shipped) == "操作"
    in_workbook = "".join(vba_modules(shipped).values())
    for macro in [m for _, m in found] + control_macros(shipped):
        assert macro in subs()
        assert re.search(rf"^Public Sub {macro}\(\)", in_workbook, re.M)


class FakeRange:
    """The part of xlwings' Range that unionxl.doors.excel uses, over an openpyxl sheet.

    Strings are stored as Excel stores what xlwings hands it (as if typed): a leading
    apostrophe makes the rest literal text; otherwise ``=…`` becomes a formula and
    something numeric a number — so a missing apostrophe shows up in the tests.
    """

    def __init__(self, ws, ref: str) -> None:
        self.ws = ws
        self.min_col, self.min_row, self.max_col, self.max_row = range_boundaries(ref)

    def _cells(self):
        return [self.ws.cell(r, c) for r in range(self.min_row, self.max_row + 1)
                for c in range(self.min_col, self.max_col + 1)]

    @property
    def value(self):
        if (self.min_row, self.min_col) == (self.max_row, self.max_col):
            return self.ws.cell(self.min_row, self.min_col).value
        return [[self.ws.cell(r, c).value for c in range(self.min_col, self.max_col + 1)]
                for r in range(self.min_row, self.max_row + 1)]

    @value.setter
    def value(self, value) -> None:
        rows = value if isinstance(value, list) and value and isinstance(value[0], list) else \
            [value] if isinstance(value, list) else [[value]]
        for i, row in enumerate(rows):
            for j, item in enumerate(row):
                self._type(self.ws.cell(self.min_row + i, self.min_col + j), item)

    @staticmethod
    def _type(cell, item) -> None:
        if isinstance(item, str) and item.startswith("'"):
            cell.value = item[1:]
            cell.data_type = "s"
        elif isinstance(item, str) and not item.startswith("="):
            try:
                cell.value = float(item)
            except ValueError:
                cell.value = item
        else:
            assert item is None or isinstance(item, (str, int, float, bool, dt.datetime)), type(item)
            cell.value = item

    @property
    def number_format(self) -> str:
        return self.ws.cell(self.min_row, self.min_col).number_format

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for cell in self._cells():
            cell.number_format = fmt


class FakeSheet:
    def __init__(self, book: FakeBook, ws) -> None:
        self.book, self.ws, self.name = book, ws, ws.title

    def range(self, ref: str) -> FakeRange:
        return FakeRange(self.ws, ref)

    def clear(self) -> None:
        self.ws.delete_rows(1, self.ws.max_row + 1)

    def activate(self) -> None:
        self.book.wb.active = self.book.wb.sheetnames.index(self.name)

    def rows(self) -> list[list]:
        return [list(r) for r in self.ws.iter_rows(values_only=True)]


class FakeName:
    def __init__(self, refers_to_range: FakeRange) -> None:
        self.refers_to_range = refers_to_range


class FakeBook:
    """A stand-in for ``xlwings.Book``: ``sheets[name]``, ``names[name].refers_to_range``, ``fullname``."""

    def __init__(self, path: Path, fullname: Path) -> None:
        self.wb = load_workbook(path)
        self.fullname = str(fullname)
        self.sheets = _Lookup(lambda name: FakeSheet(self, self.wb[name]))
        self.names = _Lookup(self._name)

    def _name(self, name: str) -> FakeName:
        (sheet, ref), = self.wb.defined_names[name].destinations
        return FakeName(FakeRange(self.wb[sheet], ref.replace("$", "")))

    def value(self, name: str):
        return self.names[name].refers_to_range.value

    def fill(self, **values) -> None:
        for name, value in values.items():
            cell = self.names[name].refers_to_range
            cell.value = f"'{value}" if isinstance(value, (str, Path)) else value


class _Lookup:
    def __init__(self, get) -> None:
        self.get = get

    def __getitem__(self, key):
        return self.get(key)

    def __contains__(self, key) -> bool:
        try:
            self.get(key)
        except KeyError:
            return False
        return True


@pytest.fixture
def inbox(tmp_path) -> Path:
    """A folder as the township receives it: the 13 villages' examples (one with hostile values) and a broken file."""
    folder = tmp_path / "收到的报表"
    folder.mkdir()
    for path in sorted(p for p in EXAMPLES.glob("*.xlsx") if "本级" not in p.name):
        shutil.copy(path, folder / path.name)
    wb = load_workbook(folder / "排兄村.xlsx")
    ws = wb["会员名册"]
    set_value(ws["C2"], "=1+1")  # 性别 typed as a formula-looking text: must stay text everywhere
    set_value(ws["E3"], "433122195812220085")  # an ID with a wrong check digit: digits only, must stay text
    wb.save(folder / "排兄村.xlsx")
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    return folder


@pytest.fixture
def book(shipped, tmp_path, inbox, monkeypatch) -> FakeBook:
    """The workbook as Excel would hand it to Python, with the folder and village list filled in."""
    fake = FakeBook(shipped, tmp_path / WORKBOOK_NAME)
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: fake))
    fake.fill(输入文件夹=inbox, 村名单=bundled.village_list())
    return fake


def press(caption: str) -> None:
    """What Excel does for a button: its Sub's RunPython command, run as Python."""
    exec(subs()[CAPTIONS[caption]], {})


def no_formulas(book: FakeBook) -> None:
    for ws in book.wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} became a formula: {cell.value}"


def test_validate_writes_status_counts_and_tables(book):
    press("校验")
    status = book.value("状态")
    assert status.startswith("校验完成：收到 14 个文件，应报 13 个村，已报 13 个；错误 "), status
    assert "1 个文件无法读取" in status
    counts = [book.value(name) for name in ("文件数", "应报村数", "报送村数", "无法读取")]
    assert counts == [14, 13, 13, 1]
    assert book.value("错误条数") >= 2 and book.value("警告条数") >= 0
    assert isinstance(book.value("更新时间"), dt.datetime)
    status_rows = book.sheets["报送情况"].rows()
    assert status_rows[0][:4] == ["序号", "村（社区）名称", "代码", "报送情况"]
    villages = [r for r in status_rows[1:14]]
    assert [r[1] for r in villages] == [v for v in read_villages(bundled.village_list()).names]
    assert {r[3] for r in villages} == {"已报送", "已报送（有错误）"}
    assert any(r[1] == "坏文件.xlsx" and str(r[3]).startswith("无法读取") for r in status_rows)
    issues = book.sheets["问题清单"].rows()
    assert issues[0][:3] == ["序号", "村（社区）名称", "文件"]
    typed = {r[6]: r for r in issues[1:]}
    assert typed["=1+1"][1] == "排兄村" and typed["=1+1"][8].startswith("「=1+1」")
    assert typed["433122195812220085"][9] == "id-checksum"  # stayed text: all 18 digits
    assert book.value("错误条数") == sum(1 for r in issues[1:] if r[7] == "错误")
    no_formulas(book)


def test_validate_writes_marked_up_copies_when_asked(book, tmp_path):
    book.fill(退回文件夹=tmp_path / "退回")
    press("校验")
    assert "标注副本 2 个在：" in book.value("状态") and "无问题的村（未生成标注副本）：坪朗村、补点村、中黄村、" in book.value("状态")
    assert (tmp_path / "退回" / "排兄村_已标注.xlsx").is_file()  # a file with findings
    assert not (tmp_path / "退回" / "中黄村工会_已标注.xlsx").exists()  # a file without any: no copy


def test_validate_never_writes_a_copy_over_an_input(book, inbox):
    import hashlib

    shutil.copy(inbox / "排兄村.xlsx", inbox / "排兄村_已标注.xlsx")  # a copy sent back, in the inbox again
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    book.fill(退回文件夹=inbox)
    press("校验")
    assert book.value("状态").startswith("校验未完成：输出文件") and "就是输入文件" in book.value("状态")
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()} == before


def test_merge_writes_the_township_workbook_and_its_tables(book, tmp_path):
    press("合并")
    status = book.value("状态")
    out = tmp_path / "乡镇汇总.xlsx"  # beside the folder of submissions, when 输出文件 is blank
    assert status.startswith("合并完成：应报 13 个村，已报 13 个；错误 "), status
    assert str(out) in status and out.is_file()
    assert book.value("结果文件") == str(out)
    written = load_workbook(out, read_only=True)
    for name in ("报送情况", "问题清单"):  # the tables are the township workbook's, value for value
        expected = [list(r) for r in written[name].iter_rows(values_only=True)]
        assert book.sheets[name].rows() == expected, name
    assert book.sheets["报送情况"].ws["G2"].number_format == "yyyy-mm-dd"
    assert book.sheets["汇总"].rows()[0][0].startswith("合并已更新")
    no_formulas(book)


def test_summary_fills_the_summary_sheet_and_counts(book, tmp_path):
    press("合并")
    press("生成汇总")
    status = book.value("状态")
    assert status.startswith("汇总完成：应报 13 个村，报送 13 个；会员 580 人"), status
    assert (book.value("会员总数"), book.value("应报村数"), book.value("报送村数")) == (580, 13, 13)
    made = tmp_path / "乡镇汇总_汇总表.xlsx"
    assert made.is_file() and book.value("结果文件") == str(made)
    sheet = book.sheets["汇总"]
    rows = sheet.rows()
    assert rows[0][0] == "寨阳乡工会工作统计汇总表"  # the township and who reports: from the village list
    assert {"寨阳乡总工会", "石秀兰", "0743-5261238"} <= {v for r in rows for v in r}
    by_label = {r[0]: (i, r) for i, r in enumerate(rows, start=1) if r and isinstance(r[0], str)}
    row, values = by_label["会员总数"]
    assert values[1] == 580 and sheet.ws.cell(row, 2).number_format == "#,##0"
    row, values = by_label["追回金额"]
    assert values[1] == 18000 and sheet.ws.cell(row, 2).number_format == "#,##0.00"
    assert "2012-01-01 至 2012-10-31" in [v for r in rows for v in r]
    no_formulas(book)


def test_the_report_period_typed_in_is_used_and_checked(book):
    book.fill(期间开始=dt.datetime(2012, 1, 1), 期间结束=dt.datetime(2012, 12, 31))
    press("合并")
    assert "注意：13 个村封面上的统计期间与上面填写的不同" in book.value("状态")
    press("生成汇总")
    assert "2012-01-01 至 2012-12-31" in [v for r in book.sheets["汇总"].rows() for v in r]


def test_open_issues_goes_to_the_sheet(book):
    press("打开问题清单")
    assert book.value("状态") == "问题清单还是空的：请先点“校验”或“合并”。"
    press("校验")
    before = book.value("状态")
    book.wb.active = 0
    press("打开问题清单")
    assert book.wb.active.title == "问题清单"
    assert book.value("状态") == before  # nothing to say: the last result stays


@pytest.mark.parametrize(("inputs", "expected"), [
    ({"输入文件夹": "/nowhere/收到的报表"}, "校验未完成：找不到村报表文件夹：/nowhere/收到的报表"),
    ({"输入文件夹": None}, "校验未完成：请先在“村报表文件夹”一格填写"),
    ({"村名单": "/nowhere/村名单.xlsx"}, "校验未完成：找不到村名单："),
    ({"期间开始": "下个月"}, "校验未完成：“统计期间开始”「下个月」不是日期"),
])
def test_bad_input_gives_a_chinese_status_not_an_exception(book, inputs, expected):
    for name, value in inputs.items():
        if value is None:
            book.names[name].refers_to_range.value = None
        else:
            book.fill(**{name: value})
    press("校验")
    assert book.value("状态").startswith(expected), book.value("状态")


def test_more_bad_input(book, inbox, tmp_path):
    (tmp_path / "不是村名单.xlsx").write_bytes(b"garbage")
    with pytest.raises(ReadError) as why:  # the library's own Chinese message is passed on
        read_villages(tmp_path / "不是村名单.xlsx")
    book.fill(村名单=tmp_path / "不是村名单.xlsx")
    press("校验")
    assert book.value("状态") == f"校验未完成：{why.value}"
    book.fill(村名单=bundled.village_list(), 输出文件=inbox / "乡镇汇总.xlsx")
    press("合并")  # inside the folder of submissions: the next run sets it aside by its mark
    assert book.value("状态").startswith("合并完成"), book.value("状态")
    press("校验")
    assert book.value("文件数") == 14 and (inbox / "乡镇汇总.xlsx").is_file(), book.value("状态")
    book.fill(输出文件=tmp_path / "乡镇汇总.xlsx")
    (tmp_path / "~$乡镇汇总.xlsx").write_bytes(b"")
    press("合并")
    assert book.value("状态") == "合并未完成：乡镇汇总.xlsx 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭再合并。"
    press("生成汇总")
    assert book.value("状态").startswith("生成汇总未完成：还没有乡镇汇总文件"), book.value("状态")
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    book.fill(输入文件夹=empty)
    press("校验")
    assert book.value("状态").startswith("校验未完成：没有找到村报表"), book.value("状态")


def test_output_file_names(book, tmp_path):
    book.fill(输出文件=tmp_path / "输出")
    (tmp_path / "输出").mkdir()
    press("合并")
    assert (tmp_path / "输出" / "乡镇汇总.xlsx").is_file(), book.value("状态")
    book.fill(输出文件=tmp_path / "汇总2024")
    press("合并")
    assert book.value("结果文件") == str(tmp_path / "汇总2024.xlsx"), book.value("状态")
    book.fill(输出文件=tmp_path / "按钮.xlsm")  # the command line's rule: another file type's name is refused
    press("合并")
    assert book.value("状态").startswith("合并未完成：输出文件 按钮.xlsm 的扩展名不对"), book.value("状态")
    assert not (tmp_path / "按钮.xlsm").exists() and not (tmp_path / "按钮.xlsx").exists()


def test_a_deleted_result_sheet_is_reported(book):
    del book.wb["问题清单"]
    press("校验")
    assert book.value("状态") == "校验未完成：本工作簿缺少“问题清单”工作表，请用 unionxl excel-workbook 重新生成。"


def test_relative_paths_are_relative_to_the_workbook(book, inbox):
    book.fill(输入文件夹=inbox.name)  # the workbook sits beside the folder
    press("校验")
    assert book.value("状态").startswith("校验完成"), book.value("状态")


def test_an_unexpected_error_becomes_a_status_message(book, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("磁盘坏了")

    monkeypatch.setattr("unionxl.jobs.workflows.merge_files", boom)
    press("合并")
    assert book.value("状态") == "合并出错（RuntimeError）：磁盘坏了。请检查输入，或用命令行 unionxl 重试。"


def test_strings_never_become_formulas_numbers_or_dates():
    assert panel.cell_value("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert panel.cell_value("433101198503152000") == "'433101198503152000"
    assert panel.cell_value("'quoted") == "''quoted"
    assert panel.cell_value("") is None
    assert panel.cell_value("a\x07b") == "'ab"


# -- (c) LibreOffice loads the workbook, its macro library and the buttons' bindings --------------------


def test_libreoffice_loads_the_workbook_and_its_basic_library(shipped, tmp_path):
    ods = convert(shipped, "ods", tmp_path)
    with zipfile.ZipFile(ods) as z:
        names = set(z.namelist())
        assert {"Basic/VBAProject/unionxl.xml", "Basic/VBAProject/xlwings.xml"} <= names
        module = z.read("Basic/VBAProject/unionxl.xml").decode("utf-8")
        content = z.read("content.xml").decode("utf-8")
    for sub in subs():
        assert f"Public Sub {sub}()" in module
        assert f"vnd.sun.star.script:VBAProject.unionxl.{sub}?language=Basic" in content
    for caption in CAPTIONS:
        assert f'form:label="{caption}"' in content
    for sheet in ("操作", "报送情况", "问题清单", "汇总", "xlwings.conf"):
        assert f'table:name="{sheet}"' in content


# -- (d) the committed workbook is what the builder makes ----------------------------------------------


def sheet_contents(path: Path) -> dict:
    wb = load_workbook(path)
    sheets = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
    names = {name: dn.attr_text for name, dn in wb.defined_names.items()}
    return {"sheets": sheets, "names": names}


def test_committed_workbook_is_reproduced_by_the_builder(fresh):
    hint = "workbooks/乡镇工会汇总.xlsm is stale: run python -m unionxl.doors.excelbook -o workbooks/乡镇工会汇总.xlsm"
    assert vba_modules(COMMITTED) == vba_modules(fresh), hint  # also: its xlwings VBA is the installed xlwings'
    assert sheet_contents(COMMITTED) == sheet_contents(fresh), hint
    assert sorted(buttons(COMMITTED)) == sorted(buttons(fresh)), hint


def test_two_builds_are_identical(fresh, tmp_path):
    again = build_excel_workbook(tmp_path / WORKBOOK_NAME)
    assert again.read_bytes() == fresh.read_bytes()


def test_operations_sheet_has_every_named_cell(shipped):
    contents = sheet_contents(shipped)
    for cell in (*panel.INPUTS, *panel.RESULTS):
        assert contents["names"][cell.name].startswith("操作!$B$"), cell.name
    conf = contents["sheets"]["xlwings.conf"]
    keys = [row[0] for row in conf[:7]]
    assert keys[:2] == ["Interpreter_Win", "Interpreter_Mac"] and conf[7][0] is None  # settings end at the blank
    assert conf[0][1] is None  # no interpreter path of this machine is baked in
    assert {r[0]: r[1] for r in conf[:7]}["Use UDF Server"] is False


def test_operations_sheet_gives_the_readmes_install_line(shipped):
    from unionxl.doors.excelbook import INSTALL, SETUP

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"`{INSTALL}`" in readme
    wb = load_workbook(shipped, read_only=True)
    text = "\n".join(str(v) for row in wb[panel.OPS].iter_rows(values_only=True) for v in row if v)
    assert INSTALL in text and "pip install unionxl" not in text and INSTALL in SETUP[1]


def test_cli_command_builds_the_workbook(tmp_path):
    from click.testing import CliRunner

    pytest.importorskip("pyopenvba")

    result = CliRunner().invoke(main, ["excel-workbook", "-o", str(tmp_path / "按钮.xlsm")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "按钮.xlsm").is_file() and str(tmp_path / "按钮.xlsm") in result.output
    result = CliRunner().invoke(main, ["excel-workbook", "-o", str(tmp_path / "按钮.xlsx")])
    assert result.exit_code == 2 and ".xlsm" in result.output and result.output.startswith("错误：")
    assert not (tmp_path / "按钮.xlsx").exists()


def test_the_buttons_finish_the_batch_past_files_that_crash_the_parser(book, inbox, tmp_path):
    """A file that makes python-calamine panic and one whose merged range would exhaust openpyxl:
    校验 (with marked-up copies) and 合并 still handle the 13 villages; each bad file is 无法读取."""
    from .data.make_corpus import _rezip

    with zipfile.ZipFile(inbox / "大坪村.xlsx") as z:
        roster = z.read("xl/worksheets/sheet3.xml")
    dated = re.sub(rb'(<c r="O\d+" s="\d+" t="n"><v>)\d+(</v>)', rb"\g<1>-1e15\g<2>", roster, count=1)
    assert dated != roster
    _rezip(inbox / "大坪村.xlsx", inbox / "日期溢出.xlsx", {"xl/worksheets/sheet3.xml": dated})
    merged = roster.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                            b"</mergeCells>")
    _rezip(inbox / "大坪村.xlsx", inbox / "全表合并.xlsx", {"xl/worksheets/sheet3.xml": merged})
    book.fill(退回文件夹=tmp_path / "退回")
    press("校验")
    status = book.value("状态")
    assert status.startswith("校验完成：收到 16 个文件，应报 13 个村，已报 13 个") and "3 个文件无法读取" in status, status
    assert "标注副本 2 个在：" in status
    rows = book.sheets["报送情况"].rows()
    for bad in ("日期溢出.xlsx", "全表合并.xlsx"):
        assert any(r[1] == bad and str(r[3]).startswith("无法读取") for r in rows), bad
    book.fill(输出文件=tmp_path / "乡镇汇总.xlsx")
    press("合并")
    assert book.value("状态").startswith("合并完成：应报 13 个村，已报 13 个"), book.value("状态")
    assert (tmp_path / "乡镇汇总.xlsx").is_file()
