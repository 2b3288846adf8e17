r"""No query makes pharmakg open a connection unless SERVICE was allowed.

A loopback listener counts every connection it gets. A corpus of SERVICE queries, written
every way the SPARQL 1.1 grammar allows (escapes in names and keywords, ``\uXXXX``,
``BASE``-relative and prefixed endpoints, variables bound by VALUES, sub-selects, EXISTS,
comments between tokens), is sent to a real server by GET and POST, and run by
``pharmakg query``: the listener must see nothing. The corpus is real: pyoxigraph, left to
itself, connects for each query marked so. A second line of defence is tested apart: a
query worker cannot connect even when the parser lets a SERVICE through.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pharmakg.cli import main
from pharmakg.errors import QuerySyntaxError
from pharmakg.serve.data import StoreSource
from pharmakg.serve.pool import PoolLimits, WorkerPool
from pharmakg.serve.template import WorkerRules
from pharmakg.serve.worker import Request
from pharmakg.store.text import parse_sparql, service_refusal
from servers import Listener, Server, listening, running_server


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    with listening() as found:
        yield found


def corpus(host: str) -> list[tuple[str, bool]]:
    """SERVICE queries to ``host``, each with whether pyoxigraph, unguarded, connects for it."""
    e = host + "sparql"
    spo = "{ ?s ?p ?o }"
    return [
        (f"SELECT * WHERE {{ SERVICE <{e}> {spo} }}", True),
        (f"select * where {{ service silent <{e}> {spo} }}", True),
        # pyoxigraph reads codepoint escapes in IRIs and strings only; the grammar, anywhere.
        (f"SELECT * WHERE {{ \\u0053ERVICE <{e}> {spo} }}", False),
        (f"SELECT * WHERE {{ \\U00000053ervice <{e}> {spo} }}", False),
        (f"SELECT * WHERE {{ SERVICE <\\u0068ttp{e[4:]}> {spo} }}", False),
        (
            f"PREFIX ex: <http://ex.org/> SELECT * {{ FILTER(?s != ex:a\\#) SERVICE <{e}> {spo} }}",
            True,
        ),
        (
            f"PREFIX ex: <http://ex.org/> SELECT * {{ FILTER(?s != ex:a\\') SERVICE <{e}> {spo} }}",
            True,
        ),
        (
            f"PREFIX ex: <http://ex.org/> SELECT * {{ ex:a\\# ex:b ?c . SERVICE <{e}> {spo} }}",
            False,
        ),
        (f"BASE <{host}> SELECT * WHERE {{ SERVICE <sparql> {spo} }}", True),
        (f"PREFIX h: <{host}> SELECT * WHERE {{ SERVICE h:sparql {spo} }}", True),
        (f"SELECT * WHERE {{ VALUES ?e {{ <{e}> }} SERVICE ?e {spo} }}", False),
        (f"SELECT * WHERE {{ BIND(<{e}> AS ?e) SERVICE ?e {spo} }}", False),
        (f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{e}> {spo} }} }} }}", True),
        (f"ASK {{ FILTER EXISTS {{ SERVICE <{e}> {spo} }} }}", True),
        (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{e}> {spo} }} }}", True),
        (f"DESCRIBE ?s WHERE {{ SERVICE <{e}> {spo} }}", True),
        (f"SELECT * WHERE {{ {{ }} UNION {{ SERVICE <{e}> {spo} }} }}", True),
        (f"SELECT * WHERE {{ ?a ?b ?c MINUS {{ SERVICE <{e}> {spo} }} }}", True),
        (f"SELECT * WHERE {{ ?s ?p 'it\\'s' . SERVICE <{e}> {spo} }}", False),
        (f"SELECT * WHERE {{ FILTER(1<'#>' && EXISTS {{ SERVICE <{e}> {spo} }}) }}", True),
        (f"SELECT * # SERVICE?\nWHERE {{ SERVICE# <x>\n<{e}> {spo} }}", True),
        (f"SELECT * WHERE {{ SERVICE <{e}> {{ SERVICE <{e}> {spo} }} }}", True),
    ]


QUERIES = corpus("http://127.0.0.1:PORT/")
#: Valid queries rdflib's grammar refuses (its bugs, on the safe side): never run, 400.
REFUSED_BY_RDFLIB = [
    "PREFIX ex: <http://x/> SELECT * { ex:a\\# ex:b ?c . SERVICE <http://e/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://e/> { SERVICE <http://e/> { ?s ?p ?o } } }",
]
HARMLESS = [
    "SELECT ?service WHERE { ?service ?p ?o }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> {}" }',
    "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> {}",
    "PREFIX service: <http://x/> SELECT * WHERE { service:a ?p ?o }",
    "SELECT * WHERE { ?s <http://x/#SERVICE> ?o }",
    "SELECT * WHERE { ?s ?p '''it's a SERVICE''' }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ex:a\\# ?p 'SERVICE <http://x/> {}' }",
]


def _at(listener: Listener, template: str) -> str:
    return template.replace("http://127.0.0.1:PORT/", listener.host)


@pytest.mark.parametrize(("template", "reaches"), QUERIES)
def test_the_corpus_is_real(listener: Listener, template: str, reaches: bool) -> None:
    """Unguarded pyoxigraph connects for the queries marked so (else this file tests nothing)."""
    before = listener.connections
    _run_unguarded(_at(listener, template))
    assert listener.connected_since(before) == reaches


def _run_unguarded(query: str) -> None:
    """Run ``query`` in pyoxigraph as it is, results and errors dropped in this thread."""
    try:
        result = ox.Store().query(query)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
        del result
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass


@pytest.mark.parametrize(("template", "reaches"), QUERIES)
def test_the_parse_sees_every_service(listener: Listener, template: str, reaches: bool) -> None:
    """Each query's SERVICE is seen, or rdflib's grammar refuses the text outright."""
    del reaches
    try:
        parsed = parse_sparql(_at(listener, template))
    except QuerySyntaxError:
        return  # refused: never run (rdflib errs on the side of refusing, see REFUSED_BY_RDFLIB)
    assert parsed.services, template
    assert service_refusal(parsed, ()) is not None
    assert service_refusal(parsed, ("https://sparql.uniprot.org/",)) is not None


@pytest.mark.parametrize("query", REFUSED_BY_RDFLIB)
def test_what_rdflib_cannot_parse_is_refused(query: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse_sparql(query)


def test_harmless_queries_are_not_refused() -> None:
    for query in HARMLESS:
        assert parse_sparql(query).services == (), query


def test_the_allow_list_is_read_from_resolved_endpoints() -> None:
    allowed = ("https://sparql.uniprot.org/",)
    uniprot = parse_sparql("SELECT * { SERVICE <https://sparql.uniprot.org/sparql> {} }")
    assert service_refusal(uniprot, allowed) is None
    assert service_refusal(uniprot, ()) is not None
    assert service_refusal(uniprot, None) is None  # `pharmakg query --allow-service`
    mixed = parse_sparql(
        "SELECT * { SERVICE <https://sparql.uniprot.org/sparql> {} SERVICE <http://evil/> {} }"
    )
    assert "http://evil/" in (service_refusal(mixed, allowed) or "")
    relative = parse_sparql("BASE <http://evil/> SELECT * { SERVICE <sparql> {} }")
    assert relative.services == ("http://evil/sparql",)
    assert service_refusal(relative, allowed) is not None
    variable = parse_sparql("SELECT * { SERVICE ?e {} }")
    assert "variable" in (service_refusal(variable, allowed) or "")


def test_a_query_the_grammar_refuses_is_refused_with_its_position() -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse_sparql("SELECT * WHERE {\n  ?s ?p ?o\n}\nLIMIT ten")
    assert (caught.value.line, caught.value.column) == (4, 1)


def test_a_deeply_nested_query_is_refused_not_crashed() -> None:
    deep = "SELECT * " + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000
    with pytest.raises(QuerySyntaxError, match="nested too deeply"):
        parse_sparql(deep)


# Escapes the grammar allows in a prefixed name's local part (PN_LOCAL_ESC) and spellings of
# the SERVICE keyword through codepoint escapes (§19.2).
_LOCAL_ESCAPES = st.sampled_from(list("_~.-!$&'()*+,;=/?#@%")).map(lambda c: "\\" + c)
_LOCAL = st.lists(st.one_of(_LOCAL_ESCAPES, st.sampled_from(list("abcXYZ09"))), min_size=1).map(
    "".join
)


def _spell(keyword: str, escapes: list[bool], upper: list[bool]) -> str:
    out = []
    for char, escape, up in zip(keyword, escapes, upper, strict=False):
        char = char.upper() if up else char.lower()
        out.append(f"\\u{ord(char):04X}" if escape else char)
    return "".join(out)


@settings(max_examples=150, deadline=None)
@given(
    local=_LOCAL,
    escapes=st.lists(st.booleans(), min_size=7, max_size=7),
    upper=st.lists(st.booleans(), min_size=7, max_size=7),
    silent=st.booleans(),
)
def test_no_escape_hides_a_service(
    local: str, escapes: list[bool], upper: list[bool], silent: bool
) -> None:
    """Whatever the escapes before it or in it, SERVICE is seen, or the query is refused."""
    keyword = _spell("SERVICE", escapes, upper) + (" SILENT" if silent else "")
    query = (
        "PREFIX ex: <http://ex.org/> SELECT * WHERE { "
        f"ex:{local} ex:p ?o . {keyword} <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}"
    )
    try:
        parsed = parse_sparql(query)
    except QuerySyntaxError:
        return
    assert parsed.services == ("http://127.0.0.1:9/sparql",), query


# ---------------------------------------------------------------- a real server, GET and POST


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("serve-outbound") / "server.log"
    with running_server(log, "--timeout", "5") as running:
        yield running


@pytest.mark.parametrize(("template", "reaches"), QUERIES)
def test_the_server_makes_no_connection(
    server: Server, listener: Listener, template: str, reaches: bool
) -> None:
    del reaches
    query = _at(listener, template)
    before = listener.connections
    answers = [
        httpx.get(server.sparql, params={"query": query}),
        httpx.post(server.sparql, data={"query": query}),
        httpx.post(
            server.sparql, content=query, headers={"Content-Type": "application/sparql-query"}
        ),
    ]
    for answer in answers:
        assert answer.status_code in (400, 403), answer.text
        assert re.search("SERVICE|not SPARQL 1.1|nested too deeply", answer.text), answer.text
    assert not listener.connected_since(before, wait=0.1)


def test_the_server_says_its_workers_have_no_network(server: Server) -> None:
    log = server.log.read_text(encoding="utf-8")
    assert "query workers run without network access" in log or (
        "query workers can reach the network" in log
    )


def test_pharmakg_query_makes_no_connection(listener: Listener, tmp_path: Path) -> None:
    runner = CliRunner()
    before = listener.connections
    for template, _ in QUERIES:
        query = tmp_path / "service.rq"
        query.write_text(_at(listener, template), encoding="utf-8")
        refused = runner.invoke(main, ["query", str(query)])
        assert refused.exit_code == 2, (template, refused.output)
        assert re.search("--allow-service|not SPARQL 1.1|nested too deeply", refused.output)
    assert not listener.connected_since(before, wait=0.1)


# ---------------------------------------------------------------- the workers' own network


def _pool_answer(source: StoreSource, rules: WorkerRules, request: Request) -> tuple[int, str]:
    async def run() -> tuple[int, str]:
        pool = WorkerPool(source, PoolLimits(size=1, timeout=20, rules=rules))
        await pool.start()
        try:
            if rules.isolate_network and pool.network_exposure:
                pytest.skip(f"no network namespace here: {pool.network_exposure}")
            reply = await pool.run(request)
            return reply.status, reply.body.decode("utf-8", "replace")
        finally:
            await pool.close()

    return asyncio.run(run())


@pytest.mark.parametrize("isolated", [True, False])
def test_a_worker_cannot_connect_even_when_the_parser_allows(
    listener: Listener, tmp_path: Path, isolated: bool
) -> None:
    data = tmp_path / "data.nq"
    data.write_text("<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .\n", encoding="utf-8")
    request = Request(
        query=f"SELECT * WHERE {{ SERVICE <{listener.endpoint}> {{ ?s ?p ?o }} }}",
        service_allow=(listener.host,),  # the parser lets it through: the namespace must not
    )
    before = listener.connections
    status, body = _pool_answer(
        StoreSource("memory", data), WorkerRules(isolate_network=isolated), request
    )
    assert status != 200, body
    # Without the namespace the same request does connect: the isolated case can fail.
    assert listener.connected_since(before) != isolated, body
