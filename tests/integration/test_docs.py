"""Every command is explained twice: by its own ``--help`` and in README.md; and every rule
the code and the tests cite lives in the repository's own docs, under the heading cited.

Like sqlite-utils' ``tests/test_docs.py``: a new command without help text, or one the README
does not mention, fails here. The command tree is read from the Typer app itself, so the list
of commands never has to be kept by hand.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import typer.main

from rolodex.cli.app import app

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands() -> list[tuple[str, object]]:
    """Every command and group as ``("rolodex labels add", command)``, the root first."""

    def walk(command, path):
        yield " ".join(path), command
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            yield from walk(sub, [*path, name])

    return list(walk(typer.main.get_command(app), ["rolodex"]))


COMMANDS = _commands()
LEAVES = [(path, command) for path, command in COMMANDS if not hasattr(command, "commands")]


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def _documented(path: str, readme: str) -> bool:
    """``rolodex labels list`` appears as such, or in the README's shorthand for a group,
    ``rolodex labels add NAME... | labels list`` (the form docs/commands.md uses too)."""
    if path in readme:
        return True
    group, _, leaf = path.rpartition(" ")
    short = f"| {group.removeprefix('rolodex ')} {leaf}"
    return any(
        line.lstrip("`").startswith(group + " ") and short in line for line in readme.splitlines()
    )


def test_the_cli_has_commands():
    assert len(LEAVES) >= 10


@pytest.mark.parametrize("path, command", COMMANDS, ids=[path for path, _ in COMMANDS])
def test_every_command_has_help_text(path, command):
    assert (command.help or "").strip(), f"`{path}` has no help text"


@pytest.mark.parametrize("path, command", LEAVES, ids=[path for path, _ in LEAVES])
def test_every_command_is_in_the_readme(path, command):
    assert _documented(path, _readme()), f"README.md does not mention `{path}`"


@pytest.mark.parametrize("phrase", ["make demo", "make test"])
def test_readme_starts_with_how_to_run_the_demo_and_the_tests(phrase):
    first_lines = "\n".join(_readme().splitlines()[:40])

    assert phrase in first_lines


# -- the rules live in the repository's own docs, and what cites them finds them ----------------

ROOT = README.parent
CITING = ("src", "tests", "bench")
CITATION = re.compile(r"(?<![\w/.-])((?:docs/[\w-]+|README|ARCHITECTURE)\.md)(?:#([\w-]+))?")
LINK = re.compile(r"\]\(([^)#\s]*?\.md)?#([\w-]+)\)")
# Citations of documents that are not in the repository: a specification kept elsewhere
# ("CONTR" "ACT" and a section sign) or an issue tracker's numbers.
FOREIGN = re.compile("CONTR" + r"ACT|\u00a7|\b[Ii]ssue \d")


def _text_files(*folders: str) -> list[Path]:
    return sorted(
        path
        for folder in folders
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".md") and path.is_file()
    )


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(document: Path) -> set[str]:
    """The anchors of a Markdown file's headings (fenced code blocks skipped), as GitHub
    makes them, a repeated heading's with ``-1``, ``-2``…"""
    anchors: set[str] = set()
    fenced = False
    for line in document.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#{1,6} (.+)", line)):
            slug = base = _slug(match.group(1))
            n = 0
            while slug in anchors:
                n += 1
                slug = f"{base}-{n}"
            anchors.add(slug)
    return anchors


def _citations() -> list[tuple[str, str, str | None]]:
    """Every ``docs/<name>.md#<anchor>`` (or README.md, ARCHITECTURE.md) cited in the code, the
    tests and the bench, and every Markdown link to an anchor in the repository's docs, as
    (where, document, anchor)."""
    found = []
    for path in _text_files(*CITING):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for document, anchor in CITATION.findall(line):
                found.append((f"{path.relative_to(ROOT)}:{number}", document, anchor or None))
    for path in [README, ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for document, anchor in LINK.findall(path.read_text(encoding="utf-8")):
            target = (path.parent / document).resolve() if document else path
            found.append((str(path.relative_to(ROOT)), str(target.relative_to(ROOT)), anchor))
    return found


CITATIONS = _citations()


def test_the_code_and_the_tests_cite_the_docs():
    assert sum(1 for _, document, _ in CITATIONS if document == "docs/importing.md") >= 30


@pytest.mark.parametrize(
    "where, document, anchor", CITATIONS, ids=[f"{w} {d}#{a}" for w, d, a in CITATIONS]
)
def test_every_cited_doc_section_exists(where, document, anchor):
    path = ROOT / document
    assert path.is_file(), f"{where} cites {document}, which does not exist"
    if anchor:
        assert anchor in _anchors(path), f"{where} cites {document}#{anchor}: no such heading"


def test_nothing_cites_rules_kept_outside_the_repository():
    foreign = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _text_files(*CITING)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FOREIGN.search(line)
    ]
    assert foreign == [], "cite docs/*.md sections instead:\n" + "\n".join(foreign)


# -- ARCHITECTURE.md's dependency rule ----------------------------------------------------------
# (``sqlite3`` is allowed: ``importing/seen.py`` keeps a private scratch file for the run, not
# the product's database.)

FRONT_ENDS_AND_STORAGE = (
    "typer",
    "click",
    "fastapi",
    "starlette",
    "uvicorn",
    "sqlalchemy",
    "psycopg",
    "rolodex.cli",
    "rolodex.web",
    "rolodex.mail",
    "rolodex.services",
    "rolodex.store",
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "module", sorted((ROOT / "src/rolodex/importing").glob("*.py")), ids=lambda p: p.name
)
def test_the_import_core_knows_no_front_end_and_no_database(module):
    wrong = sorted(
        name
        for name in _imports(module)
        if any(name == banned or name.startswith(banned + ".") for banned in FRONT_ENDS_AND_STORAGE)
    )
    assert wrong == [], f"{module.name} imports {wrong} (see ARCHITECTURE.md#layout)"
