"""The pytest plugin, run on generated test files in a pytest subprocess."""

CHECKS = '''
import json, urllib.request

def embed(scope):
    req = urllib.request.Request(scope.base_url + "/embeddings", method="POST",
        data=json.dumps({"model": "text-embedding-3-small", "input": "x"}).encode(),
        headers={"Authorization": "Bearer k", **scope.headers})
    try:
        return urllib.request.urlopen(req, timeout=10).status
    except urllib.error.HTTPError as e:
        return e.code

def test_scope_is_named_after_the_node_id(mock_openai, request):
    assert mock_openai.test_id == request.node.nodeid
    assert mock_openai.headers == {"x-test-id": request.node.nodeid}

def test_leaves_a_rule(mock_openai):
    mock_openai.fault(path="/v1/embeddings", status=503)
    assert embed(mock_openai) == 503

def test_after_it_the_rule_is_gone(mock_openai, mockworks_openai_server):
    assert mockworks_openai_server.faults() == []
    assert embed(mock_openai) == 200

def test_one_server_per_session(mock_openai, mock_llamaparse, mockworks_openai_server):
    assert mock_openai.server is mockworks_openai_server
    assert mock_llamaparse.base_url == mock_llamaparse.server.url
'''


def test_fixtures_in_a_users_suite(pytester):
    pytester.makepyfile(test_user=CHECKS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)


def test_ini_args_reach_the_started_server(pytester):
    pytester.makeini("[pytest]\nmockworks_openai_args = --model tiny:4\n")
    pytester.makepyfile(test_args='''
import json, urllib.request
def test_model(mock_openai):
    req = urllib.request.Request(mock_openai.base_url + "/models/tiny", headers={"Authorization": "Bearer k"})
    assert json.load(urllib.request.urlopen(req, timeout=10))["id"] == "tiny"
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_attached_through_the_environment(pytester, monkeypatch):
    from mockworks import MockOpenAI
    with MockOpenAI() as owner:
        monkeypatch.setenv("MOCKWORKS_OPENAI_URL", owner.url)
        pytester.makepyfile(test_attached=f'''
def test_attached(mock_openai):
    assert mock_openai.server.attached
    assert mock_openai.url == "{owner.url}"
    mock_openai.fault(path="/v1/models", status=503)
''')
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
        result.assert_outcomes(passed=1)
        assert owner.faults() == []          # the scope's reset at the test's end
        assert owner.health()["status"] == "healthy"


def test_a_server_that_cannot_start_errors_the_test_with_its_words(pytester, monkeypatch):
    fake = pytester.path / "bin" / "mock_openai"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'mock_openai: cannot bind, out of luck' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MOCKWORKS_BIN_DIR", str(fake.parent))
    pytester.makepyfile(test_nobinary='''
def test_needs_it(mock_openai):
    pass
''')
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*exited with 3 before listening: mock_openai: cannot bind, out of luck*"])
