"""Tests sharing one server do not see each other's faults or requests."""
import httpx

EMBEDDING = {"model": "text-embedding-3-small", "input": "isolated"}


def embed(base_url: str, headers: dict) -> int:
    response = httpx.post(f"{base_url}/embeddings", json=EMBEDDING,
                          headers={"Authorization": "Bearer sk-test", **headers}, timeout=10)
    return response.status_code


def test_a_fault_in_one_scope_leaves_another_alone(mockworks_openai_server):
    a = mockworks_openai_server.scope("isolation-a")
    b = mockworks_openai_server.scope("isolation-b")
    try:
        a.fault(path="/v1/embeddings", status=503)
        assert embed(a.base_url, a.headers) == 503
        assert embed(b.base_url, b.headers) == 200
        assert [r["status"] for r in a.requests()] == [503]
        assert [r["status"] for r in b.requests()] == [200]
        assert len(a.faults()) == 1 and b.faults() == []
    finally:
        a.reset()
        b.reset()


# The two tests below may run in either order, or at once under pytest -n 2
# against one shared server: the first one's rule never reaches the second.
def test_one_leaves_a_fault_behind(mock_openai):
    mock_openai.fault(path="/v1/embeddings", status=503)   # not removed: the scope's end clears it
    for _ in range(5):
        assert embed(mock_openai.base_url, mock_openai.headers) == 503


def test_another_does_not_see_it(mock_openai):
    for _ in range(5):
        assert embed(mock_openai.base_url, mock_openai.headers) == 200
    assert mock_openai.faults() == []
    assert len(mock_openai.requests()) == 5
