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
