"""What each kind of document says, as reviewed snapshots, and who may see examples passed in by
the caller (reviewed examples from the feedback queue)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asker import api
from asker.retrieval.documents import Document, build_documents, example_documents
from asker.retrieval.seeds import Example, load_examples, load_glossary
from tests.retrieval.conftest import TinyIndex
from tests.snapshots import assert_snapshot

SNAPSHOTS = Path(__file__).parent / "snapshots"
SAMPLES = (
    "metric:npl_ratio",
    "metric:retail_deposit_balance",
    "glossary:五级分类",
    "table:dim_customer",
    "column:dim_customer.mobile",
    "column:fact_loan_balance_monthly.five_class",
    "value:dim_org.org_name=成都分行",
    "example:subbranches_per_branch",
)


def _documents(index: TinyIndex) -> dict[str, Document]:
    docs = build_documents(
        index.dictionary,
        index.catalog,
        api.grants(index.policy),
        values=index.values,
        glossary=load_glossary(),
        examples=load_examples(),
    )
    return {d.id: d for d in docs}


def _render(doc: Document) -> str:
    return (
        f"id: {doc.id}\nkind: {doc.kind}\nkey: {doc.key}\nroles: {', '.join(doc.roles)}\n"
        f"names: {' | '.join(doc.names)}\n---\n{doc.text}\n"
    )


@pytest.mark.parametrize("doc_id", SAMPLES)
def test_document_snapshot(
    doc_id: str, tiny_index: TinyIndex, request: pytest.FixtureRequest
) -> None:
    doc = _documents(tiny_index)[doc_id]
    name = doc_id.replace(":", "__").replace("=", "__").replace(".", "_")
    assert_snapshot(request, SNAPSHOTS / f"{name}.txt", _render(doc))


def test_ids_are_unique_and_stable(tiny_index: TinyIndex) -> None:
    first, again = _documents(tiny_index), _documents(tiny_index)
    assert first == again
    kinds = {d.kind for d in first.values()}
    assert kinds == {"metric", "glossary", "table", "column", "value", "example"}


def test_masked_columns_are_described_and_marked(tiny_index: TinyIndex) -> None:
    docs = _documents(tiny_index)
    mobile = docs["column:dim_customer.mobile"]
    assert "脱敏" in mobile.text and "masked" in mobile.text
    assert "hq_executive" not in mobile.roles  # denied to the executive: not described at all
    assert "脱敏" not in docs["column:dim_customer.segment"].text


def test_examples_passed_in_are_shown_only_to_roles_that_may_read_them(
    tiny_index: TinyIndex,
) -> None:
    grants = api.grants(tiny_index.policy)
    examples = (
        Example(
            "mobiles", "客户手机号", "SELECT cust_id, mobile FROM dim_customer", ("dim_customer",)
        ),
        Example("orgs", "机构数", "SELECT COUNT(*) FROM dim_org", ("dim_org",)),
        Example("nowhere", "未知表", "SELECT x FROM secret_table", ("secret_table",)),
        Example("broken", "坏SQL", "SELECT FROM WHERE (", ("dim_org",)),
    )
    docs = {d.id: d for d in example_documents(examples, tiny_index.catalog, grants)}
    data_roles = {r.role for r in tiny_index.policy.roles if r.data_access}
    assert set(docs["example:orgs"].roles) == data_roles
    assert set(docs["example:mobiles"].roles) == data_roles - {"hq_executive"}
    assert docs["example:nowhere"].roles == () and docs["example:broken"].roles == ()
