"""A parse job failing for one test only (pyproject.toml sets
mockworks_llamaparse_args = "--job-delay-ms 0 --job-ms-per-page 0", so jobs end at once)."""
import time

import httpx

DOCUMENT = ("notes.txt", b"CLAIMS\nEvery claim is reviewed within ten days.\n", "text/plain")


def parse(mock_llamaparse) -> dict:
    with httpx.Client(base_url=mock_llamaparse.base_url, timeout=10,
                      headers={"Authorization": "Bearer llx-test", **mock_llamaparse.headers}) as client:
        job = client.post("/api/v1/parsing/upload", files={"file": DOCUMENT})
        assert job.status_code == 200, job.text
        for _ in range(750):   # poll as a real client does, bounded (15 s)
            status = client.get(f"/api/v1/parsing/job/{job.json()['id']}").json()
            if status["status"] != "PENDING":
                return status
            time.sleep(0.02)
        raise AssertionError(f"the job is still pending: {status}")


def test_a_job_ends_in_error_when_the_test_says_so(mock_llamaparse):
    mock_llamaparse.fault(path="/api/v1/parsing/upload", job_status="ERROR", times=1)
    assert parse(mock_llamaparse)["status"] == "ERROR"
    assert parse(mock_llamaparse)["status"] == "SUCCESS"


def test_a_job_succeeds(mock_llamaparse):
    assert parse(mock_llamaparse)["status"] == "SUCCESS"
    assert [r["path"] for r in mock_llamaparse.requests(method="POST")] == ["/api/v1/parsing/upload"]
