"""pytest fixtures (registered through the pytest11 entry point).

``mock_openai`` / ``mock_llamaparse``: the test's own Scope on a server shared
by the session (started on a free port, or attached through
$MOCKWORKS_OPENAI_URL / $MOCKWORKS_LLAMAPARSE_URL). The scope is named after
the test's node id and reset before and after the test. Extra flags for the
started servers: the ini options ``mockworks_openai_args`` and
``mockworks_llamaparse_args``.
"""
from __future__ import annotations

from typing import Iterator, List, Type

import pytest

from .scope import Scope
from .server import MockLlamaParse, MockOpenAI, MockServer


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("mockworks_openai_args", type="args", default=[],
                  help="extra flags for the mock_openai the mock_openai fixture starts")
    parser.addini("mockworks_llamaparse_args", type="args", default=[],
                  help="extra flags for the mock_llamaparse the mock_llamaparse fixture starts")


def _session_server(config: pytest.Config, cls: Type[MockServer], ini: str) -> Iterator[MockServer]:
    args: List[str] = list(config.getini(ini))
    server = cls(*args)   # attached through the environment, the args are not used
    try:
        yield server
    finally:
        server.stop()


def _test_scope(server: MockServer, request: pytest.FixtureRequest) -> Iterator[Scope]:
    scope = server.scope(request.node.nodeid)
    scope.reset()
    yield scope
    scope.reset()


@pytest.fixture(scope="session")
def mockworks_openai_server(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """The session's MockOpenAI (shared by every test; prefer ``mock_openai``)."""
    yield from _session_server(pytestconfig, MockOpenAI, "mockworks_openai_args")


@pytest.fixture(scope="session")
def mockworks_llamaparse_server(pytestconfig: pytest.Config) -> Iterator[MockServer]:
    """The session's MockLlamaParse (shared by every test; prefer ``mock_llamaparse``)."""
    yield from _session_server(pytestconfig, MockLlamaParse, "mockworks_llamaparse_args")


@pytest.fixture
def mock_openai(mockworks_openai_server: MockServer, request: pytest.FixtureRequest) -> Iterator[Scope]:
    """This test's scope on the session's mock_openai: ``.headers``, ``.base_url``,
    ``.fault()``, ``.requests()``, ``.report()``."""
    yield from _test_scope(mockworks_openai_server, request)


@pytest.fixture
def mock_llamaparse(mockworks_llamaparse_server: MockServer, request: pytest.FixtureRequest) -> Iterator[Scope]:
    """This test's scope on the session's mock_llamaparse."""
    yield from _test_scope(mockworks_llamaparse_server, request)
