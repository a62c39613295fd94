"""One hostile register through every output, each checked with its format's parser.

The register below is written in YAML, as users write it, with HTML, Markdown
table and link syntax, quotes, backticks, spreadsheet formulas, line breaks,
terminal control characters and a bidirectional override in its text fields.
It is imported into a real SQLite workspace. Every output of that workspace is
then parsed to show that the text stays text: web pages, the board section as
Markdown, HTML, JSON, PDF and PPTX, the CSV and XLSX exports, the checkpoint
calendar, the digest and the CLI's text.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from click.testing import CliRunner, Result
from markdown_it import MarkdownIt

from boardloop.cli.main import main

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi.testclient import TestClient
    from markdown_it.token import Token

# No "/" in the name: the web routes match one path segment, and Starlette
# decodes %2F before routing, so a company name with a slash has no web page.
COMPANY = 'Hostile <b>"Ltd" | =1+1 \u202e'
AS_OF = "2026-03-02"

# The YAML escapes \e (ESC), \a (BEL), \t, \r, \n and \u202E are decoded by the
# YAML reader, so the register carries the raw control characters.
REGISTER = r"""
initiatives:
  - id: formula-name
    name: "=HYPERLINK(\"http://x\",\"y\") <script>alert(1)</script>"
    owner:
      person: "+1+1 <img src=x onerror=alert(1)>"
      function: "-2+3 \"><svg onload=alert(1)>"
    target: "| a | b | **bold** [link](javascript:alert(1)) `tick`"
    status: in-progress
    created_on: 2026-01-05
    launched_on: 2026-01-10
    next_checkpoint: 2026-03-04
    progress_note: "\t=1 \e[31mred\e[0m bell\a"
    notes: "@SUM(A1) ``code`` \u202Eevil"
    control_segment: "<b>control</b> | c |"
    checkpoints:
      - on: 2026-02-14
        note: "first\r\nATTENDEE:mailto:evil@example.com"
        author: "<i>Dana</i>"
    history:
      - at: 2026-02-20T09:00:00
        actor: "<u>actor</u>"
        kind: status
        changes: {status: [planned, in-progress]}
        reason: "\e]0;title\a <script>alert(1)</script>"
  - id: table-name
    name: "-2+3 | a | b | \e[31mred"
    owner: {person: "@SUM(A1) **bold**", function: CS}
    target:
      kpi: GRR
      direction: increase
      amount: 2
      unit: pp
      segment: "<script>alert(1)</script> | seg |"
      deadline: 2026-09-30
    status: closed
    created_on: 2026-01-02
    launched_on: 2026-01-06
    outcome:
      result: missed
      actual_movement: 0.8
      actual_unit: pp
      lesson: "**bold** [link](javascript:alert(1))\r\n| a | b |"
      closed_on: 2026-02-27
  - id: chart-name
    name: Chart with hostile segments
    owner: {person: Dana Reyes, function: CS}
    target:
      kpi: GRR
      direction: increase
      amount: 2
      unit: pp
      segment: "Ent\u202Eprise <b>x</b>"
      deadline: 2026-09-30
    status: in-progress
    created_on: 2025-12-01
    launched_on: 2026-01-01
    control_segment: "=cmd \e[31mSMB\a"
  - id: calendar-name
    name: "Weekly review\r\nATTENDEE:mailto:evil@example.com\r\n\
      X-INJECTED:1 \u202Egnp.exe"
    owner: {person: "Ana Lima\a", function: "`CS`"}
    target: NPS 45+ by H2 2026
    status: launched
    created_on: 2026-01-02
    launched_on: 2026-01-20
    next_checkpoint: 2026-03-05
"""

# KPI values whose segment names are hostile too; the CSV carries raw ESC and BEL.
KPI_VALUES = (
    "kpi,segment,period_end,value,n\n"
    'GRR,"Ent\u202eprise <b>x</b>",2025-12-31,89.8,118\n'
    'GRR,"Ent\u202eprise <b>x</b>",2026-01-31,90.1,120\n'
    'GRR,"Ent\u202eprise <b>x</b>",2026-02-28,90.4,121\n'
    'GRR,"=cmd \x1b[31mSMB\x07",2025-12-31,85.1,60\n'
    'GRR,"=cmd \x1b[31mSMB\x07",2026-01-31,85.3,60\n'
    'GRR,"=cmd \x1b[31mSMB\x07",2026-02-28,85.5,61\n'
)

# The same strings as Python values, for the checks.
FORMULA_NAME = '=HYPERLINK("http://x","y") <script>alert(1)</script>'
FORMULA_PERSON = "+1+1 <img src=x onerror=alert(1)>"
FORMULA_FUNCTION = '-2+3 "><svg onload=alert(1)>'
TABLE_TARGET = "| a | b | **bold** [link](javascript:alert(1)) `tick`"
# The reader strips whitespace around a value, so the leading tab is not kept.
PROGRESS = "=1 \x1b[31mred\x1b[0m bell\x07"
NOTES = "@SUM(A1) ``code`` \u202eevil"
CHECKPOINT_NOTE = "first\r\nATTENDEE:mailto:evil@example.com"
REASON = "\x1b]0;title\x07 <script>alert(1)</script>"
TABLE_NAME = "-2+3 | a | b | \x1b[31mred"
TABLE_PERSON = "@SUM(A1) **bold**"
SEGMENT = "<script>alert(1)</script> | seg |"
LESSON = "**bold** [link](javascript:alert(1))\r\n| a | b |"
CALENDAR_NAME = (
    "Weekly review\r\nATTENDEE:mailto:evil@example.com\r\nX-INJECTED:1 \u202egnp.exe"
)
CALENDAR_PERSON = "Ana Lima\x07"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def output_of(result: Result) -> str:
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )


def words(text: str) -> str:
    """Join text with all whitespace removed, as PDF and slide text wraps lines.

    pypdf returns some of WeasyPrint's glyphs with a NUL before each character,
    so NULs are removed too.
    """
    return "".join(text.replace("\x00", "").split())


@dataclass(frozen=True)
class Hostile:
    """The imported workspace and the outputs written from it."""

    workspace: Path
    outputs: Path

    def read(self, name: str) -> str:
        return (self.outputs / name).read_text(encoding="utf-8")

    def cli(self, *args: str) -> str:
        """Run a CLI command on the workspace and return its stdout."""
        result = run(*args, "-w", str(self.workspace))
        assert result.exit_code in (0, 1), output_of(result)
        return result.stdout


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    """Import the hostile register into a SQLite workspace and write every output."""
    root = tmp_path_factory.mktemp("hostile")
    workspace = root / "workspace"
    outputs = root / "out"
    outputs.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("BOARDLOOP_DATABASE_URL", raising=False)
        result = run("init", str(workspace), "--company", COMPANY)
        assert result.exit_code == 0, output_of(result)
        register_file = root / "initiatives.yaml"
        register_file.write_text(REGISTER, encoding="utf-8")
        values_file = root / "kpi_values.csv"
        values_file.write_text(KPI_VALUES, encoding="utf-8")
        result = run(
            "import", str(register_file), str(values_file), "-w", str(workspace)
        )
        assert result.exit_code == 0, output_of(result)

        ws = ("-w", str(workspace))
        dated = (*ws, "--as-of", AS_OF)
        for form in ("md", "html", "json", "pdf", "pptx"):
            target = str(outputs / f"section.{form}")
            written = run("report", *dated, "--since", "2026-01-01", "--format", form,
                          "-o", target)  # fmt: skip
            assert written.exit_code == 0, output_of(written)
        for kind in ("register", "findings"):
            for form in ("csv", "xlsx"):
                target = str(outputs / f"{kind}.{form}")
                written = run("export", kind, *dated, "-o", target)
                assert written.exit_code == 0, output_of(written)
        written = run("calendar", *ws, "-o", str(outputs / "checkpoints.ics"))
        assert written.exit_code == 0, output_of(written)
        for form, suffix in (("text", "txt"), ("markdown", "md")):
            target = str(outputs / f"digest.{suffix}")
            written = run("digest", *dated, "--since", "2026-01-01", "--format", form,
                          "-o", target)  # fmt: skip
            assert written.exit_code == 0, output_of(written)
        yield Hostile(workspace, outputs)


# --- HTML ---------------------------------------------------------------------


class Elements(HTMLParser):
    """Collect start tags with their attributes, script bodies and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.texts: list[str] = []
        self.script_bodies: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] in ("script", "style"):
            self.script_bodies.append(data)
            return
        self.texts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    @property
    def attribute_values(self) -> list[str]:
        return [value or "" for _, attrs in self.tags for _, value in attrs]


def parse_html(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    parser.close()
    return parser


def assert_inert_html(page: str, *present: str) -> Elements:
    """Assert no element or handler came from user text, and the text reads as text."""
    parsed = parse_html(page)
    handlers = [
        (tag, name)
        for tag, attrs in parsed.tags
        for name, _ in attrs
        if name.startswith("on")
    ]
    assert handlers == []
    tags = [tag for tag, _ in parsed.tags]
    assert "img" not in tags
    assert not any("alert" in body for body in parsed.script_bodies)
    for tag, attrs in parsed.tags:
        assert tag not in ("iframe", "object", "embed", "b", "i", "u"), (tag, attrs)
        if tag == "script":
            assert dict(attrs).get("src"), f"inline script element: {attrs}"
    links = [
        (value or "").strip().lower()
        for _, attrs in parsed.tags
        for name, value in attrs
        if name in ("href", "src", "action", "formaction", "xlink:href")
    ]
    assert not any(link.startswith("javascript:") for link in links)
    shown = parsed.text + "".join(parsed.attribute_values)
    for text in present:
        assert text in shown, f"{text!r} not shown as text"
    return parsed


def test_html_section_inert(hostile: Hostile) -> None:
    parsed = assert_inert_html(
        hostile.read("section.html"),
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "[link](javascript:alert(1))",
        "[U+202E]",
        "=1 [U+001B][31mred[U+001B][0m bell[U+0007]",
    )
    # A carriage return is whitespace in HTML; every other control is shown.
    assert set(RAW_CONTROLS.findall(parsed.text)) <= {"\r"}
    # Chart titles and labels are attributes and SVG text; they show marks too.
    assert "\u202e" not in hostile.read("section.html")
    assert "Ent[U+202E]prise <b>x</b>" in parsed.text


# --- Web pages ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(hostile: Hostile) -> Iterator[TestClient]:
    """Serve the workspace and sign in an admin, as test_web_support does."""
    from fastapi.testclient import TestClient

    from boardloop.access import Role
    from boardloop.api import ApiSettings, create_app
    from boardloop.api._settings import open_api_workspace

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("BOARDLOOP_DATABASE_URL", raising=False)
        settings = ApiSettings(workspace=hostile.workspace)
        with open_api_workspace(settings) as workspace:
            store = workspace.store
            store.add_user("ada", "Ada Brandt")
            store.grant_role("ada", COMPANY, Role.ADMIN)
            store.set_password("ada", "ada-correct-horse")
        app = create_app(settings)
        with TestClient(app) as served:
            client = TestClient(
                served.app,
                base_url="https://testserver",
                raise_server_exceptions=False,
                follow_redirects=False,
            )
            signed = client.post(
                "/sign-in", data={"login": "ada", "password": "ada-correct-horse"}
            )
            assert signed.status_code == 303, signed.text
            yield client


COMPANY_PATH = f"/companies/{quote(COMPANY, safe='')}"
WEB_PAGES = (
    ("/", ()),
    (COMPANY_PATH, ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")),
    (
        f"{COMPANY_PATH}/initiatives/formula-name",
        (
            "<script>alert(1)</script>",
            '"><svg onload=alert(1)>',
            "[link](javascript:alert(1))",
            "ATTENDEE:mailto:evil@example.com",
            "<i>Dana</i>",
            "<u>actor</u>",
            "]0;title",
        ),
    ),
    (f"{COMPANY_PATH}/initiatives/table-name", ("<script>alert(1)</script> | seg |",)),
    (f"{COMPANY_PATH}/initiatives/calendar-name", ("X-INJECTED:1",)),
    (f"{COMPANY_PATH}/initiatives/formula-name/edit", (FORMULA_NAME,)),
    (f"{COMPANY_PATH}/initiatives/formula-name/close", ()),
    (f"{COMPANY_PATH}/board", ("<script>alert(1)</script>",)),
    (f"{COMPANY_PATH}/lint-preview", ()),
)


@pytest.mark.parametrize(("path", "present"), WEB_PAGES, ids=lambda v: str(v)[:40])
def test_web_page_inert(browser: TestClient, path: str, present: tuple[str]) -> None:
    page = browser.get(path)
    assert page.status_code == 200, page.text[:2000]
    assert "html" in page.headers["content-type"]
    assert_inert_html(page.text, *present)


def form_fields(page: str, form_id: str) -> dict[str, str]:
    """Return the hidden inputs' values of the form with `form_id`, unescaped."""
    fields: dict[str, str] = {}
    inside = False
    for tag, attrs in parse_html(page).tags:
        found = dict(attrs)
        if tag == "form":
            inside = found.get("id") == form_id
        elif inside and tag == "input" and found.get("type") == "hidden":
            fields[found.get("name") or ""] = found.get("value") or ""
    return fields


POSTED_NOTE = "</textarea><svg onload=alert(1)>\r\n**x** [y](javascript:alert(1))"
POSTED_REASON = '"><img src=x onerror=alert(1)>'


def test_web_posted_text_inert(browser: TestClient) -> None:
    path = f"{COMPANY_PATH}/initiatives/calendar-name"
    fields = form_fields(browser.get(path).text, "checkpoint-form")
    assert set(fields) == {"csrf_token", "version"}
    form = {**fields, "note": POSTED_NOTE, "reason": POSTED_REASON}

    # An invalid date shows the form again with the text as typed.
    rejected = browser.post(f"{path}/checkpoints", data={**form, "on": "2026-02-30"})
    assert rejected.status_code in (400, 422), rejected.text[:2000]
    parsed = assert_inert_html(rejected.text, "<svg onload=alert(1)>")
    assert POSTED_REASON in parsed.attribute_values

    posted = browser.post(f"{path}/checkpoints", data={**form, "on": "2026-03-01"})
    assert posted.status_code == 303, posted.text[:2000]
    assert_inert_html(
        browser.get(path).text, "</textarea><svg onload=alert(1)>", "[y](javascript:"
    )


@pytest.mark.parametrize(
    "path", ["/", COMPANY_PATH, f"{COMPANY_PATH}/initiatives/calendar-name"]
)
def test_web_page_bidi_shown(browser: TestClient, path: str) -> None:
    page = browser.get(path)
    assert page.status_code == 200, page.text[:2000]
    text = parse_html(page.text).text
    assert "\u202e" not in text
    assert "[U+202E]" in text


# --- Markdown -----------------------------------------------------------------


def markdown_parser() -> MarkdownIt:
    """Return CommonMark with GFM tables that accepts any link target.

    markdown-it drops links to `javascript:` by default, which would hide an
    unescaped link, so every target counts as a link here.
    """
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


def markdown_tokens(text: str) -> list[Token]:
    """Parse Markdown; return block tokens and inline children in order."""
    flat: list[Token] = []
    for token in markdown_parser().parse(text):
        flat.append(token)
        flat.extend(token.children or ())
    return flat


def source_cells(line: str) -> int:
    """Count the cells of a GFM table row as written: unescaped pipes split them.

    markdown-it pads or cuts a row to the header's width, so the width of the
    parsed row cannot show a pipe that split a cell.
    """
    body = line.strip()
    pipes: list[int] = []
    escaped = False
    for index, char in enumerate(body):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            pipes.append(index)
    inner = [index for index in pipes if index not in (0, len(body) - 1)]
    return len(inner) + 1


def table_cells(tokens: list[Token]) -> list[str]:
    """Return the text of every table cell, code spans included."""
    cells: list[str] = []
    inside = False
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            inside = True
            cells.append("")
        elif token.type in ("th_close", "td_close"):
            inside = False
        elif inside and token.type in ("text", "code_inline"):
            cells[-1] += token.content
    return cells


def assert_inert_markdown(
    text: str, *present: str, cells: tuple[str, ...] = ()
) -> None:
    """Assert no HTML or link from user text, and tables whose rows stay whole.

    Each of `cells` must sit inside one table cell, so its pipes split nothing.
    """
    tokens = markdown_tokens(text)
    kinds = {token.type for token in tokens}
    assert "html_inline" not in kinds
    assert "html_block" not in kinds
    assert "link_open" not in kinds
    assert "image" not in kinds

    lines = text.split("\n")
    widths: list[list[int]] = []
    for token in tokens:
        if token.type == "table_open":
            widths.append([])
        elif token.type == "tr_open" and token.map is not None:
            widths[-1].append(source_cells(lines[token.map[0]]))
    for rows in widths:
        assert len(set(rows)) == 1, f"table rows of unequal width: {rows}"
    written = table_cells(tokens)
    for fragment in cells:
        assert any(fragment in cell for cell in written), f"{fragment!r} split"

    parsed = parse_html(markdown_parser().render(text))
    for item in present:
        assert item in parsed.text, f"{item!r} not shown as text"


def test_markdown_section_inert(hostile: Hostile) -> None:
    assert_inert_markdown(
        hostile.read("section.md"),
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "**bold** [link](javascript:alert(1))",
        "**bold** [link](javascript:alert(1)) | a | b |",
        "[U+202E]",
        cells=(
            "-2+3 | a | b |",
            "| a | b | **bold** [link](javascript:alert(1)) `tick`",
            "<script>alert(1)</script> | seg |",
        ),
    )


def test_markdown_section_no_controls(hostile: Hostile) -> None:
    assert RAW_CONTROLS.findall(hostile.read("section.md")) == []


def test_digest_markdown_inert(hostile: Hostile) -> None:
    text = hostile.read("digest.md")
    assert_inert_markdown(text, "<script>alert(1)</script>", "X-INJECTED:1")
    assert RAW_CONTROLS.findall(text) == []
    assert "\r" not in text


def test_digest_text_inert(hostile: Hostile) -> None:
    text = hostile.read("digest.txt")
    assert RAW_CONTROLS.findall(text) == []
    assert "\r" not in text
    assert "<script>alert(1)</script>" in text
    # A name's line breaks must not start a line of their own.
    lines = text.split("\n")
    assert not any(line.startswith("ATTENDEE") for line in lines)
    assert not any(line.startswith("X-INJECTED") for line in lines)


# --- JSON ---------------------------------------------------------------------


def test_json_section_exact(hostile: Hostile) -> None:
    document = json.loads(hostile.read("section.json"))
    strings: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    assert document["company"] == COMPANY
    for text in (FORMULA_NAME, TABLE_NAME, CALENDAR_NAME, PROGRESS, LESSON):
        assert text in strings, f"{text!r} not in the JSON section"


def test_json_history_exact(hostile: Hostile) -> None:
    document = json.loads(hostile.cli("history", "formula-name", "--format", "json"))
    reasons = json.dumps(document, ensure_ascii=False)
    assert json.dumps(REASON, ensure_ascii=False) in reasons


# --- PDF and PPTX -------------------------------------------------------------


def test_pdf_literal_text(hostile: Hostile) -> None:
    from pypdf import PdfReader

    reader = PdfReader(hostile.outputs / "section.pdf")
    text = words("".join(page.extract_text() for page in reader.pages))
    for item in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "**bold**[link](javascript:alert(1))",
        '=HYPERLINK("http://x","y")',
        "=1 [U+001B][31mred[U+001B][0m bell[U+0007]",
        "[U+202E]gnp.exe",
    ):
        assert words(item) in text, f"{item!r} not in the PDF text"
    for page in reader.pages:
        for annotation in page.get("/Annots") or ():
            action = annotation.get_object().get("/A") or {}
            assert "/URI" not in action, action


def test_pptx_literal_text(hostile: Hostile) -> None:
    from pptx import Presentation

    deck = Presentation(str(hostile.outputs / "section.pptx"))
    texts: list[str] = []
    for slide in deck.slides:
        frames = []
        for shape in slide.shapes:
            assert not shape.click_action.hyperlink.address
            if shape.has_text_frame:
                frames.append(shape.text_frame)
            if shape.has_table:
                frames.extend(cell.text_frame for cell in shape.table.iter_cells())
        if slide.has_notes_slide:
            frames.append(slide.notes_slide.notes_text_frame)
        for frame in frames:
            for paragraph in frame.paragraphs:
                for text_run in paragraph.runs:
                    assert text_run.hyperlink.address is None
                    texts.append(text_run.text)
    joined = words(" ".join(texts))
    for item in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "**bold**[link](javascript:alert(1))",
        "[U+202E]",
    ):
        assert words(item) in joined, f"{item!r} not in the slides"
    assert RAW_CONTROLS.findall(" ".join(texts)) == []
    with zipfile.ZipFile(hostile.outputs / "section.pptx") as package:
        for member in package.namelist():
            if member.endswith(".xml"):
                assert "\u202e".encode() not in package.read(member), member


# --- CSV and XLSX -------------------------------------------------------------


def csv_rows(hostile: Hostile, name: str) -> list[list[str]]:
    data = (hostile.outputs / name).read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(data, newline="")))


@pytest.mark.parametrize("kind", ["register", "findings"])
def test_csv_formulas_inert(hostile: Hostile, kind: str) -> None:
    rows = csv_rows(hostile, f"{kind}.csv")
    assert len({len(row) for row in rows}) == 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


def test_csv_register_cells_exact(hostile: Hostile) -> None:
    header, *rows = csv_rows(hostile, "register.csv")
    by_id = {
        row[header.index("id")]: dict(zip(header, row, strict=True)) for row in rows
    }
    assert by_id["formula-name"]["name"] == "'" + FORMULA_NAME
    assert by_id["formula-name"]["owner"] == "'" + FORMULA_PERSON
    assert by_id["formula-name"]["function"] == "'" + FORMULA_FUNCTION
    assert by_id["formula-name"]["progress"] == "'" + PROGRESS
    assert by_id["formula-name"]["notes"] == "'" + NOTES
    assert by_id["table-name"]["name"] == "'" + TABLE_NAME
    assert by_id["table-name"]["owner"] == "'" + TABLE_PERSON
    assert by_id["table-name"]["lesson"] == LESSON
    assert by_id["calendar-name"]["name"] == CALENDAR_NAME


@pytest.mark.parametrize("kind", ["register", "findings"])
def test_xlsx_formulas_inert(hostile: Hostile, kind: str) -> None:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    sheet = load_workbook(hostile.outputs / f"{kind}.xlsx").active
    checked = 0
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                assert cell.data_type == "s", cell.coordinate
                assert cell.quotePrefix, cell.coordinate
                checked += 1
    if kind == "register":
        assert checked >= 6


# --- ICS ----------------------------------------------------------------------


def test_ics_properties_not_injected(hostile: Hostile) -> None:
    from icalendar import Calendar

    data = (hostile.outputs / "checkpoints.ics").read_bytes()
    calendar = Calendar.from_ical(data)
    events = list(calendar.walk("VEVENT"))
    summaries = sorted(str(event["SUMMARY"]) for event in events)
    # iCalendar escapes a line break as `\n`, which reads back as LF alone, and
    # the calendar shows the bidirectional override as a mark.
    assert summaries == [
        f"Checkpoint: {FORMULA_NAME}",
        "Checkpoint: Weekly review\nATTENDEE:mailto:evil@example.com\n"
        "X-INJECTED:1 [U+202E]gnp.exe",
    ]
    for event in events:
        assert "ATTENDEE" not in event
        assert "X-INJECTED" not in event
    descriptions = " ".join(str(event["DESCRIPTION"]) for event in events)
    assert f"Owner: {FORMULA_PERSON} ({FORMULA_FUNCTION})" in descriptions
    assert "Owner: Ana Lima[U+0007] (`CS`)" in descriptions
    content_lines = data.decode("utf-8").split("\r\n")
    assert [line for line in content_lines if RAW_CONTROLS.search(line)] == []
    # Unfolded content lines: every property is one of the calendar's own.
    unfolded = re.sub(rb"\r\n[ \t]", b"", data).decode("utf-8")
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n")}
    assert names - {""} <= {
        "BEGIN", "END", "PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME", "UID",
        "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "TRANSP",
    }  # fmt: skip


# --- CLI text -----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("lint", "--as-of", AS_OF),
        ("history", "formula-name"),
        ("kpis", "show"),
        ("report", "--as-of", AS_OF, "--format", "md"),
    ],
    ids=lambda command: command[0],
)
def test_cli_text_no_controls(hostile: Hostile, command: tuple[str, ...]) -> None:
    output = hostile.cli(*command)
    assert RAW_CONTROLS.findall(output) == []
    assert "\r" not in output


def test_import_keeps_exact_text(hostile: Hostile) -> None:
    from boardloop.store import open_workspace

    workspace = open_workspace(hostile.workspace)
    try:
        register = workspace.store.load_register(COMPANY)
    finally:
        workspace.close()
    by_id = {initiative.id: initiative for initiative in register.initiatives}
    first = by_id["formula-name"]
    assert first.name == FORMULA_NAME
    assert first.owner.person == FORMULA_PERSON
    assert first.owner.function == FORMULA_FUNCTION
    assert first.target.text == TABLE_TARGET
    assert first.progress_note == PROGRESS
    assert first.notes == NOTES
    assert first.checkpoints[0].note == CHECKPOINT_NOTE
    assert by_id["table-name"].name == TABLE_NAME
    assert by_id["table-name"].target.segment == SEGMENT
    outcome = by_id["table-name"].outcome
    assert outcome is not None
    assert outcome.lesson == LESSON
    assert by_id["calendar-name"].name == CALENDAR_NAME
    assert by_id["calendar-name"].owner.person == CALENDAR_PERSON
