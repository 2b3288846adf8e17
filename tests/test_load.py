"""Tests for loading: formats, safety against hostile input, and error positions."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import pharmakg
from pharmakg._load import MAX_XML_DEPTH, load_graph
from pharmakg.errors import InputError, ParseError, UnknownFormatError, UnsafeInputError

RDF_NS = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'


def test_default_load_is_ontology_plus_graphs() -> None:
    kg = pharmakg.load()
    assert kg.sources[0].name == "pharmakg.ttl"
    assert all(p.suffix == ".ttl" for p in kg.sources)
    assert len(kg) > 0


@pytest.mark.parametrize("name", ["good.nt", "good.jsonld", "good.rdf"])
def test_formats_agree(fixtures: Path, name: str) -> None:
    reference = load_graph(fixtures / "good.nt").to_rdflib()
    assert len(reference) == 2
    assert isomorphic(load_graph(fixtures / name).to_rdflib(), reference)


def test_input_format_overrides_suffix(tmp_path: Path, fixtures: Path) -> None:
    odd = tmp_path / "data.txt"
    odd.write_bytes((fixtures / "good.nt").read_bytes())
    with pytest.raises(UnknownFormatError) as info:
        load_graph(odd)
    assert ".ttl" in info.value.choices
    assert len(load_graph(odd, input_format="nt")) == 2
    with pytest.raises(UnknownFormatError) as info:
        load_graph(odd, input_format="yaml")
    assert "turtle" in info.value.choices


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_graph(tmp_path / "absent.ttl")


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("a.ttl", "@prefix ex: <http://ex/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n", 3, None),
        ("b.ttl", '@prefix ex: <http://ex/> .\nex:a ex:b "open .\n', 2, None),
        ("c.ttl", "@prefix ex: <http://ex/> .\n\nex:a nope:b ex:c .\n", 3, None),
        ("d.nt", "<http://a> <http://b> <http://c> .\n<http://a> <http://b> c .\n", 2, 23),
        ("e.jsonld", '{"@id": "http://x",\n  "a": }', 2, 8),
        (
            "f.rdf",
            f'<?xml version="1.0"?>\n<rdf:RDF {RDF_NS}>\n<rdf:Description>\n</rdf:RDF>',
            4,
            None,
        ),
    ],
)
def test_malformed_input_names_file_line_column(
    tmp_path: Path, name: str, text: str, line: int, column: int | None
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_graph(path)
    error = info.value
    assert error.file == str(path)
    assert error.line == line
    assert error.column is not None
    if column is not None:
        assert error.column == column
    assert str(error).startswith(f"{path}:{line}:")
    assert "\n" not in str(error)


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.ttl"
    path.write_bytes(b'@prefix ex: <http://ex/> .\nex:a ex:b "\xff" .\n')
    with pytest.raises(ParseError) as info:
        load_graph(path)
    assert (info.value.line, info.value.column) == (2, 12)


def test_rdfxml_semantic_error_is_parse_error(fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.rdf"
    path.write_text(
        f'<rdf:RDF {RDF_NS}><rdf:Description rdf:about="http://a">'
        '<rdf:foo rdf:resource="x" rdf:nodeID="y"/></rdf:Description></rdf:RDF>'
    )
    with pytest.raises(ParseError, match="RDF/XML"):
        load_graph(path)


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = b'{"@context": {"name": "http://schema.org/name"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def context_server() -> Iterator[str]:
    _Recorder.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/context.jsonld"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_context_server_records_hits(context_server: str) -> None:
    """The recorder works, so the no-fetch tests below can fail."""
    import urllib.request

    with urllib.request.urlopen(context_server) as response:  # noqa: S310 - loopback test server
        assert response.status == 200
    assert _Recorder.hits == ["/context.jsonld"]


@pytest.mark.parametrize(
    "template",
    [
        '{{"@context": "{url}", "@id": "http://x", "name": "n"}}',
        '{{"@context": ["{url}", {{"a": "http://a/"}}], "@id": "http://x"}}',
        '{{"@context": {{"@import": "{url}"}}, "@id": "http://x"}}',
        '{{"@graph": [{{"@context": "{url}", "@id": "http://x"}}]}}',
    ],
)
def test_jsonld_never_fetches_remote_context(
    tmp_path: Path, context_server: str, template: str
) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text(template.format(url=context_server), encoding="utf-8")
    with pytest.raises(UnsafeInputError) as info:
        load_graph(path)
    assert info.value.term == context_server
    assert _Recorder.hits == []


def test_billion_laughs_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    path = tmp_path / "lol.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [{entities}]>\n'
        f'<rdf:RDF {RDF_NS}><rdf:Description rdf:about="http://a">'
        "<rdf:value>&lol9;</rdf:value></rdf:Description></rdf:RDF>"
    )
    with pytest.raises(UnsafeInputError, match="entity"):
        load_graph(path)


def test_external_entity_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    path = tmp_path / "xxe.rdf"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "{secret.as_uri()}">]>\n'
        f'<rdf:RDF {RDF_NS}><rdf:Description rdf:about="http://a">'
        "<rdf:value>&e;</rdf:value></rdf:Description></rdf:RDF>"
    )
    with pytest.raises(UnsafeInputError, match="external XML entity") as info:
        load_graph(path)
    assert "TOP-SECRET" not in str(info.value)


def test_external_dtd_refused(tmp_path: Path) -> None:
    path = tmp_path / "dtd.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/x.dtd">\n'
        f"<rdf:RDF {RDF_NS}></rdf:RDF>"
    )
    with pytest.raises(UnsafeInputError, match="external DTD"):
        load_graph(path)


def test_deep_xml_refused(tmp_path: Path) -> None:
    depth = MAX_XML_DEPTH + 10
    path = tmp_path / "deep.rdf"
    path.write_text(f"<rdf:RDF {RDF_NS}>" + "<a>" * depth + "</a>" * depth + "</rdf:RDF>")
    with pytest.raises(UnsafeInputError, match="nested"):
        load_graph(path)


def test_short_internal_entities_allowed(fixtures: Path) -> None:
    assert len(load_graph(fixtures / "good.rdf")) == 2


def test_load_does_not_share_state(fixtures: Path) -> None:
    first = load_graph(fixtures / "good.ttl")
    second = load_graph(fixtures / "good.ttl")
    assert first.store is not second.store
    assert isomorphic(first.to_rdflib(), second.to_rdflib())
