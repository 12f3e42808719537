"""The filled summary as PDF, through LibreOffice headless."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UserError
from ..reading import safety
from ..writing.xlsxio import atomic_write


class PdfUnavailable(UserError):
    """No PDF could be made (LibreOffice absent or failed); one Chinese line."""


def export_pdf(xlsx: Path, pdf: Path | None = None) -> Path:
    """Convert with LibreOffice headless; raises PdfUnavailable when it is not installed."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise PdfUnavailable("未安装 LibreOffice，无法导出 PDF。可在 Excel 或 WPS 中打开汇总表后“另存为 PDF”。")
    pdf = pdf or xlsx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        run = subprocess.run(
            [exe, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "pdf", "--outdir", tmp,
             str(xlsx)], capture_output=True, timeout=300, preexec_fn=safety.unlimit_memory if os.name == "posix" else None,
        )
        made = Path(tmp) / f"{xlsx.stem}.pdf"
        if run.returncode != 0 or not made.exists():
            raise PdfUnavailable(f"LibreOffice 未能导出 PDF：{run.stderr.decode(errors='replace').strip()[:200]}")
        atomic_write(pdf, lambda target: shutil.copyfile(made, target))
    return pdf

