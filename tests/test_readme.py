"""The README starts with the two commands, and CI runs exactly the second one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    head = text.split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", head)


def test_readme_starts_with_install_and_demo_then_install_and_tests():
    demo, tests = first_commands()
    # a virtual environment: Debian and Ubuntu refuse a bare `pip install .` (PEP 668)
    assert demo.startswith("python3 -m venv .venv && .venv/bin/pip install . &&") and demo.endswith("unionxl demo")
    assert tests.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' &&") and "pytest" in tests


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert first_commands()[1] in ci


def test_readme_documents_every_finding_code():
    from unionxl.checks.findings import CODES

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, spec in CODES.items():
        assert f"| `{code}` | {spec.severity} | {spec.meaning} |" in text, code
