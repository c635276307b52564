"""Fault handles, the journal, reset, and the servers' error messages."""
import json
import urllib.error
import urllib.request

import pytest

from mockworks import MockLlamaParse, MockOpenAI, MockworksError

EMBED = json.dumps({"model": "text-embedding-3-small", "input": "hi"}).encode()


def embed(oa, headers=None) -> int:
    req = urllib.request.Request(oa.base_url + "/embeddings", data=EMBED, method="POST",
                                 headers={"Authorization": "Bearer k", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture(scope="module")
def oa():
    with MockOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def clean(oa):
    oa.reset()


def test_a_fault_acts_and_its_handle_counts_hits(oa):
    f = oa.fault(path="/v1/embeddings", status=429, times=2)
    assert f.rule["status"] == 429 and f.rule["remaining"] == 2
    assert [embed(oa), embed(oa), embed(oa)] == [429, 429, 200]
    assert f.hits == 2
    assert f.info()["remaining"] == 0


def test_a_rule_as_a_dict_and_keywords_together(oa):
    f = oa.fault({"path": "/v1/embeddings"}, status=503)
    assert f.rule["path"] == "/v1/embeddings" and f.rule["status"] == 503
    assert embed(oa) == 503


def test_the_with_block_removes_its_rule(oa):
    with oa.fault(path="/v1/embeddings", status=500) as f:
        assert embed(oa) == 500
        assert [r["id"] for r in oa.faults()] == [f.id]
    assert oa.faults() == []
    assert embed(oa) == 200


def test_removing_a_rule_already_gone_is_fine(oa):
    f = oa.fault(path="/v1/embeddings", status=500)
    oa.reset()
    f.remove()
    f.remove()


def test_a_bad_rule_raises_with_the_servers_message(oa):
    with pytest.raises(MockworksError) as e:
        oa.fault(path="/v1/embeddings", status=99)
    assert e.value.status == 400
    assert "status" in e.value.message
    assert e.value.message.startswith("POST /__control/faults failed with 400: ")


def test_llamaparse_errors_are_read_from_detail():
    with MockLlamaParse() as lp:
        with pytest.raises(MockworksError) as e:
            lp.fault(kind="explode")
        assert "kind" in str(e.value)
        assert "{" not in str(e.value)


def test_the_journal_and_its_filters(oa):
    oa.fault(path="/v1/embeddings", status=503, times=1)
    embed(oa)
    embed(oa, {"x-test-id": "t1"})
    entries = oa.requests(path="/v1/embeddings")
    assert [e["status"] for e in entries] == [503, 200]
    assert entries[1]["headers"]["x-test-id"] == "t1"
    assert [e["status"] for e in oa.requests(status=200)] == [200]
    assert len(oa.requests(limit=1)) == 1
    assert oa.requests(method="GET") == []
    oa.clear_requests()
    assert oa.requests() == []


def test_a_bad_filter_is_a_clear_error(oa):
    with pytest.raises(MockworksError) as e:
        oa.requests(status=99999999999)
    assert e.value.status == 400


def test_reset_clears_rules_and_journal(oa):
    oa.fault(path="/v1/embeddings", status=500)
    embed(oa)
    oa.reset()
    assert oa.faults() == [] and oa.requests() == []


def test_clear_faults(oa):
    oa.fault(path="/v1/embeddings", status=500)
    oa.fault(path="/v1/models", status=500)
    oa.clear_faults()
    assert oa.faults() == []
