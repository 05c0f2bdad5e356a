"""CLI commands run for real; the index file they leave is checked through the API."""

from __future__ import annotations

import json

from conftest import EXAMPLES
from typer.testing import CliRunner

from retold.api import Index
from retold.cli import app

runner = CliRunner()


def test_scan_writes_index_and_json(tmp_path):
    db, out = tmp_path / "i.db", tmp_path / "out.json"
    res = runner.invoke(app, ["scan", str(EXAMPLES / "corpus"), "--db", str(db),
                              "--json", str(out)])
    assert res.exit_code == 0, res.output
    assert "Reuse families" in res.output
    data = json.loads(out.read_text())
    # Every stage ends full: counted ones at n/n, one-step ones without a count.
    lines = {ln.split("━")[0].strip(): ln for ln in res.output.splitlines()
             if "━" in ln and ln[:1].isalpha()}
    assert set(lines) == {"reading and fingerprinting", "finding candidates",
                          "verifying candidate pairs", "building families", "grouping stories"}
    n = len(data["documents"])
    assert f" {n}/{n} " in lines["reading and fingerprinting"]
    assert "/" not in lines["building families"] and "/?" not in res.output
    with Index(db, readonly=True) as index:
        assert len(index.families()) == len({d["family"] for d in data["documents"]} - {None})
        assert index.store.count_documents() == len(data["documents"])
    res = runner.invoke(app, ["families", "--db", str(db)])
    assert res.exit_code == 0 and "family 1" in res.output
    res = runner.invoke(app, ["stories", "--db", str(db), "--json"])
    assert res.exit_code == 0 and json.loads(res.output)
    assert runner.invoke(app, ["check-index", "--db", str(db)]).exit_code == 0


def test_scan_json_to_stdout_is_json_alone(tmp_path):
    """With ``--json -`` the table and summary go to stderr, so stdout parses."""
    res = runner.invoke(app, ["scan", str(EXAMPLES / "corpus"), "--db", str(tmp_path / "i.db"),
                              "--json", "-"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["documents"]
    assert "Reuse families" in res.stderr


def test_scan_missing_path_fails_with_reason(tmp_path):
    res = runner.invoke(app, ["scan", str(tmp_path / "nope"), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 2
    assert "no such file" in " ".join(res.output.split())


def test_scan_exit_code_says_some_input_failed(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nSome text about a council vote on Monday.\n")
    (tmp_path / "b.jsonl").write_text("{not json\n")
    res = runner.invoke(app, ["scan", str(tmp_path), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 3
    assert "b.jsonl:1" in " ".join(res.output.split())


def test_every_command_has_help():
    for name in ("scan", "families", "stories", "check-index", "eval"):
        res = runner.invoke(app, [name, "--help"])
        assert res.exit_code == 0
        assert len(res.output.strip()) > 40


def test_eval_unknown_dataset():
    res = runner.invoke(app, ["eval", "nope"])
    assert res.exit_code == 2


def test_scan_summary_lists_the_largest_families_only(tmp_path, monkeypatch):
    import retold.cli as cli_mod

    monkeypatch.setattr(cli_mod, "SUMMARY_FAMILIES", 2)
    db = tmp_path / "i.db"
    res = runner.invoke(app, ["scan", str(EXAMPLES / "corpus"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    with Index(db, readonly=True) as index:
        sizes = sorted((len(f["members"]) for f in index.families()), reverse=True)
    assert len(sizes) > 2
    text = " ".join(res.output.split())
    assert f"the 2 largest of {len(sizes)}" in text
    assert f"{len(sizes) - 2} more: retold families --db" in text


def test_article_text_that_looks_like_markup_is_printed_as_is(tmp_path):
    """Titles, domains and file names are untrusted: "[/]" would be a closing tag with
    nothing to close (Rich raised), "[red]" a style."""
    folder = tmp_path / "in"
    folder.mkdir()
    body = (EXAMPLES / "corpus" / "central_bank_copy.txt").read_text(encoding="utf-8")
    body = body.split("\n", 1)[1]
    title = "Marovia [/] central bank [red]cuts[/red] rates"
    (folder / "a.txt").write_text(f"{title}\n{body}", encoding="utf-8")
    (folder / "b.txt").write_text(f"{title}\n{body}\n\nOne more line about the [bold] rate.",
                                  encoding="utf-8")
    (folder / "bad [red]x.jsonl").write_text("{not json\n", encoding="utf-8")
    db = tmp_path / "i.db"
    res = runner.invoke(app, ["scan", str(folder), "--db", str(db)])
    assert res.exit_code == 3, res.output
    flat = " ".join(res.output.split())
    assert "bad [red]x.jsonl" in flat
    for command in ("families", "stories", "farms"):
        res = runner.invoke(app, [command, "--db", str(db)])
        assert res.exit_code == 0, res.output
        if command != "farms":
            assert "[/] central bank [red]cuts[/red]" in " ".join(res.output.split())


def test_scan_of_a_folder_without_articles_says_so(tmp_path):
    (tmp_path / "empty").mkdir()
    res = runner.invoke(app, ["scan", str(tmp_path / "empty"), "--db", str(tmp_path / "x.db")])
    assert res.exit_code == 0
    assert "no articles found in" in " ".join(res.output.split())


def test_outputs_that_cannot_be_written_are_errors_not_tracebacks(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    db = tmp_path / "i.db"
    res = runner.invoke(app, ["scan", str(EXAMPLES / "corpus"), "--db", str(db),
                              "--json", str(blocker / "out.json")])
    assert res.exit_code == 1 and "cannot write" in " ".join(res.output.split())
    assert res.exception is None or isinstance(res.exception, SystemExit)
    with Index(db, readonly=True) as index:  # the scan itself was kept
        assert index.store.count_documents() > 0
    res = runner.invoke(app, ["export", "--db", str(db), "--out", str(blocker / "x")])
    assert res.exit_code == 1 and "cannot write" in " ".join(res.output.split())


def test_serve_says_when_it_starts_an_empty_index(tmp_path, monkeypatch):
    import uvicorn

    ran = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: ran.append(k))
    res = runner.invoke(app, ["serve", "--db", str(tmp_path / "typo.db")])
    assert res.exit_code == 0, res.output
    assert ran and "no index at" in " ".join(res.output.split())
    ran.clear()
    res = runner.invoke(app, ["serve", "--db", str(tmp_path / "typo.db")])  # exists now
    assert ran and "no index at" not in res.output
