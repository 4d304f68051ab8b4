"""The documentation stays true: README and docs/ links resolve, the README stays short,
and the error-code table lists exactly the SQLSTATEs the sources raise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import ROOT

DOCS = sorted((ROOT / "docs").glob("*.md"))
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
SQL_DIRS = ("setup", "tables", "functions", "views", "triggers", "cron")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    lines = path.read_text().splitlines()
    in_code = False
    out = set()
    for line in lines:
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and line.startswith("#"):
            out.add(_anchor(line.lstrip("#")))
    return out


def _links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(), flags=re.S)
    return [m for m in LINK.findall(text) if not m.startswith(("http://", "https://", "mailto:"))]


@pytest.mark.parametrize("path", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_every_relative_link_resolves_to_a_file_and_heading(path):
    broken = []
    for link in _links(path):
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        if not file.exists():
            broken.append(f"{link}: no file {file.relative_to(ROOT)}")
        elif anchor and file.suffix == ".md" and anchor not in _anchors(file):
            broken.append(f"{link}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert not broken, f"{path.relative_to(ROOT)}: " + "; ".join(broken)


def test_the_readme_reads_in_five_minutes():
    assert len((ROOT / "README.md").read_text().splitlines()) < 250


def test_every_docs_file_is_linked_from_the_readme():
    readme_links = {link.partition("#")[0] for link in _links(ROOT / "README.md")}
    missing = [p.name for p in DOCS if f"docs/{p.name}" not in readme_links]
    assert not missing, f"docs files not linked from README.md: {missing}"


def _raised_codes() -> set[str]:
    codes = set()
    for folder in SQL_DIRS:
        for f in (ROOT / folder).glob("*.sql"):
            codes |= set(re.findall(r"ERRCODE\s*=\s*'(PF\d{3})'", f.read_text()))
    for f in (ROOT / "src" / "pgfresh").rglob("*.py"):
        codes |= set(re.findall(r"ERRCODE\s*=\s*'(PF\d{3})'", f.read_text()))
    return codes


def test_the_error_code_table_lists_exactly_the_codes_the_sources_raise():
    table = (ROOT / "docs" / "errors.md").read_text()
    documented = set(re.findall(r"^\| `(PF\d{3})` \|", table, flags=re.M))
    raised = _raised_codes()
    assert raised, "no ERRCODE found in the sources: the scan is broken"
    assert documented == raised, (
        f"raised but not documented: {sorted(raised - documented)}; "
        f"documented but never raised: {sorted(documented - raised)}"
    )
