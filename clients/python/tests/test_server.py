"""Starting, stopping and attaching; extra flags; the control token; errors."""
import json
import subprocess
import urllib.error
import urllib.request

import pytest

from mockworks import MockLlamaParse, MockOpenAI, MockworksError
from mockworks.binary import find_binary


def get_json(url: str, headers=None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
        return json.loads(r.read())


def post_json(url: str, body: dict, headers=None):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_openai_starts_on_a_free_port_and_stops_with_exit_0():
    with MockOpenAI() as oa:
        assert oa.url.startswith("http://127.0.0.1:")
        assert oa.base_url == oa.url + "/v1"
        assert oa.health()["service"] == "mock-openai"
        models = get_json(oa.base_url + "/models", {"Authorization": "Bearer k"})
        assert any(m["id"] == "text-embedding-3-small" for m in models["data"])
        proc = oa.process.proc
    assert proc.returncode == 0
    assert oa.process is None


def test_llamaparse_base_url_is_the_root():
    with MockLlamaParse() as lp:
        assert lp.base_url == lp.url
        assert lp.health()["status"] == "healthy"


def test_two_servers_get_two_ports():
    with MockOpenAI() as a, MockOpenAI() as b:
        assert a.url != b.url


def test_extra_args_reach_the_binary():
    with MockOpenAI("--model", "tiny-embedder:8") as oa:
        res = post_json(oa.base_url + "/embeddings", {"model": "tiny-embedder", "input": "x"},
                        {"Authorization": "Bearer k"})
        assert len(res["data"][0]["embedding"]) == 8


def test_a_bad_flag_fails_with_the_servers_words():
    with pytest.raises(MockworksError) as e:
        MockOpenAI("--no-such-flag")
    assert "exited with" in str(e.value)
    assert "no-such-flag" in str(e.value)


def test_a_missing_binary_is_a_clear_error(tmp_path):
    with pytest.raises(MockworksError, match="cannot start"):
        MockOpenAI(binary=str(tmp_path / "nope"))


def test_stop_twice_is_harmless():
    oa = MockOpenAI()
    oa.stop()
    oa.stop()


def test_attach_by_url_leaves_the_server_running():
    with MockOpenAI() as owner:
        with MockOpenAI(url=owner.url + "/") as attached:
            assert attached.attached and attached.url == owner.url
            assert attached.base_url == owner.url + "/v1"
            attached.fault(path="/v1/models", status=503)
            assert len(owner.faults()) == 1
        assert owner.health()["status"] == "healthy"


def test_attach_by_environment(monkeypatch):
    with MockLlamaParse() as owner:
        monkeypatch.setenv("MOCKWORKS_LLAMAPARSE_URL", owner.url)
        attached = MockLlamaParse()
        assert attached.attached and attached.url == owner.url
        attached.stop()
        # flags are for a server started here: attached through the environment, not used
        assert MockLlamaParse("--job-delay-ms", "0").attached
        assert owner.health()["status"] == "healthy"


def test_flags_for_an_attached_server_are_refused():
    with MockOpenAI() as owner:
        with pytest.raises(MockworksError, match="cannot pass"):
            MockOpenAI("--rpm", "3", url=owner.url)


def test_an_unreachable_server_is_a_clear_error():
    with MockOpenAI() as oa:
        url = oa.url
    with pytest.raises(MockworksError, match="cannot reach"):
        MockOpenAI(url=url).faults()


def test_control_token_is_sent_and_required():
    with MockOpenAI(control_token="s3cret") as oa:
        oa.fault(path="/v1/models", status=503)
        assert len(oa.faults()) == 1
        with pytest.raises(MockworksError) as e:
            MockOpenAI(url=oa.url).faults()
        assert e.value.status == 401


def test_control_token_from_the_environment(monkeypatch):
    monkeypatch.setenv("MOCKWORKS_CONTROL_TOKEN", "from-env")
    with MockOpenAI() as oa:
        assert oa.faults() == []
        monkeypatch.delenv("MOCKWORKS_CONTROL_TOKEN")
        with pytest.raises(MockworksError):
            MockOpenAI(url=oa.url).faults()


def test_metrics_are_text():
    with MockOpenAI() as oa:
        assert "mock_requests_total" in oa.metrics()


def test_a_server_killed_under_us_is_reported_on_stop():
    oa = MockOpenAI()
    oa.process.proc.kill()
    oa.process.proc.wait()
    with pytest.raises(MockworksError, match="exited with -9"):
        oa.stop()


def test_the_binary_found_is_a_real_mock():
    out = subprocess.run([find_binary("mock_openai"), "--version"], capture_output=True, text=True, timeout=10)
    assert out.returncode == 0
