"""Shared fixtures for the infrastructure tests (fixtures under tests/fixtures_infra/)."""

from __future__ import annotations

from pathlib import Path

import pytest

import pharmakg

FIXTURES = Path(__file__).parent / "fixtures_infra"
QUERIES = FIXTURES / "queries"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def fixture_kg() -> pharmakg.KnowledgeGraph:
    """The fixture ontology + the fixture graph."""
    return pharmakg.load(FIXTURES / "ontology.ttl", FIXTURES / "good.ttl")


ROOT = Path(__file__).parent.parent
GRAPHS = sorted((ROOT / "graphs").glob("*.ttl"))
DATA = Path(__file__).parent / "data"
SYNTHETIC = DATA / "synthetic" / "examplinib.ttl"


@pytest.fixture(scope="session")
def monograph_kg() -> pharmakg.KnowledgeGraph:
    """The release's own data: the packaged ontology and every graphs/*.ttl."""
    return pharmakg.load()


@pytest.fixture(scope="session")
def monograph_reasoning(monograph_kg: pharmakg.KnowledgeGraph) -> pharmakg.ReasoningResult:
    """HermiT on the release's own data, run once a session (each run starts a JVM)."""
    return pharmakg.reason(monograph_kg)


@pytest.fixture(scope="session")
def two_drug_kg() -> pharmakg.KnowledgeGraph:
    """The monograph plus the synthetic second drug (tests/data/synthetic/)."""
    return pharmakg.load(ROOT / "ontology" / "pharmakg.ttl", *GRAPHS, SYNTHETIC)
