"""`wrap`: the readers of checksums.txt, the archives and GoReleaser's artifacts.json, each
refusal, and a whole wrap of hand-made binaries through the normal wheel build (no Go)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zipfile
from pathlib import Path

import crafted
import pytest

from hatch_go_binary import prebuilt, release
from hatch_go_binary.prebuilt import WrapError

COMMAND = "demo"
LINUX_AMD64 = crafted.go_elf()
LINUX_ARM64 = crafted.go_elf(
    crafted.MODINFO.replace("GOARCH=amd64", "GOARCH=arm64").replace("build\tGOAMD64=v1\n", ""),
    machine=crafted.EM_AARCH64,
)
PYPROJECT = crafted.hooked_pyproject(
    'name = "demo-tool"\nversion = "1.2.0"\nlicense = "MIT"\n',
    '[tool.hatch-go-binary]\ntargets = ["linux/amd64", "linux/arm64", "darwin/amd64", '
    '"darwin/arm64"]\nmain-package = "./cmd/demo"\ncommand = "demo"\n',
)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tar_gz(path: Path, members: dict[str, bytes], links: dict[str, str] = {}) -> Path:  # noqa: B006
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            archive.addfile(info, io.BytesIO(data))
        for name, target in links.items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def release_folder(folder: Path, archives: dict[str, dict[str, bytes]]) -> Path:
    """FOLDER with tar.gz ARCHIVES ({name: members}) and their checksums.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for name, members in archives.items():
        path = tar_gz(folder / name, members)
        lines.append(f"{sha(path.read_bytes())}  {name}\n")
    (folder / "checksums.txt").write_text("".join(lines), encoding="utf-8")
    return folder


TWO = {
    "demo_1.2.0_linux_amd64.tar.gz": {"demo": LINUX_AMD64, "LICENSE": b"MIT"},
    "demo_1.2.0_linux_arm64.tar.gz": {"demo_1.2.0_linux_arm64/demo": LINUX_ARM64},
}


def test_checksums_reader() -> None:
    text = f"{'a' * 64}  one.tar.gz\n{'B' * 64} *two.zip\n\n"
    assert prebuilt.read_checksums(text) == {"one.tar.gz": "a" * 64, "two.zip": "b" * 64}
    with pytest.raises(WrapError, match="line 1 is not"):
        prebuilt.read_checksums("abc  one.tar.gz\n")


def test_archives_checked_before_reading(tmp_path: Path) -> None:
    folder = release_folder(tmp_path / "release", TWO)
    assert sorted(prebuilt.checked_archives(folder)) == sorted(TWO)
    releases = prebuilt.from_archives(folder, [COMMAND])
    assert [item.binaries for item in releases] == [{"demo": LINUX_AMD64}, {"demo": LINUX_ARM64}]
    name = "demo_1.2.0_linux_amd64.tar.gz"
    assert releases[0].files == {name: sha((folder / name).read_bytes())}


def test_tampered_missing_extra_archives_refused(tmp_path: Path) -> None:
    folder = release_folder(tmp_path / "release", TWO)
    arm = folder / "demo_1.2.0_linux_arm64.tar.gz"
    tar_gz(folder / "demo_1.2.0_windows_amd64.zip", {})
    with pytest.raises(WrapError, match=r"demo_1\.2\.0_windows_amd64\.zip: in .* but not in"):
        prebuilt.checked_archives(folder)
    (folder / "demo_1.2.0_windows_amd64.zip").unlink()
    tar_gz(arm, {"demo": LINUX_AMD64})  # other bytes under the same name
    with pytest.raises(WrapError, match=r"demo_1\.2\.0_linux_arm64\.tar\.gz: sha256 .* says"):
        prebuilt.checked_archives(folder)
    arm.unlink()
    with pytest.raises(
        WrapError, match=r"demo_1\.2\.0_linux_arm64\.tar\.gz: listed .* but missing"
    ):
        prebuilt.checked_archives(folder)
    (folder / "checksums.txt").rename(folder / "demo_1.2.0_checksums.txt")  # GoReleaser's default
    listed = r"linux_arm64\.tar\.gz: listed in demo_1\.2\.0_checksums\.txt"
    with pytest.raises(WrapError, match=listed):
        prebuilt.checked_archives(folder)
    (folder / "checksums.txt").write_text("")
    with pytest.raises(WrapError, match="several checksums files"):
        prebuilt.checked_archives(folder)
    (folder / "checksums.txt").unlink()
    (folder / "demo_1.2.0_checksums.txt").unlink()
    with pytest.raises(WrapError, match=r"has no checksums\.txt"):
        prebuilt.checked_archives(folder)


@pytest.mark.parametrize("name", ["../demo", "/tmp/demo", "bin/../../demo"])
def test_path_traversal_refused(tmp_path: Path, name: str) -> None:
    archive = tar_gz(tmp_path / "evil.tar.gz", {name: LINUX_AMD64})
    with pytest.raises(WrapError, match="outside the archive's folder"):
        prebuilt.archive_binaries(archive, [COMMAND])


def test_links_and_missing_binaries_refused(tmp_path: Path) -> None:
    linked = tar_gz(tmp_path / "link.tar.gz", {}, {"demo": "/usr/bin/env"})
    with pytest.raises(WrapError, match="demo is a link"):
        prebuilt.archive_binaries(linked, [COMMAND])
    empty = tar_gz(tmp_path / "empty.tar.gz", {"README.md": b"hi"})
    with pytest.raises(WrapError, match=r"empty\.tar\.gz has no binary named demo"):
        prebuilt.archive_binaries(empty, [COMMAND])
    zipped = tmp_path / "w.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("w/demo.exe", crafted.pe())
    assert prebuilt.archive_binaries(zipped, [COMMAND]) == {"demo": crafted.pe()}


def test_platform_from_headers_not_names() -> None:
    assert prebuilt.target_of(LINUX_AMD64) == "linux/amd64"
    assert prebuilt.target_of(LINUX_ARM64) == "linux/arm64"
    assert prebuilt.target_of(crafted.pe(crafted.PE_ARM64)) == "windows/arm64"
    assert prebuilt.target_of(crafted.macho(crafted.CPU_X86_64)) == "darwin/amd64"
    fat = crafted.fat(
        (crafted.CPU_X86_64, crafted.macho(crafted.CPU_X86_64)),
        (crafted.CPU_ARM64, crafted.macho()),
    )
    assert prebuilt.target_of(fat) == "darwin/universal2"
    with pytest.raises(WrapError, match="not an ELF, Mach-O or PE"):
        prebuilt.target_of(b"#!/bin/sh\n")


def test_unsupported_variants_named() -> None:
    v3 = crafted.go_elf(crafted.MODINFO.replace("GOAMD64=v1", "GOAMD64=v3"))
    assert "GOAMD64=v3" in prebuilt.variant_problem(v3, "linux/amd64")
    assert prebuilt.variant_problem(LINUX_AMD64, "linux/amd64") is None
    arm = crafted.MODINFO.replace("GOARCH=amd64", "GOARCH=arm").replace("GOAMD64=v1", "GOARM=6")
    assert "armv7l" in prebuilt.variant_problem(crafted.go_elf(arm), "linux/arm")
    assert prebuilt.variant_problem(crafted.go_elf(arm.replace("=6", "=7")), "linux/arm") is None


def test_version_must_be_the_projects() -> None:
    assert prebuilt.check_version("v1.2.0", "1.2", "--tag") == "1.2"
    with pytest.raises(WrapError, match=r"the release is v1.3.0 \(--tag\), but .* 1.2.0"):
        prebuilt.check_version("v1.3.0", "1.2.0", "--tag")
    with pytest.raises(WrapError, match="no PEP 440 version"):
        prebuilt.check_version("0.1.1-SNAPSHOT-abc1234", "0.1.1", "metadata.json")
    assert prebuilt.says_version("demo version v1.2.0 (abc)", "1.2.0")
    assert not prebuilt.says_version("demo 1.2.0.1", "1.2.0")


def goreleaser_dist(dist: Path, binaries: dict[str, tuple[str, bytes]]) -> Path:
    """A dist/ as GoReleaser writes it: {folder: (type, binary)} and artifacts.json whose
    paths start at the folder above dist/."""
    artifacts = []
    for folder, (kind, data) in binaries.items():
        (dist / folder).mkdir(parents=True)
        (dist / folder / COMMAND).write_bytes(data)
        goos, goarch = folder.split("_")[1:3]
        path = f"{dist.name}/{folder}/{COMMAND}"
        extra = {"Binary": COMMAND, "Ext": "", "ID": "demo"}
        artifacts.append(  # the fields GoReleaser v2.17 writes (internal/artifact)
            {"name": COMMAND, "path": path, "goos": goos, "goarch": goarch, "target": folder[5:]}
            | {"internal_type": 4, "type": kind, "extra": extra}
        )
    archive = {"name": "demo_1.2.0_linux_amd64.tar.gz", "path": "dist/demo.tar.gz"}
    artifacts.append({**archive, "type": "Archive", "extra": {"Binaries": [COMMAND]}})
    artifacts.append({"name": "checksums.txt", "path": "dist/checksums.txt", "type": "Checksum"})
    (dist / "artifacts.json").write_text(json.dumps(artifacts), encoding="utf-8")
    metadata = {"project_name": "demo", "tag": "v1.2.0", "version": "1.2.0"}
    (dist / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return dist


def test_goreleaser_dist_reader(tmp_path: Path) -> None:
    fat = crafted.fat((crafted.CPU_ARM64, crafted.macho()))
    dist = goreleaser_dist(
        tmp_path / "dist",
        {
            "demo_linux_amd64_v1": ("Binary", LINUX_AMD64),
            "demo_darwin_all": ("Binary", fat),
        },
    )
    found = prebuilt.from_goreleaser_dist(dist, [COMMAND])
    assert [(item.origin, item.binaries) for item in found] == [
        ("dist/demo_linux_amd64_v1", {"demo": LINUX_AMD64}),
        ("dist/demo_darwin_all", {"demo": fat}),
    ]
    assert prebuilt.goreleaser_version(dist) == "1.2.0"
    artifacts = json.loads((dist / "artifacts.json").read_text())
    artifacts[0]["path"] = "../../etc/passwd"
    (dist / "artifacts.json").write_text(json.dumps(artifacts))
    with pytest.raises(WrapError, match="outside the archive"):
        prebuilt.from_goreleaser_dist(dist, [COMMAND])


def test_wrap_gives_the_builds_wheels(tmp_path: Path, monkeypatch, capsys) -> None:
    """The whole command: a wheel per platform through the hook, the binary byte for byte,
    the variant left out with a line, a record that `verify` accepts."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    v3 = crafted.go_elf(crafted.MODINFO.replace("GOAMD64=v1", "GOAMD64=v3"))
    archives = {**TWO, "demo_1.2.0_linux_amd64_v3.tar.gz": {"demo": v3}}
    folder = release_folder(tmp_path / "release", archives)
    monkeypatch.chdir(project)
    argv = [str(folder), "--tag", "v1.2.0", "--no-version-check"]
    assert prebuilt.main(argv) == 0
    said = capsys.readouterr().out
    assert "left out: demo_1.2.0_linux_amd64_v3.tar.gz: linux/amd64 built for GOAMD64=v3" in said
    wheels = sorted((project / "dist").glob("*.whl"))
    assert [wheel.name.split("-")[-1] for wheel in wheels] == [
        "manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
        "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64.whl",
    ]
    for wheel, binary in zip(wheels, (LINUX_ARM64, LINUX_AMD64)):
        with zipfile.ZipFile(wheel) as archive:
            assert archive.read("demo_tool-1.2.0.data/scripts/demo") == binary
            assert "demo_tool-1.2.0.dist-info/sboms/demo.cyclonedx.json" in archive.namelist()
    record = json.loads((project / "dist-record" / "BUILD.json").read_text())
    assert [entry["from"] for entry in record["artifacts"]] == [
        {name: sha((folder / name).read_bytes())} for name in TWO
    ]
    assert len(release.verify(project / "dist", project)) == 2


def test_wrap_refuses_another_version(tmp_path: Path, monkeypatch, capsys) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    folder = release_folder(tmp_path / "release", TWO)
    monkeypatch.chdir(project)
    with pytest.raises(SystemExit):
        prebuilt.main([str(folder), "--tag", "v1.3.0"])
    assert "the release is v1.3.0 (--tag)" in capsys.readouterr().err
    assert not (project / "dist").exists()


def go_macho(cpu: int, minos: tuple[int, int] = (11, 0)) -> bytes:
    """A thin Mach-O with Go build information, 16-byte aligned as Go writes it."""
    head = crafted.macho(cpu, minos)
    return head + bytes(-len(head) % 16) + crafted.go_buildinfo()


def test_wrap_goreleaser_dist_universal(tmp_path: Path, monkeypatch, capsys) -> None:
    """GoReleaser's dist/ with a universal binary: one universal2 wheel holding it, tagged
    with the macOS its most demanding slice needs."""
    fat = crafted.fat(
        (crafted.CPU_X86_64, go_macho(crafted.CPU_X86_64)),
        (crafted.CPU_ARM64, go_macho(crafted.CPU_ARM64, (12, 0))),  # the second slice
    )
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    dist = goreleaser_dist(project / "goreleaser", {"demo_darwin_all": ("Binary", fat)})
    monkeypatch.chdir(project)
    assert prebuilt.main([str(dist), "--out", "wheels"]) == 0, capsys.readouterr()
    (wheel,) = (project / "wheels").glob("*.whl")
    assert wheel.name == "demo_tool-1.2.0-py3-none-macosx_12_0_universal2.whl"
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("demo_tool-1.2.0.data/scripts/demo") == fat
    record = json.loads((project / "wheels-record" / "BUILD.json").read_text())
    assert record["artifacts"][0]["from"] == {"goreleaser/demo_darwin_all/demo": sha(fat)}
    assert record["artifacts"][0]["target"] == "darwin/universal2"


def test_host_binary_must_print_the_version(tmp_path: Path) -> None:
    binary = tmp_path / "demo"
    binary.write_text("#!/bin/sh\necho demo v1.3.0\n")
    binary.chmod(0o755)
    with pytest.raises(WrapError, match=r"`demo --version` prints 'demo v1\.3\.0', not 1\.2\.0"):
        prebuilt.check_host_version(binary, "1.2.0")
    prebuilt.check_host_version(binary, "1.3.0")


def test_zip_link_refused(tmp_path: Path) -> None:
    zipped = tmp_path / "link.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        link = zipfile.ZipInfo("demo")
        link.external_attr = (0o120777) << 16  # a symbolic link, as zip -y stores one
        archive.writestr(link, "/usr/bin/env")
    with pytest.raises(WrapError, match="demo is a link"):
        prebuilt.archive_binaries(zipped, [COMMAND])


def test_hook_folder_lacking_a_command(tmp_path: Path) -> None:
    from hatch_go_binary.config import read_settings
    from hatch_go_binary.errors import BuildError

    settings = read_settings(
        {"tool": {"hatch-go-binary": {"commands": {"a": ".", "b": "./b"}}}}, tmp_path
    )
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "a").write_bytes(LINUX_AMD64)
    with pytest.raises(BuildError, match=r"HATCH_GO_BINARY_PREBUILT=.* has no b$"):
        prebuilt.taken_binaries(tmp_path / "taken", settings)


def wrap_one(tmp_path: Path, monkeypatch, binary: bytes) -> int:
    """`wrap` of a release whose one archive holds BINARY as demo."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    archives = {"demo_1.2.0_linux_amd64.tar.gz": {"demo": binary}}
    folder = release_folder(tmp_path / "release", archives)
    monkeypatch.chdir(project)
    try:
        return prebuilt.main([str(folder), "--tag", "1.2.0", "--no-version-check"])
    except SystemExit as stop:
        return stop.code


def test_dynamic_binary_judged_by_the_audit(tmp_path: Path, monkeypatch, capsys) -> None:
    dynamic = crafted.go_elf(interpreter="/lib64/ld-linux-x86-64.so.2")
    assert wrap_one(tmp_path, monkeypatch, dynamic) == 1
    said = capsys.readouterr().out
    assert "FAIL" in said and "[static]" in said and "this one is dynamic" in said
    assert not (tmp_path / "project" / "dist").exists()


def test_binary_without_build_information_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    """A packed binary (UPX) hides Go's build information, which the SBOM is made from."""
    assert wrap_one(tmp_path, monkeypatch, crafted.elf()) == 1
    assert "cannot read Go's build information from demo" in capsys.readouterr().err


def test_release_folder_is_not_the_output(tmp_path: Path, monkeypatch, capsys) -> None:
    """GoReleaser writes to dist/ by default, where the wheels go by default too."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    dist = goreleaser_dist(project / "dist", {"demo_linux_amd64_v1": ("Binary", LINUX_AMD64)})
    monkeypatch.chdir(project)
    with pytest.raises(SystemExit):
        prebuilt.main(["dist"])
    assert "name another output folder with --out" in capsys.readouterr().err
    assert sorted(path.name for path in dist.iterdir()) == [
        "artifacts.json",
        "demo_linux_amd64_v1",
        "metadata.json",
    ]
