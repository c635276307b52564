"""Harness for the mockworks fake services in Python tests."""
from .errors import MockworksError
from .fault import Fault
from .scope import Scope
from .server import MockLlamaParse, MockOpenAI, MockServer

__all__ = ["MockOpenAI", "MockLlamaParse", "MockServer", "Scope", "Fault", "MockworksError"]
__version__ = "0.1.0"
