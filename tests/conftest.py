from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from unionxl.bundled import examples_dir

EXAMPLES = examples_dir()


def make_workbook(path: Path, sheets: dict[str, list[list]], merged: dict[str, list[str]] | None = None) -> Path:
    """A plain workbook with the given rows per sheet (first sheet first)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (merged or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(path: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice headless (tests using this skip when LibreOffice is absent)."""
    exe = soffice()
    if exe is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run(
        [exe, "--headless", f"-env:UserInstallation=file://{outdir}/lo-profile", "--convert-to", fmt,
         "--outdir", str(outdir), str(path)],
        check=True, capture_output=True, timeout=180,
    )
    out = outdir / f"{path.stem}.{fmt.split(':')[0]}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


@pytest.fixture
def examples() -> list[Path]:
    return sorted(EXAMPLES.glob("*.xlsx"))
