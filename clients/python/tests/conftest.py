# pytester runs generated test files against the installed plugin.
pytest_plugins = ["pytester"]
