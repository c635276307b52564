"""Per-test scopes and the report card (the servers' x-test-id scoping)."""
import json
import urllib.error
import urllib.request

import pytest

from mockworks import MockLlamaParse, MockOpenAI

EMBED = json.dumps({"model": "text-embedding-3-small", "input": "hi"}).encode()


def embed(scope, retry_count=0, body=EMBED) -> int:
    headers = {"Authorization": "Bearer k", "x-stainless-retry-count": str(retry_count), **scope.headers}
    req = urllib.request.Request(scope.base_url + "/embeddings", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture(scope="module")
def oa():
    with MockOpenAI() as server:
        yield server


@pytest.fixture
def a(oa):
    s = oa.scope("scope-a")
    yield s
    s.reset()


@pytest.fixture
def b(oa):
    s = oa.scope("scope-b")
    yield s
    s.reset()


def test_headers_and_urls(oa, a):
    assert a.headers == {"x-test-id": "scope-a"}
    assert a.base_url == oa.base_url and a.url == oa.url


def test_an_empty_test_id_is_refused(oa):
    with pytest.raises(ValueError):
        oa.scope("")


def test_a_scoped_rule_acts_only_on_its_tests_requests(oa, a, b):
    f = a.fault(path="/v1/embeddings", status=503)
    assert f.rule["test_id"] == "scope-a"
    assert embed(b) == 200
    assert embed(a) == 503
    assert [r["id"] for r in a.faults()] == [f.id]
    assert b.faults() == []


def test_requests_are_the_tests_own(a, b):
    embed(a)
    embed(b)
    embed(b)
    assert len(a.requests()) == 1
    assert len(b.requests(path="/v1/embeddings")) == 2
    assert all(r["headers"]["x-test-id"] == "scope-b" for r in b.requests())


def test_reset_of_one_scope_keeps_the_others(oa, a, b):
    a.fault(path="/v1/embeddings", status=500)
    fb = b.fault(path="/v1/embeddings", status=502)
    embed(a)
    embed(b)
    a.reset()
    assert a.faults() == [] and a.requests() == []
    assert [r["id"] for r in b.faults()] == [fb.id]
    assert len(b.requests()) == 1


def test_a_clean_run_reports_clean(a):
    assert embed(a) == 200
    report = a.report()
    assert report["test_id"] == "scope-a"
    assert report["clean"] is True and report["violations"] == []


def test_retrying_a_400_is_a_violation_named_in_the_report(a, b):
    bad = json.dumps({"model": "text-embedding-3-small", "input": ""}).encode()
    assert embed(a, 0, bad) == 400
    assert embed(a, 1, bad) == 400
    report = a.report()
    assert report["clean"] is False
    kinds = [v["kind"] for v in report["violations"]]
    assert "retried_non_retryable" in kinds
    assert all(v["test_id"] == "scope-a" for v in report["violations"])
    assert embed(b) == 200
    assert b.report()["clean"] is True          # a's violation is not b's
    text = a.report(text=True)
    assert isinstance(text, str) and "retried_non_retryable" in text


def test_the_servers_whole_report(oa, a):
    embed(a)
    assert oa.report()["test_id"] is None


def test_llamaparse_scopes_too():
    with MockLlamaParse() as lp:
        a, b = lp.scope("lp-a"), lp.scope("lp-b")
        a.fault(path="/api/v1/parsing/upload", status=500)
        assert len(a.faults()) == 1 and b.faults() == []
        a.reset()
        assert lp.faults() == []
