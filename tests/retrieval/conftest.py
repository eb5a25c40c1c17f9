"""An index of the tiny demo bank built in a temporary folder (tiny's own data dir is read-only),
from the same inputs ``asker init`` uses: published dictionary, catalog, policy, values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from asker import api
from asker.access.policy import Policy, load_policy
from asker.config import Settings
from asker.retrieval.build import open_retriever, rebuild
from asker.retrieval.embeddings import HashingEmbedder
from asker.retrieval.index import HybridRetriever
from asker.semantic.model import Dictionary
from asker.understand.values import load_values
from asker.warehouse.catalog import Catalog, load_catalog
from tests import callers


@dataclass(frozen=True)
class TinyIndex:
    path: Path
    dictionary: Dictionary
    catalog: Catalog
    policy: Policy
    values: tuple[tuple[str, str, str], ...]
    retriever: HybridRetriever


@pytest.fixture(scope="session")
def tiny_inputs(tiny_dir: Path, tiny_executor: Any) -> tuple[Dictionary, Catalog, Policy, Any]:
    catalog = load_catalog()
    dictionary = callers.runtime(Settings(data_dir=tiny_dir)).metric_store.published()
    values = load_values(dictionary, catalog, tiny_executor)
    return dictionary, catalog, load_policy(catalog), values


@pytest.fixture(scope="session")
def tiny_index(
    tiny_inputs: tuple[Dictionary, Catalog, Policy, Any], tmp_path_factory: pytest.TempPathFactory
) -> TinyIndex:
    dictionary, catalog, policy, values = tiny_inputs
    path = tmp_path_factory.mktemp("index")
    embedder = HashingEmbedder()
    rebuild(path, embedder, dictionary, catalog, api.grants(policy), values=values)
    retriever = open_retriever(path, embedder, dictionary)
    return TinyIndex(path, dictionary, catalog, policy, tuple(values), retriever)
