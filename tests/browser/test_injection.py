"""Hostile strings entered through ``add``, ``import-acled`` and ``ingest`` stay inert text.

The corpus (``tests/data/hostile_strings.json``: markup, attribute and script breakouts,
script URLs, entity- and percent-encoded payloads, template syntax, Unicode line
separators, bidi and zero-width characters, NUL and other controls, a 10,000-character
word, spreadsheet formulas, paths, SQL) goes into every text field a user can set, through
the commands an analyst runs, each in-process through ``build_map.main``:

- ``add`` with options (``--place`` with ``--lat``/``--lon``, ``--source``,
  ``--source-url``, ``--notes``, ``--tags``, ``--actor1``, ``--assoc-actor1``,
  ``--actor2``, ``--assoc-actor2``), the corpus spread over ten adds;
- ``add --from`` a CSV that puts every string in every field (also ``event_id_cnty``,
  ``source_scale``, ``place_id``, ``civilian_targeting``), all on one point, so the page
  lists them as a stack;
- ``import-acled`` of an export that does the same for ACLED's columns (also ``admin1-3``),
  plus rows whose validated fields are hostile;
- ``ingest`` of a report that mixes hostile text with real place names, then ``add --from``
  the candidates.

The map is then built and opened in headless Chromium (network blocked): every incident's
popup and tooltip must show the stored text exactly (``textContent``), as plain elements,
with links only to http(s); no dialog, no ``window.__pwned``, no page error. The exports
must keep the text literally (GeoJSON, GeoPackage), neutralise formulas (CSV), and no
hostile value may become a file path.

What happens to each class of hostile value (checked here):

- Free text (location, notes, source, source_url, actors, tags, source_scale, ACLED's
  admin1-3 and event ids) is accepted and stored as given; place names, ids and every
  ACLED field lose outer whitespace. The page shows it as text. ``source_url`` keeps any
  scheme; the popup links it only when it is ``http(s)://`` without white space, and shows
  plain text otherwise. No free text reaches the title, legend, layer control or
  ``summary.json`` (which holds only counts and the schema's fixed labels). Values that
  start with ``-`` need ``--notes=-1+1`` (argparse reads ``--notes -1+1`` as two options).
- Refused with a message and the store left as it was: event type, date, counts, precision
  codes, coordinates (``add`` names the option or the file and line, and mostly the
  column; ``argparse`` refuses non-numbers), a ``--place`` that does not geocode, a lone
  surrogate (what argv bytes that are not UTF-8 become; the column is named), a
  report with no text, a NUL anywhere (the column is named). ``import-acled`` skips such
  rows and counts them by reason, without line numbers.
- Dropped or replaced silently: on ``add --from`` with coordinates, a ``place_id`` not in
  the gazetteer and a ``civilian_targeting`` other than "Civilian targeting"; ACLED's
  ``year`` (taken from the date) and columns the store lacks (``region``, ``inter1`` …).
- ``ingest`` removes tags and scripts from a report but decodes entities, so
  ``&lt;script&gt;`` arrives as the text ``<script>``; its candidates file prefixes
  formula-like cells with ``'``, and ``add --from`` keeps that apostrophe in the store.
- A CR inside a value (alone or in CR LF) is written as LF, in the store and the exports:
  the csv module would write a lone CR unquoted and then read a record break there.

Tests at the end guard two bugs this corpus found in ``geo/`` and that are fixed: a stored
row holding a line break (``\\n``, or U+2028 and other Unicode line separators) was
corrupted by the next ``add`` of a later event, and a CR without LF was written unquoted,
which broke the store and let a formula out of its neutralised cell in the CSV export.
Strings with a lone CR are left out of the page corpus (they are stored as LF, so "stored
as given" would not hold); strings with a NUL, which the store's checks refuse, are
tested on their own.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import build_map
from geo.build import MAP_FILENAME
from geo.errors import DataFileError
from geo.incidents.table import read_table
from tests.browser.conftest import open_map

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import PageAndLog

pytestmark = pytest.mark.browser
CORPUS_FILE = Path(__file__).resolve().parents[1] / "data" / "hostile_strings.json"
#: A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Text columns a user sets, and the options of `add` that set them.
CLI_OPTIONS = {
    "--place": "location", "--source": "source", "--source-url": "source_url",
    "--notes": "notes", "--tags": "tags", "--actor1": "actor1",
    "--assoc-actor1": "assoc_actor_1", "--actor2": "actor2", "--assoc-actor2": "assoc_actor_2",
}  # fmt: skip
FROM_FIELDS = (*CLI_OPTIONS.values(), "source_scale")
ACLED_FIELDS = ("actor1", "assoc_actor_1", "actor2", "assoc_actor_2", "admin1", "admin2",
                "admin3", "location", "source", "source_scale", "notes", "tags")  # fmt: skip
#: Columns of an ACLED export (current form, as in tests/data/acled_current.csv).
ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
#: Text columns compared between the store, the page and the exports.
TEXT_COLUMNS = ("event_id_cnty", "location", "source", "source_url", "notes", "tags", "actor1",
                "assoc_actor_1", "actor2", "assoc_actor_2", "source_scale", "admin1",
                "admin2", "admin3")  # fmt: skip
SHELLING = "Shelling/artillery/missile attack"
STACK = ("35.75000", "36.55000")  # every `add --from` row: one point, listed as a stack
STACK_MAX_LISTED = 50
#: ACLED rows with a hostile validated field, and the reason the import gives for skipping.
ACLED_REFUSED = {
    "event_type": ("<script>window.__pwned=1</script>", "invalid event_type"),
    "sub_event_type": ("=cmd|' /C calc'!A0", "invalid sub_event_type"),
    "disorder_type": ("<img src=x onerror=window.__pwned=1>", "invalid disorder_type"),
    "civilian_targeting": ("javascript:window.__pwned=1", "invalid civilian_targeting"),
    "geo_precision": ("{{7*7}}", "invalid geo_precision"),
    "time_precision": ("-1+1", "invalid time_precision"),
    "fatalities": ("=1+1", "invalid fatalities"),
    "event_date": ("<svg onload=window.__pwned=1>", "unreadable date or coordinates"),
    "latitude": ("javascript:window.__pwned=1", "unreadable date or coordinates"),
    "event_id_cnty": ("\u2028 \t", "no event_id_cnty"),
}
REPORT = """\
Regime artillery shelled Ariha today. <script>window.__pwned=1</script>
Russian jets struck Sarmin this morning, killing two civilians. \
<img src=x onerror="window.__pwned=1"> =HYPERLINK("http://evil.example/","click")
=cmd|' /C calc'!A0 Drone strike hit Kansafra yesterday. \
&lt;script&gt;window.__pwned=1&lt;/script&gt; {{7*7}} ${window.__pwned=1} `tick`
Clashes near Saraqib killed three fighters. javascript:window.__pwned=1 ../../etc/passwd
"""
INGEST_SOURCE = "<svg onload=window.__pwned=1> {{7*7}}"
INGEST_URL = "javascript:window.__pwned=1"


def load_corpus() -> list[str]:
    entries = json.loads(CORPUS_FILE.read_text(encoding="utf-8"))["strings"]
    return [entry["text"] * entry.get("repeat", 1) for entry in entries]


def with_nul() -> list[str]:
    """The corpus strings holding a NUL, which the store's checks refuse."""
    return [s for s in load_corpus() if "\x00" in s]


def lone_carriage_return(text: str) -> bool:
    """A CR without LF, stored as LF (see ``test_a_carriage_return_stays_inside_its_field``)."""
    return "\r" in text and "\n" not in text


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in this process; return its status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = build_map.main(list(argv))
        except SystemExit as exc:  # argparse refusing an option
            status = exc.code if isinstance(exc.code, int) else 2
    return status, out.getvalue(), err.getvalue()


def added_ids(stdout: str) -> list[str]:
    return re.findall(r"^added (SYR-IDL-\d+): ", stdout, flags=re.MULTILINE)


def write_csv(path: Path, columns: tuple[str, ...] | list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        # CRLF: Python 3.11 quotes a field holding a character of the line terminator.
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def read_store(path: Path) -> dict[str, list[str]]:
    """The store's columns exactly as in the file (``read_table`` turns a CR into LF)."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *records = list(csv.reader(handle))
    return {name: [r[k] for r in records] for k, name in enumerate(header)}


def crlf_as_lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def neutralised(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


@dataclass
class Hostile:
    """The store built from the corpus, the map and exports built from it, and what ran."""

    root: Path
    out: Path
    store: Path
    corpus: list[str]
    inputs: set[Path] = field(default_factory=set)
    #: Event id -> column -> the value the store must hold.
    expected: dict[str, dict[str, str]] = field(default_factory=dict)
    from_ids: list[str] = field(default_factory=list)
    acled_report: str = ""
    candidates: list[dict[str, str]] = field(default_factory=list)

    def table(self) -> dict[str, list[str]]:
        return read_store(self.store)


def _add_by_options(h: Hostile) -> None:
    """Ten adds with options, each setting nine text fields to corpus strings.

    Each add's date is earlier than every stored row, so its row goes first in the file.
    """
    usable, options = h.corpus, list(CLI_OPTIONS)
    for k in range(0, len(usable), len(options)):
        chunk = usable[k : k + len(options)]
        chunk += usable[: len(options) - len(chunk)]  # wrap round to fill the last add
        n = k // len(options)
        argv = ["add", "--incidents", str(h.store), "--out", str(h.out), "--no-build",
                f"--date=2019-06-{10 - n:02d}", "--type=shelling",
                f"--lat={35.80 + 0.011 * n:.3f}", f"--lon={36.50 + 0.013 * n:.3f}"]  # fmt: skip
        # --option=value: a value starting with "-" ("-1+1") is not read as an option.
        argv += [f"{option}={value}" for option, value in zip(options, chunk, strict=True)]
        status, stdout, stderr = run(*argv)
        assert status == 0, stderr
        (event_id,) = added_ids(stdout)
        values = dict(zip(CLI_OPTIONS.values(), chunk, strict=True))
        values["location"] = values["location"].strip()
        h.expected[event_id] = values


def _ingest(h: Hostile) -> None:
    """A report with hostile text beside real places; its candidates added with `add --from`."""
    report = h.root / "report.html"
    report.write_text(REPORT, encoding="utf-8")
    h.inputs.add(report)
    argv = ["ingest", str(report), "--published", "2020-09-18", "--out", str(h.out),
            "--source", INGEST_SOURCE, "--url", INGEST_URL]  # fmt: skip
    status, _, stderr = run(*argv)
    assert status == 0, stderr
    candidates = h.out / "candidates.csv"
    with candidates.open(encoding="utf-8", newline="") as handle:
        h.candidates = list(csv.DictReader(handle))
    status, stdout, stderr = run("add", "--incidents", str(h.store), "--no-build",
                                 "--from", str(candidates))  # fmt: skip
    assert status == 0, stderr
    ids = added_ids(stdout)
    assert len(ids) == len(h.candidates)
    for event_id, row in zip(ids, h.candidates, strict=True):
        h.expected[event_id] = {c: row[c] for c in ("location", "source", "source_url", "notes")}


def _add_from_file(h: Hostile) -> None:
    """Every corpus string in every field (row k, field j: string k + j), all on one point."""
    n, rows = len(h.corpus), []
    start = dt.date(2018, 1, 1)  # before every stored row, as in _add_by_options
    for k in range(n):
        values = {f: h.corpus[(k + j) % n] for j, f in enumerate(FROM_FIELDS)}
        rows.append({
            "event_id_cnty": f"F{k}:{h.corpus[k]}", "event_date": str(start + dt.timedelta(k)),
            "sub_event_type": SHELLING, "latitude": STACK[0], "longitude": STACK[1],
            "place_id": h.corpus[(k + 3) % n], "civilian_targeting": h.corpus[(k + 5) % n],
            **values,
        })  # fmt: skip
        expected = {**values, "location": values["location"].strip(), "place_id": "",
                    "civilian_targeting": ""}  # fmt: skip
        h.expected[rows[-1]["event_id_cnty"].strip()] = expected
        h.from_ids.append(rows[-1]["event_id_cnty"].strip())
    path = h.root / "rows.csv"
    write_csv(path, list(rows[0]), rows)
    h.inputs.add(path)
    status, stdout, stderr = run("add", "--incidents", str(h.store), "--no-build",
                                 "--from", str(path))  # fmt: skip
    assert status == 0, stderr
    assert stdout.count("added ") >= n


def _acled_row(k: int, day: dt.date) -> dict[str, str]:
    return {
        "event_id_cnty": f"ACLED{k}", "event_date": str(day), "year": str(day.year),
        "time_precision": "1", "disorder_type": "Political violence",
        "event_type": "Explosions/Remote violence", "sub_event_type": SHELLING,
        "inter1": "1", "inter2": "0", "interaction": "10", "iso": "760",
        "region": "<script>window.__pwned=1</script>", "country": "Syria",
        "latitude": f"{35.60 + 0.03 * (k % 10):.3f}", "longitude": f"{36.40 + 0.04 * (k // 10):.3f}",
        "geo_precision": "1", "fatalities": "0", "timestamp": "1700000000",
        **dict.fromkeys(ACLED_FIELDS, "ok"),
    }  # fmt: skip


def _import_acled(h: Hostile) -> None:
    """An ACLED export with every string in every text column, and rows to refuse."""
    n, rows = len(h.corpus), []
    start = dt.date(2021, 1, 1)
    for k in range(n):
        row = _acled_row(k, start + dt.timedelta(k))
        row.update({f: h.corpus[(k + j) % n] for j, f in enumerate(ACLED_FIELDS)})
        row["event_id_cnty"] = f"{h.corpus[k]}|A{k}"
        rows.append(row)
        h.expected[row["event_id_cnty"].strip()] = {f: row[f].strip() for f in ACLED_FIELDS}
    for k, (column, (value, _)) in enumerate(ACLED_REFUSED.items(), start=n):
        row = _acled_row(k, start + dt.timedelta(k))
        row[column] = value
        rows.append(row)
    path = h.root / "acled.csv"
    write_csv(path, ACLED_COLUMNS, rows)
    h.inputs.add(path)
    status, stdout, stderr = run("import-acled", str(path), "--incidents", str(h.store),
                                 "--no-build")  # fmt: skip
    assert status == 0, stderr
    h.acled_report = stdout


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """Build the store through every command, then the map and exports, from a deep cwd.

    The working folder is four levels inside ``root``, so a hostile value used as a relative
    path ("../../x") would create a file inside ``root``, where the path test looks.
    """
    root = tmp_path_factory.mktemp("injection")
    cwd = root / "a" / "b" / "c" / "cwd"
    cwd.mkdir(parents=True)
    store = root / "incidents.csv"
    corpus = [s for s in load_corpus() if not lone_carriage_return(s) and "\x00" not in s]
    h = Hostile(root=root, out=root / "out", store=store, corpus=corpus)
    h.inputs |= {store, store.with_name(store.name + ".lock")}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        _ingest(h)
        _add_by_options(h)
        _add_from_file(h)
        _import_acled(h)
        status, _, stderr = run("--incidents", str(store), "--out", str(h.out), "-q")
        assert status == 0, stderr
    return h


def test_every_route_stores_the_strings_as_given(hostile: Hostile) -> None:
    data = hostile.table()
    row_of = {crlf_as_lf(event_id): i for i, event_id in enumerate(data["event_id_cnty"])}
    assert {crlf_as_lf(event_id) for event_id in hostile.expected} <= set(row_of)
    row_of = {event_id: row_of[crlf_as_lf(event_id)] for event_id in hostile.expected}
    # Each add and import reads the store in universal-newline mode (``read_text``), so a CR
    # inside an earlier row's value comes back as LF when the store is rewritten.
    wrong = [
        (event_id, column, data[column][row_of[event_id]][:80], value[:80])
        for event_id, values in hostile.expected.items()
        for column, value in values.items()
        if data[column][row_of[event_id]] not in {value, crlf_as_lf(value)}
    ]
    assert wrong == []
    # Every corpus string sits in every user-set text column of some row.
    for column in (*FROM_FIELDS, *ACLED_FIELDS):
        present = set(data[column]) | {crlf_as_lf(v) for v in data[column]}
        missing = [s[:60] for s in hostile.corpus if not {s, s.strip(), crlf_as_lf(s)} & present]
        assert missing == [], column
    # The ACLED rows with a hostile code, date, count or position were skipped, by reason.
    report = hostile.acled_report
    assert f"added {len(hostile.corpus)}, updated 0, unchanged 0" in report
    for reason in {reason for _, reason in ACLED_REFUSED.values()}:
        count = sum(1 for _, r in ACLED_REFUSED.values() if r == reason)
        assert f"skipped, {reason}: {count}" in report


def test_ingest_keeps_report_text_as_text(hostile: Hostile) -> None:
    rows = hostile.candidates
    assert {r["location"] for r in rows} >= {"Ariha", "Sarmin", "Kansafra", "Saraqib"}
    assert all(r["source"].startswith(INGEST_SOURCE) for r in rows)
    assert all(r["source_url"] == INGEST_URL for r in rows)
    notes = " ".join(r["notes"] for r in rows)
    # Tags are removed from the report; entities are decoded into the same text.
    assert "<img" not in notes
    assert "<script>window.__pwned=1</script>" in notes  # from &lt;script&gt;
    assert "{{7*7}}" in notes
    assert "${window.__pwned=1}" in notes
    # A note that starts with a formula is prefixed in the candidates file; `add --from`
    # keeps the apostrophe, so the store (and the map) show it.
    assert any(r["notes"].startswith("'=cmd|") for r in rows)


def test_page_shows_every_string_as_text(hostile: Hostile, page_and_log: PageAndLog) -> None:
    page, log = page_and_log
    html = (hostile.out / MAP_FILENAME).read_text(encoding="utf-8")
    assert [s[:60] for s in hostile.corpus if "<" in s and s in html] == []
    open_map(page, hostile.out / MAP_FILENAME)
    scripts = page.evaluate("document.scripts.length")
    shown = page.evaluate(OPEN_EVERY_POPUP)
    page.wait_for_timeout(100)  # let a loaded <img onerror> or <svg onload> fire, if any
    assert (page.evaluate("typeof window.__pwned"), log.dialogs) == ("undefined", [])
    data = hostile.table()
    assert len(shown) == len(data["event_id_cnty"])
    row_of = {event_id: i for i, event_id in enumerate(data["event_id_cnty"])}
    problems = []
    for record in shown:
        problems += popup_problems(record, {c: data[c][row_of[record["id"]]] for c in data})
    assert problems[:20] == []
    _check_stack_list(page, hostile)
    _check_page_is_clean(page, scripts)
    assert log.dialogs == []
    assert log.page_errors == []
    assert log.unexpected_console_errors() == []


OPEN_EVERY_POPUP = """() => {
  const api = IdlibMap.incidentData, out = [];
  for (let i = 0; i < api.set.n; i++) {
    const marker = api.open(i);
    if (!marker) { out.push({id: api.eventId(i), missing: true}); continue; }
    const box = marker.getPopup().getElement().querySelector(".leaflet-popup-content");
    const nodes = [...box.querySelectorAll("*")];
    const one = (selector) => { const n = box.querySelector(selector); return n ? n.textContent : null; };
    marker.openTooltip();
    const tip = marker.getTooltip().getElement();
    out.push({
      id: api.eventId(i),
      title: one(".idlib-popup-title"),
      rows: [...box.querySelectorAll("tr")].map((tr) => [tr.children[0].textContent, tr.children[1].textContent]),
      note: one(".idlib-popup-note"),
      sources: [...box.querySelectorAll(".idlib-popup-source")].map((d) => d.textContent),
      links: [...box.querySelectorAll("a")].map((a) => ({href: a.getAttribute("href"),
        protocol: a.protocol, text: a.textContent, rel: a.rel, target: a.target})),
      tags: [...new Set(nodes.map((n) => n.tagName))],
      attributes: [...new Set(nodes.flatMap((n) => [...n.attributes].map((a) => a.name)))],
      tooltip: tip.textContent,
      tooltipTags: [...tip.querySelectorAll("*")].map((n) => n.tagName),
    });
    marker.closeTooltip();
    marker.closePopup();
  }
  return out;
}"""


def popup_problems(record: dict[str, Any], row: dict[str, str]) -> list[str]:
    """What in one incident's popup and tooltip differs from its stored text."""
    event_id, location = row["event_id_cnty"], row["location"]
    if record.get("missing"):
        return [f"{event_id[:40]!r}: no marker to open"]
    rows = dict(record["rows"])
    actors = " vs ".join(a for a in (row["actor1"], row["actor2"]) if a)
    url = row["source_url"]
    linkable = url.lower().startswith(("http://", "https://")) and not any(
        c.isspace() or c == "\ufeff" for c in url
    )
    checks = {
        "title": record["title"].endswith(" – " + location),
        "place": rows.get("Place", "").startswith(location + " ("),
        "id": rows.get("ID") == event_id,
        "actors": rows.get("Actors") == (actors or None),
        "tags": rows.get("Tags") == (row["tags"] or None),
        "note": record["note"] == (row["notes"] or None),
        "source": record["sources"] == ["Source: " + row["source"]],
        "links": len(record["links"]) == int(linkable)
        and all(
            link["protocol"] in {"http:", "https:"} and link["href"] == url
            and link["text"] == "Source: " + row["source"]
            and link["rel"] == "noopener noreferrer" and link["target"] == "_blank"
            for link in record["links"]
        ),
        # BUTTON and INPUT are the fixed "copy link" line; no data reaches their markup.
        "elements": set(record["tags"]) <= {"DIV", "TABLE", "TR", "TH", "TD", "A", "BUTTON",
                                            "INPUT"},
        "attributes": set(record["attributes"]) <= {"class", "href", "target", "rel", "type",
                                                    "readonly", "hidden", "aria-label"},
        "tooltip": record["tooltip"].endswith(" · " + location)
        and record["tooltipTags"] == ["SPAN"],
    }  # fmt: skip
    return [f"{event_id[:40]!r}: {name}" for name, ok in checks.items() if not ok]


def _check_stack_list(page: Page, hostile: Hostile) -> None:
    """The `add --from` rows share a point: the page lists them, each line plain text."""
    listed = page.evaluate(
        """([lat, lon]) => {
            const api = IdlibMap.incidentData, layer = api.layer, map = layer._map;
            map.setView([lat, lon], map.getMaxZoom(), {animate: false});
            layer.redraw();
            const zoom = map.getZoom();
            let stack = null;
            layer.cells(zoom, map.getBounds()).forEach((c) => { if (c.n > 40) { stack = c; } });
            layer._open(stack, zoom);
            const box = document.querySelector(".leaflet-popup-content .idlib-stack");
            const items = [...box.querySelectorAll(".idlib-stack-item")];
            const result = {n: stack.n, items: items.map((b) => b.textContent),
              tags: [...new Set([...box.querySelectorAll("*")].map((n) => n.tagName))]};
            items[0].click();
            result.firstNote = document.querySelector(".leaflet-popup-content .idlib-popup-note").textContent;
            return result;
        }""",
        [float(STACK[0]), float(STACK[1])],
    )
    data = hostile.table()
    row_of = {crlf_as_lf(event_id): i for i, event_id in enumerate(data["event_id_cnty"])}
    rows = sorted(row_of[crlf_as_lf(event_id)] for event_id in hostile.from_ids)  # date order
    assert listed["n"] == len(rows)
    assert set(listed["tags"]) <= {"DIV", "BUTTON"}
    assert len(listed["items"]) == STACK_MAX_LISTED
    for item, i in zip(listed["items"], rows, strict=False):
        assert item.startswith(data["event_date"][i] + " · ")
        assert item.endswith(" · " + data["location"][i])
    assert listed["firstNote"] == data["notes"][rows[0]]


def _check_page_is_clean(page: Page, scripts: int) -> None:
    """Nothing ran, nothing was injected, no control shows incident text, no script links."""
    state = page.evaluate(
        """() => {
            const all = [...document.querySelectorAll("*")];
            const risky = /^(javascript|vbscript|data:text)/;
            const squash = (v) => v.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
            return {
              pwned: typeof window.__pwned,
              title: document.title,
              scripts: document.scripts.length,
              handlers: all.flatMap((n) => [...n.attributes].filter((a) => a.name.startsWith("on"))
                .map((a) => n.tagName + " " + a.name)),
              embedded: document.querySelectorAll(
                "iframe, frame, object, embed, base, meta[http-equiv=refresh i], textarea").length,
              riskyValues: all.flatMap((n) => [...n.attributes].filter((a) => risky.test(squash(a.value)))
                .map((a) => n.tagName + " " + a.name + "=" + a.value.slice(0, 60))),
              links: [...document.querySelectorAll("a[href]")].map((a) => [a.getAttribute("href"), a.protocol]),
              controls: [...document.querySelectorAll(".leaflet-control")].map((c) => c.textContent),
            };
        }"""
    )
    assert state["pwned"] == "undefined"
    assert state["title"].startswith("Idlib de-escalation zone")
    assert state["scripts"] == scripts
    assert state["handlers"] == []
    assert state["embedded"] == 0
    assert state["riskyValues"] == []
    assert [
        h for h, p in state["links"] if not h.startswith("#") and p not in {"http:", "https:"}
    ] == []
    for text in state["controls"]:  # title, legend, layer control, filter, attribution …
        assert "pwned" not in text
        assert "<" not in text
        assert "{{" not in text


def test_hostile_url_hash_is_ignored(hostile: Hostile, page_and_log: PageAndLog) -> None:
    """A shared link with a broken or hostile hash opens the map normally."""
    page, log = page_and_log
    fragment = ("z=%E0%A4%A&lat=<img src=x onerror=window.__pwned=1>&lon=javascript:alert(1)"
                "&layers=%3Cscript%3E&from=<svg/onload=alert(1)>&to=2020-13-45&types=__proto__"
                "&__proto__=%7B%22x%22%3A1%7D&constructor=x")  # fmt: skip
    page.goto((hostile.out / MAP_FILENAME).resolve().as_uri() + "#" + fragment)
    page.wait_for_function("() => window.IdlibMap && IdlibMap.map && IdlibMap.filter")
    page.evaluate("IdlibMap.incidentData.ready.then(() => true)")
    page.evaluate("void IdlibMap.map.panBy([40, 0], {animate: false})")
    assert page.evaluate("location.hash").startswith("#z=")  # the page keeps its view again
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("({}).x") is None
    assert log.dialogs == []
    assert log.page_errors == []


def test_exports_keep_text_literal_and_neutralise_formulas(hostile: Hostile) -> None:
    data = hostile.table()
    n = len(data["event_id_cnty"])
    with (hostile.out / "incidents_classified.csv").open(encoding="utf-8", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == n
    for i, row in enumerate(exported):
        assert [c for c, v in row.items() if v.startswith(FORMULA_START)] == [], i
        for column in TEXT_COLUMNS:
            if data[column][i]:  # admin areas left empty are filled from the position
                assert row[column] == neutralised(data[column][i]), (i, column)
    cells = {v for row in exported for v in row.values()}
    assert {"'" + s for s in hostile.corpus if s.startswith(FORMULA_START)} <= cells

    def refuse(name: str) -> None:
        raise ValueError(name)

    text = (hostile.out / "layers" / "incidents.geojson").read_text(encoding="utf-8")
    features = json.loads(text, parse_constant=refuse)["features"]
    assert len(features) == n
    for i, feature in enumerate(features):
        for column in TEXT_COLUMNS:
            if data[column][i]:
                assert feature["properties"][column] == data[column][i], (i, column)
    summary_text = (hostile.out / "summary.json").read_text(encoding="utf-8")
    summary = json.loads(summary_text, parse_constant=refuse)
    assert summary["total"]["incidents"] == n
    assert "pwned" not in summary_text  # counts and fixed labels only


def test_geopackage_keeps_every_string(hostile: Hostile) -> None:
    """The GeoPackage holds the same text as the store (GDAL would cut text at a NUL)."""
    import pyogrio  # noqa: PLC0415 - GDAL, only for this test

    frame = pyogrio.read_dataframe(hostile.out / "idlib.gpkg", layer="incidents")
    data = hostile.table()
    wrong = [
        (column, data[column][i][:40], value[:40])
        for column in TEXT_COLUMNS
        for i, value in enumerate(frame[column].tolist())
        if data[column][i] and value != data[column][i]
    ]
    assert wrong == [], f"{len(wrong)} values differ, e.g. {wrong[0]}"


def test_hostile_values_never_become_paths(hostile: Hostile) -> None:
    """Files appear only where the test put its inputs and under ``--out``, by fixed names."""
    root, out = hostile.root, hostile.out
    files = {p for p in root.rglob("*") if not p.is_dir()}
    assert {p for p in files if out not in p.parents} == hostile.inputs
    assert {p.relative_to(root) for p in (root / "a").rglob("*")} == {
        Path("a/b"),
        Path("a/b/c"),
        Path("a/b/c/cwd"),
    }
    for path in files - hostile.inputs:
        relative = path.relative_to(out)
        assert len(relative.parts) <= 2
        assert re.fullmatch(r"[A-Za-z0-9_.-]+", path.name), relative
        assert relative.parts[0] in {".cache", "layers"} or len(relative.parts) == 1
    assert {"idlib_map.html", "incidents_classified.csv", "idlib.gpkg", "summary.json",
            "candidates.csv"} <= {p.name for p in files}  # fmt: skip


REFUSALS = {
    # name: (argv after `add --incidents STORE --no-build` and valid options, status, message)
    "type": (["--type=<script>window.__pwned=1</script>"], 1, "unknown event type"),
    "date": (["--date=<img src=x onerror=window.__pwned=1>"], 1, "column 'event_date'"),
    "date-formula": (["--date==1+1"], 1, "column 'event_date'"),
    "negative-count": (["--injured=-1"], 1, "column 'injured'"),
    "count": (["--fatalities==1+1"], 2, "--fatalities"),
    "latitude": (["--lat=javascript:alert(1)"], 2, "--lat"),
    "lone-surrogate": (
        ["--notes=\udcff<script>window.__pwned=1</script>"],
        1,
        "not UTF-8 text (a lone surrogate)",
    ),
}
FROM_REFUSALS = {
    # name: (column set in a one-row `add --from` file, value, message)
    "from-count": ("fatalities", "=1+1", "line 2"),
    "from-precision": ("time_precision", "<script>window.__pwned=1</script>", "line 2"),
    "from-type": ("sub_event_type", "javascript:window.__pwned=1", "unknown event type"),
    "from-latitude": ("latitude", "../../etc/passwd", "line 2"),
    "from-date": ("event_date", "{{7*7}}", "column 'event_date'"),
}


@pytest.mark.parametrize("name", [*REFUSALS, *FROM_REFUSALS, "place", "empty-report"])
def test_validated_fields_refuse_hostile_values(
    name: str, hostile: Hostile, tmp_path: Path
) -> None:
    """A hostile value where a code, date, count or position belongs stops the command."""
    store = tmp_path / "incidents.csv"
    shutil.copyfile(hostile.store, store)
    before = store.read_bytes()
    valid = ["--date=2020-06-01", "--lat=35.8", "--lon=36.6", "--type=shelling", "--source=ok",
             "--notes=refused"]  # fmt: skip
    command = ["add", "--incidents", str(store), "--no-build"]
    if name in REFUSALS:
        extra, expected_status, message = REFUSALS[name]
        status, _, stderr = run(*command, *valid, *extra)
    elif name in FROM_REFUSALS:
        column, value, message = FROM_REFUSALS[name]
        row = {"event_date": "2020-06-01", "sub_event_type": SHELLING, "latitude": "35.8",
               "longitude": "36.6", "source": "ok", "location": "x", column: value}  # fmt: skip
        write_csv(tmp_path / "rows.csv", list(row), [row])
        expected_status = 1
        status, _, stderr = run(*command, "--from", str(tmp_path / "rows.csv"))
    elif name == "place":  # no coordinates: the name must geocode
        expected_status, message = 1, "--place"
        status, _, stderr = run(*command, *valid[:1], *valid[3:], "--place=../../etc/passwd")
    else:
        report = tmp_path / "report.html"
        report.write_text("<script>window.__pwned=1</script><style>x{}</style>", encoding="utf-8")
        expected_status, message = 1, "the report is empty"
        argv = ["ingest", str(report), "--published", "2020-09-18", "--out", str(tmp_path)]
        status, _, stderr = run(*argv)
        assert not (tmp_path / "candidates.csv").exists()
    assert status == expected_status, stderr
    assert message in stderr
    assert "Traceback" not in stderr
    assert store.read_bytes() == before


@pytest.mark.parametrize(
    "note", ["line one\nline two", "one\u2028two\x85three\x0cfour"], ids=["newline", "u2028"]
)
def test_add_after_a_line_break_keeps_the_store_intact(note: str, tmp_path: Path) -> None:
    """The next ``add`` must not splice its row into a stored row holding a line break.

    A bug this test found, now fixed, in ``geo/incidents/add.py``, ``_write_with``: to keep the file's other bytes it
    inserts the new CSV line into ``text.splitlines(keepends=True)`` at index (number of
    records sorting before it) + 1, which is right only if every earlier record is one
    physical line. Its guard (``simple``) checks that records *start* on consecutive lines,
    which a multi-line *last* record passes; and ``str.splitlines`` also breaks at U+2028,
    U+2029, U+0085, U+000B, U+000C and U+001C-U+001E, which CSV keeps inside a field. So
    after ``add --notes $'line one\\nline two'`` (or a note with U+2028) the next ``add`` of a
    later event lands inside that record; the store stops parsing ("line 2: 53 fields, the
    header has 30") and every later add and build failed. The splice now splits at LF only
    and is used only when the file has exactly one line per record.
    """
    store = tmp_path / "incidents.csv"
    notes = [note, "a later incident"]
    for k, text in enumerate(notes, start=1):
        status, _, stderr = run("add", "--incidents", str(store), "--no-build",
                                f"--date=2020-05-0{k}", "--lat=35.81", "--lon=36.61",
                                "--type=shelling", "--source=test", f"--place=p{k}",
                                f"--notes={text}")  # fmt: skip
        assert status == 0, stderr
    try:
        stored = read_table(store).data["notes"]
    except DataFileError as exc:
        pytest.fail(f"the second add broke the store: {exc}")
    assert stored == notes


@pytest.mark.parametrize("where", ["store", "export"])
def test_a_carriage_return_stays_inside_its_field(where: str, tmp_path: Path) -> None:
    """A CR without LF in a text value must not split the row (it is stored as LF).

    Python 3.11's ``csv.writer`` quotes a field holding a character of ``lineterminator``
    (here ``"\\n"``), not a lone ``"\\r"``, yet its reader ends a record at ``"\\r"``.
    ``geo/incidents/add.py`` (``_write_with``) and ``geo/incidents/table.py``
    (``IncidentTable.to_csv``) write such a value as is, so ``add --notes $'\\r=1+1'`` leaves
    a store that no longer parses ("29 fields, the header has 30"). In
    ``geo/incidents/export.py`` (``ExportWriter``) the neutralised cell ``'\\r=1+1`` is split
    the same way, so ``incidents_classified.csv`` gains a row whose first cell is the formula
    ``=1+1``: the apostrophe no longer protects it. (``geo/ingest/candidates.py`` writes
    ``candidates.csv`` the same way.) Writing with ``lineterminator="\\r\\n"`` or
    ``quoting=csv.QUOTE_ALL`` would quote such fields (and change every other one); the
    writers now write CR and CR LF inside values as LF (``geo.csvfile.lf_line_breaks``).
    """
    store = tmp_path / "incidents.csv"
    note = "\r=1+1" if where == "store" else "NOTE-HERE"
    status, _, stderr = run("add", "--incidents", str(store), "--no-build", "--date=2020-05-01",
                            "--lat=35.81", "--lon=36.61", "--type=shelling", "--source=test",
                            f"--notes={note}")  # fmt: skip
    assert status == 0, stderr
    if where == "export":  # a store (edited by hand) holding the value, quoted
        text = store.read_text(encoding="utf-8").replace("NOTE-HERE", '"\r=1+1"')
        store.write_text(text, encoding="utf-8", newline="")
        assert read_store(store)["notes"] == ["\r=1+1"]
        status, _, stderr = run("--incidents", str(store), "--out", str(tmp_path), "-q")
        assert status == 0, stderr
        with (tmp_path / "incidents_classified.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        assert len(rows) == 1
        assert [cell for cell in rows[-1] if cell.startswith(FORMULA_START)] == []
        return
    try:
        read_table(store)
    except DataFileError as exc:
        pytest.fail(f"the add broke the store: {exc}")
    assert read_store(store)["notes"] == ["\n=1+1"]


@pytest.mark.parametrize("route", ["option", "from", "acled"])
def test_a_nul_is_refused_or_kept_whole(route: str, tmp_path: Path) -> None:
    """A NUL is refused naming its column, or else kept whole and built.

    (A NUL accepted by ``add`` used to stop the build when it lay in the store's first 4 KB,
    read as UTF-16 by ``geo/incidents/incremental.py``, and the GeoPackage cut text at it;
    ``geo/incidents/validate.py`` now refuses NUL.)
    """
    store, value = tmp_path / "incidents.csv", with_nul()[0]
    row = {"event_id_cnty": "N1", "event_date": "2020-06-01", "sub_event_type": SHELLING,
           "latitude": "35.8", "longitude": "36.6", "source": "ok", "location": "x",
           "notes": value}  # fmt: skip
    if route == "option":
        status, stdout, stderr = run("add", "--incidents", str(store), "--no-build",
                                     "--date=2020-06-01", "--lat=35.8", "--lon=36.6",
                                     "--type=shelling", "--source=ok", f"--notes={value}")  # fmt: skip
    elif route == "from":
        write_csv(tmp_path / "rows.csv", list(row), [row])
        argv = [
            "add",
            "--incidents",
            str(store),
            "--no-build",
            "--from",
            str(tmp_path / "rows.csv"),
        ]
        status, stdout, stderr = run(*argv)
    else:
        row.update(event_type="Explosions/Remote violence", geo_precision="1", time_precision="1")
        write_csv(tmp_path / "acled.csv", list(row), [row])
        argv = [
            "import-acled",
            str(tmp_path / "acled.csv"),
            "--incidents",
            str(store),
            "--no-build",
        ]
        status, stdout, stderr = run(*argv)
    if status != 0 or "skipped" in stdout:  # refused: the message names the column
        assert "notes" in stderr + stdout
        assert "Traceback" not in stderr
        return
    assert status == 0, stderr
    status, _, stderr = run("--incidents", str(store), "--out", str(tmp_path / "out"), "-q")
    assert status == 0, stderr
    assert read_store(store)["notes"] == [value]
