"""A test of code that calls OpenAI: a 429 injected through the test's own
scope, recovered by the client's retry, and the server's report card saying
the client retried as it should."""
import httpx

import retrying

EMBEDDING = {"model": "text-embedding-3-small", "input": "retry me"}


def client_for(mock_openai) -> httpx.Client:
    # What your code does with OPENAI_BASE_URL; the scope's headers mark its calls as this test's.
    return httpx.Client(base_url=mock_openai.base_url,
                        headers={"Authorization": "Bearer sk-test", **mock_openai.headers}, timeout=10)


def test_a_429_is_retried_and_the_report_is_clean(mock_openai):
    mock_openai.fault(path="/v1/embeddings", status=429, times=1,
                      headers={"retry-after-ms": "100", "retry-after": "0"})
    with client_for(mock_openai) as client:
        response = retrying.post(client, "/embeddings", EMBEDDING)

    assert response.status_code == 200
    assert len(response.json()["data"][0]["embedding"]) == 1536
    assert [r["status"] for r in mock_openai.requests(path="/v1/embeddings")] == [429, 200]
    report = mock_openai.report()
    assert report["clean"], mock_openai.report(text=True)
    assert report["violations"] == []


def test_a_400_is_not_retried(mock_openai):
    with client_for(mock_openai) as client:
        response = retrying.post(client, "/embeddings", {"model": "text-embedding-3-small", "input": ""})

    assert response.status_code == 400
    assert len(mock_openai.requests(path="/v1/embeddings")) == 1
    assert mock_openai.report()["clean"], mock_openai.report(text=True)


def test_retrying_a_400_shows_on_the_report(mock_openai):
    # A client that retries what it must not: the report card names it.
    mock_openai.fault(path="/v1/embeddings", status=400, times=2)
    with client_for(mock_openai) as client:
        for attempt in range(2):
            client.post("/embeddings", json=EMBEDDING, headers={"x-stainless-retry-count": str(attempt)})

    report = mock_openai.report()
    assert not report["clean"]
    assert "retried_non_retryable" in {v["kind"] for v in report["violations"]}
