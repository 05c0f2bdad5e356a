"""The ``retold`` command line: thin wrappers over ``retold.api``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text

from retold.api import Index
from retold.pipeline import Progress as StageProgress
from retold.pipeline import ScanReport
from retold.store import StoreError
from retold.text import shorten

app = typer.Typer(
    help="Find news articles rewritten from other articles, trace them to their source, "
    "and show what the rewrite changed.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)
out = Console()

DbOption = Annotated[Path, typer.Option("--db", help="Index file (SQLite).")]
DEFAULT_DB = Path("retold.db")


class _Units(ProgressColumn):
    """``done/total`` for a stage counted in units (documents, pairs); nothing for a stage
    that is one step (finding candidates, building families)."""

    def render(self, task: Task) -> Text:
        if task.fields.get("step"):
            return Text("")
        total = "?" if task.total is None else str(int(task.total))
        return Text(f"{int(task.completed)}/{total}", style="progress.download")


class RichProgress(StageProgress):
    """Stage progress on a Rich bar (stderr, so ``--json -`` output stays clean). A stage
    that ends shows full, with its own elapsed time."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None = None) -> None:
        self.finish()
        self.task = self.progress.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self.task is not None:
            self.progress.advance(self.task, n)

    def finish(self) -> None:
        if self.task is None:
            return
        task = next(t for t in self.progress.tasks if t.id == self.task)
        done = task.completed if task.total is None else task.total
        # A stage of unknown size ends at what it counted; one that counted nothing was
        # a single step, and "0/?" would read as "nothing was done".
        self.progress.update(self.task, total=done or 1, completed=done or 1, step=not done)
        self.progress.stop_task(self.task)
        self.task = None


def _bars() -> Progress:
    """One bar per stage, left on screen when done (stderr)."""
    return Progress(TextColumn("{task.description}"), BarColumn(), _Units(),
                    TimeElapsedColumn(), console=console, transient=False)


def _fail(message: str, code: int = 1) -> typer.Exit:
    console.print(f"[red]error:[/red] {escape(message)}", highlight=False)
    return typer.Exit(code)


def _clip(text: str, width: int) -> str:
    """Untrusted text (titles, domains, paths) for a markup string: shortened at ``width``
    and escaped, since Rich would read "[/]" in a title as a tag and fail on it, or "[red]"
    as a style."""
    return escape(shorten(text, width))


def _open(db: Path, readonly: bool = False) -> Index:
    try:
        return Index(db, readonly=readonly)
    except StoreError as exc:
        raise _fail(str(exc)) from exc


# Families listed in the scan summary, largest first; `retold families` lists them all.
SUMMARY_FAMILIES = 50


def _summary(index: Index, report: ScanReport, db: Path, out: Console = out) -> None:
    docs = {d.id: d for d in index.store.documents()}
    fams = index.families()
    shown = sorted(fams, key=lambda f: (-len(f["members"]), f["id"]))[:SUMMARY_FAMILIES]
    title = "Reuse families" + (f" (the {len(shown)} largest of {len(fams)})"
                                if len(shown) < len(fams) else "")
    table = Table(title=title, show_lines=False)
    for col in ("family", "members", "source", "relations", "domains"):
        table.add_column(col)
    for fam in shown:
        members = fam["members"]
        rels = sorted({m["role"] for m in members} - {"source"})
        domains = sorted({docs[m["doc_id"]].domain or "-" for m in members if m["doc_id"] in docs})
        src = fam["source"]
        src_label = (docs[src].title or src) if src in docs else "unknown"
        table.add_row(str(fam["id"]), str(len(members)), _clip(src_label, 60), ", ".join(rels),
                      _clip(", ".join(domains), 60))
    out.print(table)
    if len(shown) < len(fams):
        out.print(f"{len(fams) - len(shown)} more: retold families --db {escape(str(db))}",
                  highlight=False)
    n_docs = index.store.count_documents()
    n_fam = len(fams)
    n_stories = len(index.stories())
    out.print(
        f"{len(report.added)} new documents, {report.skipped} already indexed, "
        f"{len(report.errors)} unreadable; index holds {n_docs} documents in "
        f"{n_fam} families and {n_stories} stories "
        f"({report.candidates} candidate pairs verified in {report.seconds:.1f} s)"
        if report.verified == report.candidates else
        f"({report.candidates} candidate pairs, {report.verified} verified in "
        f"{report.seconds:.1f} s: the others were saved by a scan that stopped)"
    )
    if report.stage_seconds:
        out.print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.stage_seconds.items()))


@app.command()
def scan(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to read.")],
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the result as JSON ('-' for stdout).")
    ] = None,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a self-contained HTML report.")
    ] = None,
) -> None:
    """Read articles, index them, and find copies and rewrites (the main job)."""
    for p in paths:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder", 2)
    index = _open(db)
    with index:
        with _bars() as bar:
            result = index.scan([str(p) for p in paths], progress=RichProgress(bar))
        for err in result.errors:
            console.print(f"[yellow]skipped[/yellow] {escape(str(err))}", highlight=False)
        for warn in result.warnings:
            console.print(f"[yellow]warning[/yellow] {escape(warn)}", highlight=False)
        if not (result.added or result.skipped or result.errors):
            from retold.readers import SUPPORTED_SUFFIXES

            console.print(
                "[yellow]warning[/yellow] no articles found in "
                + escape(", ".join(str(p) for p in paths)) + " (files read: "
                + ", ".join(sorted(SUPPORTED_SUFFIXES)) + ")", highlight=False)
        # With the JSON on stdout, the table goes where the progress bars went.
        _summary(index, result, db, console if str(json_out) == "-" else out)
        try:
            if json_out is not None:
                data = json.dumps(index.to_json(), indent=2, ensure_ascii=False)
                if str(json_out) == "-":
                    sys.stdout.write(data + "\n")
                else:
                    json_out.parent.mkdir(parents=True, exist_ok=True)
                    json_out.write_text(data + "\n", encoding="utf-8")
            if report is not None:
                from retold.report import write_report

                write_report(index.store, report)
                console.print(f"report written to {escape(str(report))}")
        except OSError as exc:
            # The index is saved by now; only the requested output file failed.
            raise _fail(f"{exc.filename or json_out or report}: cannot write"
                        f" ({exc.strerror or exc}); the index {db} is up to date") from exc
    if result.errors:
        raise typer.Exit(3)


@app.command()
def families(
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List reuse families with their source and derivation tree."""
    from rich.tree import Tree

    with _open(db, readonly=True) as index:
        fams = index.families()
        if json_out:
            sys.stdout.write(json.dumps(fams, indent=2, ensure_ascii=False) + "\n")
            return
        docs = {d.id: d for d in index.store.documents()}

        def label(doc_id: str, role: str | None) -> str:
            d = docs.get(doc_id)
            name = (d.title or d.path or doc_id) if d else doc_id
            dom = f" [dim]{escape(d.domain)}[/dim]" if d and d.domain else ""
            return (f"[bold]{role or '?'}[/bold] {_clip(name, 70)}{dom}"
                    f" [dim]({escape(doc_id)})[/dim]")

        for fam in fams:
            head = f"family {fam['id']}: source " + (
                escape(str(fam["source"])) if fam["source"] else "unknown"
            ) + f" [dim]- {escape(fam['source_reason'])}[/dim]"
            tree = Tree(head)

            def grow(node: Tree, item: dict) -> None:
                branch = node.add(label(item["id"], item["role"]))
                for child in item["children"]:
                    grow(branch, child)

            for root in fam["tree"]["roots"]:
                grow(tree, root)
            out.print(tree)


@app.command()
def stories(db: DbOption = DEFAULT_DB,
            json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """List stories (all coverage of one event) with their size and time span."""
    with _open(db, readonly=True) as index:
        sts = index.stories()
        if json_out:
            sys.stdout.write(json.dumps(sts, indent=2, ensure_ascii=False) + "\n")
            return
        table = Table(title="Stories")
        for col in ("story", "docs", "label", "first", "last"):
            table.add_column(col)
        for st in sorted(sts, key=lambda s: -int(s["size"])):
            table.add_row(str(st["id"]), str(st["size"]), _clip(str(st["label"]), 70),
                          str(st["first"] or "-")[:10], str(st["last"] or "-")[:10])
        out.print(table)


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="The original: a file with one article, or an id "
                                          "of a document in the index.")],
    b: Annotated[str, typer.Argument(help="The rewrite: a file or a document id.")],
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show what B changed from A: aligned sentences, word edits and fact drift."""
    from retold.api import compare as compare_documents
    from retold.comparison import (
        CompareInputError,
        comparison_json,
        load_document,
        render_comparison,
    )
    from retold.config import Config

    # The index is opened only to look up ids, so two files compare without any index.
    index: Index | None = None
    if not (Path(a).exists() and Path(b).exists()) and db.exists():
        try:
            index = Index(db, readonly=True)
        except StoreError as exc:
            raise _fail(str(exc), 2) from exc
    try:
        store = index.store if index is not None else None
        first, second = load_document(a, store), load_document(b, store)
    except CompareInputError as exc:
        raise _fail(str(exc), 2) from exc
    finally:
        if index is not None:
            index.close()
    # Ids from an index are compared under that index's settings, as scan compared them.
    config = index.config if index is not None else Config()
    result = compare_documents(first, second, config=config)
    if json_out:
        data = comparison_json(result, config.max_sentences)
        sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return
    render_comparison(result, out, config.max_sentences)


@app.command()
def farms(
    db: DbOption = DEFAULT_DB,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Profile domains: share of rewritten output, whom they copy, shared site templates."""
    from retold.farms import farm_report

    with _open(db, readonly=True) as index:
        report = farm_report(index.store)
    if json_out:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        return
    table = Table(title="Domains by share rewritten")
    for col in ("domain", "docs", "derived", "copy/rewrite/partial", "share", "copies from",
                "network"):
        table.add_column(col, no_wrap=col == "domain")
    for p in report["domains"]:
        src = ", ".join(f"{d} ({n})" for d, n in p["copies_from"].items())
        table.add_row(escape(p["domain"]), str(p["documents"]), str(p["derived"]),
                      f"{p['copies']}/{p['rewrites']}/{p['partials']}",
                      f"{p['share_rewritten']:.0%}", _clip(src, 60),
                      str(p["network"]) if p["network"] else "-")
    out.print(table)
    for net in report["networks"]:
        out.print(f"template network {net['id']}: " + escape(", ".join(net["domains"])))
        for line in net["lines"]:
            out.print(f"  [dim]{line['documents']} docs[/dim] {_clip(line['text'], 90)}",
                      highlight=False)


@app.command("check-index")
def check_index(db: DbOption = DEFAULT_DB) -> None:
    """Verify the index file's integrity and consistency."""
    with _open(db, readonly=True) as index:
        problems = index.check_integrity()
    if problems:
        for p in problems:
            console.print(f"[red]problem[/red] {escape(p)}")
        raise typer.Exit(1)
    out.print("index is consistent")


@app.command("eval")
def evaluate(
    dataset: Annotated[str, typer.Argument(
        help="clough-stevenson | pan10 | mrpc | seeds | ecbplus | wikiref220 | drift"
             " | spins | spins-bare")],
) -> None:
    """Score retold on a public dataset from ../shared/data (or RETOLD_SHARED), or on the
    bundled drift pairs and spun-news sets."""
    from retold.evaluate.runner import UnknownDataset, run_eval

    try:
        lines = run_eval(dataset)
    except UnknownDataset as exc:
        raise _fail(str(exc), 2) from exc
    if lines is None:
        console.print(f"skipped: dataset for {escape(repr(dataset))} not found"
                      " (set RETOLD_SHARED)")
        return
    for line in lines:
        out.print(escape(line), highlight=False)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback by "
                                                     "default; the UI and reads are open).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
) -> None:
    """Serve the JSON API and web UI over the index (writes need RETOLD_TOKEN)."""
    try:
        import uvicorn

        from retold.web.app import create_app
    except ImportError as exc:
        raise _fail(f"serve needs the web extra: pip install 'retold[web]' ({exc})", 2) from exc
    if not db.exists():
        # Not an error: the service takes articles by POST. But a mistyped --db would
        # otherwise serve an empty index without a word.
        console.print(f"[yellow]note[/yellow] no index at {escape(str(db))}: starting an empty"
                      " one (articles come in through the API)", highlight=False)
    try:
        web_app = create_app(db)
    except StoreError as exc:
        raise _fail(str(exc)) from exc
    # One process: the single writer thread and the per-thread readers live in it.
    uvicorn.run(web_app, host=host, port=port, workers=1, log_level="info")


@app.command()
def export(
    fmt: Annotated[str, typer.Option("--format", help="jsonl | csv | parquet")] = "jsonl",
    db: DbOption = DEFAULT_DB,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the table files.")]
    = Path("export"),
) -> None:
    """Write documents, pairs, families and stories as one file per table."""
    from retold.export import FORMATS, export_tables

    if fmt not in FORMATS:
        raise _fail(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", 2)
    with _open(db, readonly=True) as index:
        try:
            written = export_tables(index.store, fmt, out_dir)
        except OSError as exc:
            raise _fail(f"{exc.filename or out_dir}: cannot write ({exc.strerror or exc})"
                        ) from exc
    for path in written:
        out.print(escape(str(path)), highlight=False)


@app.command()
def spark(
    paths: Annotated[list[Path], typer.Argument(
        help="Files or folders to read (JSONL, WARC, HTML, text, Parquet), then the output "
             "folder.")],
    master: Annotated[str | None, typer.Option("--master", help="Spark master URL "
                                                                "(default local[2]).")] = None,
) -> None:
    """Run the detection pipeline on Spark; load the result with `retold import`."""
    if len(paths) < 2:
        raise _fail("give at least one input and the output folder", 2)
    *inputs, output = paths
    for p in inputs:
        if not p.exists():
            raise _fail(f"{p}: no such file or folder", 2)
    try:
        from retold.spark.job import run_job
    except ImportError as exc:
        raise _fail(f"spark needs the spark extra: pip install 'retold[spark]' ({exc})",
                    2) from exc
    result = run_job([str(p) for p in inputs], str(output), master=master)
    out.print(escape(json.dumps(result, indent=2)), highlight=False)


@app.command("import")
def import_spark(
    output: Annotated[Path, typer.Argument(help="Output folder of `retold spark`.")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Load the output of `retold spark` into a new index (families and stories rebuilt)."""
    from retold.spark.load import SparkOutputError, read_settings

    try:
        config, _ = read_settings(output)
        with Index(db, config=config) as index:
            with _bars() as bar:
                report = index.load_spark(output, progress=RichProgress(bar))
            n_stories = len(index.stories())
    except (SparkOutputError, StoreError) as exc:
        raise _fail(str(exc)) from exc
    out.print(f"{report.documents} documents, {report.pairs} pairs, {report.families} "
              f"families, {n_stories} stories loaded into {escape(str(db))}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
