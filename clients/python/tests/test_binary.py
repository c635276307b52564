"""Finding the binaries: MOCKWORKS_BIN_DIR, PATH, a checkout's build folder."""
import os
from pathlib import Path

import pytest

from mockworks import MockworksError
from mockworks.binary import find_binary

REAL = Path(find_binary("mock_openai")).resolve()


@pytest.fixture
def no_env(monkeypatch, tmp_path):
    monkeypatch.delenv("MOCKWORKS_BIN_DIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def link(folder: Path, rel: str) -> Path:
    target = folder / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(REAL)
    return target


def test_bin_dir_holding_the_binaries(no_env, monkeypatch):
    expected = link(no_env / "bin", "mock_openai")
    monkeypatch.setenv("MOCKWORKS_BIN_DIR", str(no_env / "bin"))
    assert find_binary("mock_openai") == str(expected)


def test_bin_dir_as_a_meson_build_folder(no_env, monkeypatch):
    expected = link(no_env / "b", "mock_openai/mock_openai")
    monkeypatch.setenv("MOCKWORKS_BIN_DIR", str(no_env / "b"))
    assert find_binary("mock_openai") == str(expected)


def test_path(no_env, monkeypatch):
    expected = link(no_env / "onpath", "mock_openai")
    monkeypatch.setenv("PATH", str(no_env / "onpath"))
    assert find_binary("mock_openai") == str(expected)


def test_bin_dir_wins_over_path(no_env, monkeypatch):
    expected = link(no_env / "bin", "mock_openai")
    link(no_env / "onpath", "mock_openai")
    monkeypatch.setenv("MOCKWORKS_BIN_DIR", str(no_env / "bin"))
    monkeypatch.setenv("PATH", str(no_env / "onpath"))
    assert find_binary("mock_openai") == str(expected)


def test_a_checkout_build_folder_above_the_working_directory(no_env, monkeypatch):
    expected = link(no_env / "repo" / "build", "mock_openai/mock_openai")
    deep = no_env / "repo" / "services" / "api"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert find_binary("mock_openai") == str(expected)


def test_not_found_says_where_it_looked(no_env, monkeypatch):
    monkeypatch.setenv("MOCKWORKS_BIN_DIR", str(no_env / "nowhere"))
    with pytest.raises(MockworksError) as e:
        find_binary("mock_openai")
    assert "MOCKWORKS_BIN_DIR=" + str(no_env / "nowhere") in str(e.value)
    assert "url=" in str(e.value)


def test_a_file_that_is_not_executable_is_skipped(no_env, monkeypatch):
    (no_env / "bin").mkdir()
    (no_env / "bin" / "mock_openai").write_text("not a program")
    os.chmod(no_env / "bin" / "mock_openai", 0o644)
    monkeypatch.setenv("MOCKWORKS_BIN_DIR", str(no_env / "bin"))
    with pytest.raises(MockworksError):
        find_binary("mock_openai")
