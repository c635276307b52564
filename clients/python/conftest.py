# pytester (for tests/test_plugin.py) runs generated test files against the
# installed plugin; pytest_plugins belongs in the root conftest.
pytest_plugins = ["pytester"]
