"""Checks as small declared units, and the registry that runs them.

A :class:`Check` has a name, the finding codes it can raise (from ``findings.CODES``) and what it
applies to: the structure of each register's table, the cover, or the rows of a register that
lists it (``Register.checks``) and has the roles it needs. The checks themselves are in
:mod:`unionxl.checks.structure` and :mod:`unionxl.checks.rows`; :func:`unionxl.checks.validate.validate_file`
runs them, all or those a caller picks (``checks=``, ``skip=``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..schema.registers import Register, Role
from .findings import CODES, Finding, UnknownCode

STRUCTURE = "structure"  # run(table) on each register's table
COVER = "cover"  # run(report, submission, villages) once the cover is converted
ROWS = "rows"  # run(report, register) on the clean rows of each register that lists the check


class UndeclaredCode(AssertionError):
    """A check raised a code it does not declare (a bug in the check)."""


@dataclass(frozen=True)
class Check:
    name: str
    kind: str  # STRUCTURE, COVER or ROWS
    codes: tuple[str, ...]  # every code it can raise
    run: Callable[..., Iterable[Finding]]
    needs: tuple[Role, ...] = ()  # ROWS: the roles a register must have for it to run there
    doc: str = ""

    def applies_to(self, register: Register) -> bool:
        """A row check runs on a register that lists it and has every role it needs."""
        return self.kind == ROWS and self.name in register.checks and register.has(*self.needs)

    def __call__(self, *args: Any) -> Iterator[Finding]:
        """The findings of this check, each of a code it declares (else :class:`UndeclaredCode`)."""
        for finding in self.run(*args):
            if finding.code not in self.codes:
                raise UndeclaredCode(f"{self.name} raised {finding.code!r}, which it does not declare")
            yield finding


CHECKS: dict[str, Check] = {}  # name -> check, in the order they run


def check(name: str, kind: str, codes: Iterable[str], needs: Iterable[Role] = ()) -> Callable[[Callable], Check]:
    """Declare the decorated generator as a check of ``kind`` that raises only ``codes``."""

    def declare(run: Callable[..., Iterable[Finding]]) -> Check:
        declared = tuple(codes)
        unknown = [c for c in declared if c not in CODES]
        if unknown:
            raise UnknownCode(unknown[0])
        if name in CHECKS:
            raise ValueError(f"two checks named {name!r}")
        found = CHECKS[name] = Check(name, kind, declared, run, tuple(needs), (run.__doc__ or "").strip())
        return found

    return declare


def chosen(names: Iterable[str] | None = None, skip: Iterable[str] = ()) -> list[Check]:
    """The checks to run, in order: those named (all when None) less those skipped. An unknown
    name is a ValueError."""
    wanted = list(CHECKS) if names is None else list(names)
    skip = set(skip)
    unknown = [n for n in (*wanted, *skip) if n not in CHECKS]
    if unknown:
        raise ValueError(f"no check named {unknown[0]!r} (the checks: {', '.join(CHECKS)})")
    return [CHECKS[n] for n in CHECKS if n in wanted and n not in skip]


def of_kind(checks: Iterable[Check], kind: str) -> list[Check]:
    return [c for c in checks if c.kind == kind]


def for_register(checks: Iterable[Check], register: Register) -> list[Check]:
    """The row checks of ``checks`` that run on ``register``, in the order the register lists them."""
    by_name = {c.name: c for c in checks if c.applies_to(register)}
    return [by_name[n] for n in register.checks if n in by_name]
