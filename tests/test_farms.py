"""Content-farm profiles: ranking, copy-from counts, template networks."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from retold.api import Index
from retold.cli import app
from retold.farms import (
    NO_DOMAIN,
    DocInfo,
    Line,
    profile_domains,
    template_lines,
    template_networks,
)

BIO = "Jane Roe is a freelance journalist covering breaking news."


def _hand_made():
    docs = [DocInfo("w1", "wire.example"), DocInfo("w2", "wire.example"),
            DocInfo("w3", "wire.example"),
            DocInfo("f1", "farm.example"), DocInfo("f2", "farm.example"),
            DocInfo("g1", "grey.example"), DocInfo("g2", "grey.example"),
            DocInfo("n1", None)]
    families = [
        {"id": 1, "source": "w1", "members": [
            {"doc_id": "w1", "role": "source", "parent": None},
            {"doc_id": "f1", "role": "rewrite", "parent": "w1"},
            {"doc_id": "g1", "role": "copy", "parent": "w1"}]},
        {"id": 2, "source": "w2", "members": [
            {"doc_id": "w2", "role": "source", "parent": None},
            {"doc_id": "f2", "role": "partial", "parent": "w2"},
            {"doc_id": "n1", "role": "copy", "parent": "w2"}]},
    ]
    return docs, families


def test_farm_domains_rank_first_with_copy_from_counts():
    docs, families = _hand_made()
    profiles = profile_domains(docs, families)
    order = [p.domain for p in profiles]
    # farm.example: 2 of 2 derived; no-domain: 1 of 1 (fewer derived); grey: 1 of 2.
    assert order[:3] == ["farm.example", NO_DOMAIN, "grey.example"]
    assert order[-1] == "wire.example"
    farm = profiles[0]
    assert (farm.documents, farm.derived, farm.rewrites, farm.partials) == (2, 2, 1, 1)
    assert farm.share_rewritten == 1.0
    assert dict(farm.copies_from) == {"wire.example": 2}
    wire = profiles[-1]
    assert wire.derived == 0 and wire.share_rewritten == 0.0
    js = farm.to_json()
    assert js["copies_from"] == {"wire.example": 2} and js["share_rewritten"] == 1.0


def test_unknown_source_members_copy_from_their_tree_parent():
    docs = [DocInfo("a", "x.example"), DocInfo("b", "y.example")]
    families = [{"id": 1, "source": None, "members": [
        {"doc_id": "a", "role": "rewrite", "parent": None},
        {"doc_id": "b", "role": "rewrite", "parent": "a"}]}]
    by = {p.domain: p for p in profile_domains(docs, families)}
    assert by["x.example"].derived == 1 and not by["x.example"].copies_from
    assert dict(by["y.example"].copies_from) == {"x.example": 1}


def test_template_lines_need_two_families_and_two_domains():
    domains = {"f1": "farm.example", "f2": "other-farm.example", "w1": "wire.example",
               "g1": "grey.example", "n1": NO_DOMAIN}
    family_of = {"w1": 1, "f1": 1, "g1": 1, "f2": 2, "n1": 2}
    lines = [
        # the same bio under articles of two different families, on two domains
        Line(7, "f1", BIO), Line(7, "f2", BIO),
        # a verbatim sentence a copy shares with its own original: reused content
        Line(8, "w1", "Three workers were killed in the fire on Tuesday."),
        Line(8, "g1", "Three workers were killed in the fire on Tuesday."),
        # a template line on one real domain only (the other copy has no domain)
        Line(9, "f2", "Subscribe to our newsletter for daily updates."),
        Line(9, "n1", "Subscribe to our newsletter for daily updates."),
    ]
    found = template_lines(lines, family_of, domains)
    assert [t["text"] for t in found] == [BIO]
    [net] = template_networks(found)
    assert net.domains == ["farm.example", "other-farm.example"]
    assert net.lines[0]["documents"] == 2


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, static_encoder):
    db = tmp_path_factory.mktemp("farms") / "demo.db"
    with Index(db, encoder=static_encoder) as index:
        index.scan([str(EXAMPLES / "corpus")])
    return db


def test_demo_template_network_and_ranking(demo_db):
    res = CliRunner().invoke(app, ["farms", "--db", str(demo_db), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    by = {p["domain"]: p for p in report["domains"]}
    # The readers keep a domain only for HTML and JSONL articles: the farm domains seen are
    # dailybuzzdigest (politics_spin.html) and trendingnewshub (wire.jsonl#thn-0903-lindmoor);
    # newsflare24's articles are .txt files and count under "(no domain)".
    assert "newsflare24.example" not in by
    assert by["wire.example-news.com"]["share_rewritten"] == 0.0
    ranked = [p["domain"] for p in report["domains"]]
    assert ranked.index("dailybuzzdigest.example") < ranked.index("wire.example-news.com")
    assert by["dailybuzzdigest.example"]["copies_from"] == {"wire.example-news.com": 1}
    nets = report["networks"]
    [net] = [n for n in nets if "dailybuzzdigest.example" in n["domains"]]
    assert net["domains"] == ["dailybuzzdigest.example", "trendingnewshub.example"]
    assert any(line["text"].startswith("Mark Ellison is a freelance journalist")
               for line in net["lines"])
    # Reused news sentences (copies of the wire) never make a network of their own.
    assert all("wire.example-news.com" not in n["domains"] for n in nets)
    assert by["dailybuzzdigest.example"]["network"] == net["id"]
    table = CliRunner().invoke(app, ["farms", "--db", str(demo_db)])
    assert table.exit_code == 0 and "template network" in table.output
