"""The plugin's audit (hatch_go_binary.audit), on real cross-built wheels and on deliberately broken copies.

Its unit tests on tiny hand-made binaries live in plugin/tests/test_audit_rules.py; these check that
it passes what the build hook really writes, and catches each mistake in a copy of it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import platform
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, uv_build

TARGETS = ("linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64")
SCRIPT = "my_go_tool-0.1.0.data/scripts/my-go-tool"
SBOM = "my_go_tool-0.1.0.dist-info/sboms/my-go-tool.cyclonedx.json"
LINUX_X86_64 = "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"
PLUGIN_SRC = ROOT / "plugin" / "src"


@pytest.fixture(scope="session")
def audit() -> ModuleType:
    """hatch_go_binary.audit from this checkout's plugin/src (not an installed copy)."""
    if str(PLUGIN_SRC) not in sys.path:
        sys.path.insert(0, str(PLUGIN_SRC))
    import hatch_go_binary.audit as module

    assert Path(module.__file__).is_relative_to(PLUGIN_SRC), f"imported {module.__file__}, not plugin/src"
    return module


def run_audit(src: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m hatch_go_binary.audit ARGS` with SRC (a folder holding hatch_go_binary) on its path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "hatch_go_binary.audit", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env)


@pytest.fixture(scope="session")
def built(default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One wheel per target, as the build hook writes them."""
    out = tmp_path_factory.mktemp("audit-wheels")
    return {target: uv_build(default_project, out / target.replace("/", "_"), target=target) for target in TARGETS}


@pytest.fixture(scope="session")
def sdist(default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return uv_build(default_project, tmp_path_factory.mktemp("audit-sdist"), "--sdist")


@pytest.fixture(scope="session")
def good(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The built wheels re-zipped by rewrite() with nothing changed: the base for every broken copy."""
    out = tmp_path_factory.mktemp("normalised")
    return {target: rewrite(wheel, out / target.replace("/", "_")) for target, wheel in built.items()}


def rewrite(
    wheel: Path,
    out: Path,
    *,
    platform_tag: str | None = None,
    retag_metadata: bool = True,
    replace: dict[str, bytes] | None = None,
    modes: dict[str, int] | None = None,
    remove: tuple[str, ...] = (),
    unrecorded: tuple[str, ...] = (),
    keep_sbom: bool = False,
) -> Path:
    """A copy of WHEEL, consistent as a hand-made wheel would be: new tags in the name and in WHEEL,
    entries replaced, added or REMOVEd, RECORD recomputed (without the UNRECORDED entries), and a
    replaced script given a new SBOM unless KEEP_SBOM. Modes are normalised unless MODES says otherwise."""
    replace, modes = replace or {}, modes or {}
    dist, version, python, abi, old_platform = wheel.name.removesuffix(".whl").split("-")
    platform_tag = platform_tag or old_platform
    with zipfile.ZipFile(wheel) as source:
        contents = {info.filename: source.read(info) for info in source.infolist() if info.filename not in remove}
    contents.update(replace)
    for name, data in replace.items():
        if "/scripts/" in name and not keep_sbom:
            contents.update(sbom_for_script(name, data))
    record = next(name for name in contents if name.endswith(".dist-info/RECORD"))
    wheel_file = record.replace("/RECORD", "/WHEEL")
    if retag_metadata:
        lines = [line for line in contents[wheel_file].decode().splitlines() if not line.startswith("Tag:")]
        lines += [f"Tag: {python}-{abi}-{tag}" for tag in platform_tag.split(".")]
        contents[wheel_file] = ("\n".join(lines) + "\n").encode()
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    for name, data in contents.items():
        if name != record and name not in unrecorded:
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([record, "", ""])
    contents[record] = rows.getvalue().encode()
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{dist}-{version}-{python}-{abi}-{platform_tag}.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for name in [*(n for n in contents if n != record), record]:
            info = zipfile.ZipInfo(name, date_time=(2020, 2, 2, 0, 0, 0))
            info.create_system = 3  # Unix, so installers read the mode
            info.external_attr = modes.get(name, 0o100755 if "/scripts/" in name else 0o100644) << 16
            copy.writestr(info, contents[name], zipfile.ZIP_DEFLATED)
    return target


def sbom_for_script(location: str, data: bytes) -> dict[str, bytes]:
    """{its .dist-info path: the SBOM the plugin would write} for a script put into a wheel by hand
    (one without Go build information gets the distribution and the binary only)."""
    if str(PLUGIN_SRC) not in sys.path:
        sys.path.insert(0, str(PLUGIN_SRC))
    from hatch_go_binary import buildinfo, sbom

    dist, version = location.split("/")[0].removesuffix(".data").split("-")
    command = location.rsplit("/", 1)[-1].removesuffix(".exe")
    try:
        info = buildinfo.read(data)
    except buildinfo.BuildInfoError:
        info = buildinfo.BuildInfo("go0", "", None, (), ())
    document = sbom.wheel_sbom(
        name=dist.replace("_", "-"),
        version=version,
        license_expression=None,
        location=location,
        data=data,
        info=info,
        target="(by hand)",
        toolchain=sbom.Toolchain(),
    )
    if info.go_version == "go0":  # no Go: keep the binary, drop the standard library
        parsed = json.loads(document)
        parsed["components"] = parsed["components"][:1]
        parsed["dependencies"][1]["dependsOn"] = []
        document = json.dumps(parsed, indent=2).encode()
    return {f"{dist}-{version}.dist-info/sboms/{sbom.file_name(command)}": document}


def script_of(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(name for name in archive.namelist() if "/scripts/" in name))


def checks(findings) -> list[str]:
    return sorted(finding.check for finding in findings)


def message(findings, check: str) -> str:
    (found,) = [str(finding) for finding in findings if finding.check == check]
    return found


# --- the real wheels ------------------------------------------------------------------------------


@pytest.mark.parametrize("target", TARGETS)
def test_real_wheels_pass(audit: ModuleType, built: dict[str, Path], good: dict[str, Path], target: str) -> None:
    # hatchling alone writes .dist-info entries without S_IFREG; the build hook re-zips the
    # wheel with regular-file modes, so nothing is tolerated here.
    assert [str(finding) for finding in audit.audit_wheel(built[target])] == []
    assert [str(finding) for finding in audit.audit_wheel(built[target], ["my-go-tool"])] == []
    assert [str(finding) for finding in audit.audit_wheel(good[target])] == []  # rewrite() adds nothing


def test_real_sdist_passes(audit: ModuleType, sdist: Path) -> None:
    assert [str(finding) for finding in audit.audit_sdist(sdist)] == []


def test_go_signs_darwin_arm64_and_the_tag_follows_its_minimum(audit: ModuleType, built: dict[str, Path]) -> None:
    """What the tags rest on: Go's linker signs arm64 ad hoc, and the tag is the binary's minimum
    macOS (12.0 from Go 1.25, 13.0 from Go 1.27: whichever Go built it)."""
    (arm64,) = audit.macho_slices(script_of(built["darwin/arm64"]))
    (x86_64,) = audit.macho_slices(script_of(built["darwin/amd64"]))
    assert (arm64.arch, arm64.signed, x86_64.arch) == ("arm64", True, "x86_64")
    assert arm64.minos == x86_64.minos and arm64.minos[0] >= 12 and arm64.minos[1] == 0
    assert built["darwin/arm64"].name.endswith(f"-macosx_{arm64.minos[0]}_0_arm64.whl")


def test_dist_checks_pass_the_real_wheels_and_sdist(audit: ModuleType, built: dict[str, Path], sdist: Path) -> None:
    assert [str(finding) for finding in audit.run_dist_checks([*built.values(), sdist])] == []


def test_dist_checks_say_how_to_install_a_missing_tool(
    audit: ModuleType, good: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit.dist_checks, "_tool", lambda module, executable: None)
    findings = audit.run_dist_checks([good["linux/amd64"]])
    assert checks(findings) == ["check-wheel-contents", "twine"]
    assert "pip install twine" in message(findings, "twine")
    assert "pip install check-wheel-contents" in message(findings, "check-wheel-contents")


def test_dist_checks_report_twines_failure_in_plain_text(
    audit: ModuleType, good: dict[str, Path], tmp_path: Path
) -> None:
    """twine colours its output (rich ignores NO_COLOR there) unless told --no-color."""
    wheel = good["linux/amd64"]
    metadata = "my_go_tool-0.1.0.dist-info/METADATA"
    with zipfile.ZipFile(wheel) as source:
        headers = source.read(metadata).decode().split("\n\n", 1)[0]
    kept = [line for line in headers.splitlines() if not line.startswith("Description-Content-Type:")]
    wrong = rewrite(wheel, tmp_path, replace={metadata: ("\n".join(kept) + "\n").encode()})
    findings = audit.run_dist_checks([wrong])
    assert checks(findings) == ["twine"]
    text = message(findings, "twine")
    assert "long_description" in text and "\x1b[" not in text


def test_command_line_passes_the_real_wheels_and_sdist(built: dict[str, Path], sdist: Path) -> None:
    """The audit's command line, as a release step runs it on every wheel and the sdist."""
    args = ["--command", "my-go-tool", "--dist-checks", *map(str, built.values()), str(sdist)]
    done = run_audit(PLUGIN_SRC, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": ok\n") == len(TARGETS) + 1  # the sdist is audited too now
    assert f"{sdist.name}: ok\n" in done.stdout


# --- mislabelled copies: each mistake is reported, by name ---------------------------------------


def test_retagged_arm64_wheel_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    wrong = rewrite(good["linux/arm64"], tmp_path, platform_tag=LINUX_X86_64)
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["binary-arch"]
    text = message(findings, "binary-arch")
    assert wrong.name in text
    assert "EM_AARCH64" in text and "need EM_X86_64" in text and "manylinux_2_17_x86_64" in text


def test_renamed_wheel_without_new_metadata_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    wrong = rewrite(good["linux/arm64"], tmp_path, platform_tag=LINUX_X86_64, retag_metadata=False)
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["binary-arch", "metadata"]
    assert "WHEEL declares tags" in message(findings, "metadata")


@pytest.mark.skipif(
    sys.platform != "linux" or platform.machine() != "x86_64", reason="needs this machine's /bin/ls to be x86_64 glibc"
)
def test_glibc_binary_newer_than_its_manylinux_tag_is_caught(
    audit: ModuleType, good: dict[str, Path], tmp_path: Path
) -> None:
    ls = Path("/bin/ls").read_bytes()
    wrong = rewrite(good["linux/amd64"], tmp_path, platform_tag="manylinux_2_17_x86_64", replace={SCRIPT: ls})
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["glibc"]
    text = message(findings, "glibc")
    assert "needs GLIBC_2." in text and "manylinux_2_17_x86_64 promises only glibc 2.17" in text
    # under the build hook's usual tags, the musllinux one wants it static as well
    both = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path / "all", replace={SCRIPT: ls}))
    assert checks(both) == ["glibc", "static"]
    assert "musllinux_1_1_x86_64 needs a static binary" in message(both, "static")


def test_macos_tag_older_than_the_binary_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    wrong = rewrite(good["darwin/amd64"], tmp_path, platform_tag="macosx_10_9_x86_64")
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["macos-version"]
    (slice_,) = audit.macho_slices(script_of(good["darwin/amd64"]))
    assert f"needs macOS {slice_.minos[0]}.0" in message(findings, "macos-version")
    assert "macosx_10_9_x86_64 promises 10.9" in message(findings, "macos-version")


def test_unsigned_arm64_binary_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    unsigned = without_code_signature(script_of(good["darwin/arm64"]))
    wrong = rewrite(good["darwin/arm64"], tmp_path, replace={SCRIPT: unsigned})
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["codesign"]
    assert "LC_CODE_SIGNATURE" in message(findings, "codesign")


def test_every_windows_binary_needs_exe_and_each_command_must_be_there(
    audit: ModuleType, good: dict[str, Path], tmp_path: Path
) -> None:
    """A wheel may carry several commands (each checked against the tags); --command names those it must."""
    scripts, binary = "my_go_tool-0.1.0.data/scripts", script_of(good["windows/amd64"])
    second = rewrite(good["windows/amd64"], tmp_path / "second", replace={f"{scripts}/helper.exe": binary})
    assert [str(finding) for finding in audit.audit_wheel(second, ["my-go-tool", "helper"])] == []
    bare = rewrite(good["windows/amd64"], tmp_path / "bare", replace={f"{scripts}/helper": binary})
    findings = audit.audit_wheel(bare)
    assert checks(findings) == ["exe"]
    assert f"{scripts}/helper lacks .exe" in message(findings, "exe")
    missing = audit.audit_wheel(good["windows/amd64"], ["my-go-tool", "helper"])
    assert checks(missing) == ["scripts"]
    assert f"no helper.exe under {scripts}/ (--command helper); found my-go-tool.exe" in message(missing, "scripts")


def test_entry_without_regular_file_type_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    """What hatchling alone writes for .dist-info entries: 0o644 with no S_IFREG."""
    metadata = "my_go_tool-0.1.0.dist-info/METADATA"
    findings = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path, modes={metadata: 0o644}))
    assert checks(findings) == ["entry-type"]
    assert f"{metadata}: zip mode 0o644 lacks the regular-file bit S_IFREG" in message(findings, "entry-type")


def test_dropped_exec_bit_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    wrong = rewrite(good["linux/amd64"], tmp_path, modes={SCRIPT: 0o100644})
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["entry-mode"]
    assert f"{SCRIPT}: zip mode 0o100644, needs 0o100755" in message(findings, "entry-mode")


def test_binary_for_another_os_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    elf = script_of(good["linux/amd64"])
    wrong = rewrite(good["windows/amd64"], tmp_path, replace={SCRIPT + ".exe": elf})
    findings = audit.audit_wheel(wrong)
    assert checks(findings) == ["binary-os"]
    assert "is ELF, but win_amd64 needs PE" in message(findings, "binary-os")


def test_command_line_lists_every_problem(audit: ModuleType, good: dict[str, Path], tmp_path: Path, capsys) -> None:
    wrong = rewrite(good["linux/arm64"], tmp_path, platform_tag=LINUX_X86_64, modes={SCRIPT: 0o100600})
    assert audit.main([str(good["linux/amd64"]), str(wrong)]) == 1
    out = capsys.readouterr().out
    assert f"{good['linux/amd64'].name}: ok" in out
    assert f"{wrong.name}: FAIL" in out
    assert "[binary-arch]" in out and "[entry-mode]" in out


# --- SBOMs (PEP 770): missing, unlisted, or not about the binary they sit beside -------------------


def sbom_of(wheel: Path) -> dict:
    with zipfile.ZipFile(wheel) as archive:
        return json.loads(archive.read(SBOM))


@pytest.mark.parametrize("target", TARGETS)
def test_each_real_wheels_sbom_is_valid_cyclonedx(audit: ModuleType, built: dict[str, Path], target: str) -> None:
    with zipfile.ZipFile(built[target]) as archive:
        document, problems = audit.sbom_problems(archive.read(SBOM).decode())
    assert (problems, document is not None) == ([], True)
    assert audit.sbom_schema._cyclonedx() is not None, "the tests install cyclonedx-python-lib[json-validation]"


def test_a_wheel_without_an_sbom_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    findings = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path, remove=(SBOM,)))
    assert checks(findings) == ["sbom"]
    text = message(findings, "sbom")
    assert f"no CycloneDX SBOM in my_go_tool-0.1.0.dist-info/sboms/ describes {SCRIPT} (PEP 770)" in text
    assert "rebuild the wheel with hatch-go-binary (python -m hatch_go_binary build)" in text


def test_an_sbom_left_out_of_record_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    findings = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path, unrecorded=(SBOM,)))
    assert checks(findings) == ["record", "sbom"]
    assert f"{SBOM} is not listed in RECORD" in message(findings, "sbom")


def test_a_tampered_binary_no_longer_matches_its_sbom(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    """Same CPU, same tags, other bytes: only the SBOM tells."""
    tampered = script_of(good["linux/amd64"]).replace(b"my-go-tool", b"tampered!!")
    findings = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path, replace={SCRIPT: tampered}, keep_sbom=True))
    assert checks(findings) == ["sbom"]
    assert "the SBOM describes another binary" in message(findings, "sbom")


def test_an_sbom_from_another_targets_wheel_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(good["linux/arm64"]) as archive:
        other = archive.read(SBOM)
    findings = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path, replace={SBOM: other}))
    assert checks(findings) == ["sbom"]
    assert f"gives {SCRIPT} the SHA-256" in message(findings, "sbom")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            lambda doc: (
                doc["components"].append(
                    {
                        "type": "library",
                        "bom-ref": "pkg:golang/example.com/x@v1.0.0",
                        "name": "example.com/x",
                        "version": "v1.0.0",
                        "purl": "pkg:golang/example.com/x@v1.0.0",
                    }
                )
                or doc["dependencies"][1]["dependsOn"].append("pkg:golang/example.com/x@v1.0.0")
            ),
            "lists modules the binary does not hold: example.com/x@v1.0.0",
            id="a-module-it-does-not-link",
        ),
        pytest.param(
            lambda doc: doc["dependencies"][1]["dependsOn"].remove("pkg:golang/github.com/your-github-user/my-go-tool"),
            "lacks modules the binary holds: github.com/your-github-user/my-go-tool@(devel)",
            id="the-main-module-left-out",
        ),
        pytest.param(
            lambda doc: [c.update(version="go1.20.0") for c in doc["components"] if c["name"] == "stdlib"],
            "names the Go standard library go1.20.0, but the binary was linked by go1.",
            id="another-go-release",
        ),
    ],
)
def test_an_sbom_whose_modules_differ_from_the_binarys_is_caught(
    audit: ModuleType, good: dict[str, Path], tmp_path: Path, edit, expected: str
) -> None:
    document = sbom_of(good["linux/amd64"])
    edit(document)
    changed = json.dumps(document, indent=2).encode()
    findings = audit.audit_wheel(rewrite(good["linux/amd64"], tmp_path, replace={SBOM: changed}))
    assert checks(findings) == ["sbom"]
    assert f"{SBOM} does not match the build information in {SCRIPT}" in message(findings, "sbom")
    assert expected in message(findings, "sbom")


def test_an_sbom_against_the_schema_is_caught(audit: ModuleType, good: dict[str, Path], tmp_path: Path) -> None:
    document = sbom_of(good["windows/amd64"])
    document["components"][0]["type"] = "executable"
    changed = json.dumps(document).encode()
    findings = audit.audit_wheel(rewrite(good["windows/amd64"], tmp_path, replace={SBOM: changed}))
    assert checks(findings) == ["sbom", "sbom"]  # invalid, so nothing describes the binary
    text = "\n".join(str(finding) for finding in findings)
    assert f"{SBOM} is not valid CycloneDX: $.components[0].type: 'executable' is not one of" in text


def audit_with_cache(src: Path, cache: Path, *files: Path) -> subprocess.CompletedProcess[str]:
    return run_audit(src, "--dist-checks", "--cache", str(cache), *map(str, files))


def test_the_cache_skips_only_files_that_passed_this_same_audit(
    good: dict[str, Path], sdist: Path, tmp_path: Path
) -> None:
    src, cache, wheel = PLUGIN_SRC, tmp_path / "cache", good["linux/amd64"]
    first = audit_with_cache(src, cache, wheel, sdist)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "passed this audit before" not in first.stdout
    again = audit_with_cache(src, cache, wheel, sdist)
    assert f"{wheel.name}: ok (passed this audit before)" in again.stdout
    assert f"{sdist.name}: ok (passed this audit before)" in again.stdout
    # a failure is never remembered, and neither is a pass in a run that failed
    wrong = rewrite(wheel, tmp_path / "wrong", modes={SCRIPT: 0o100644})
    other = good["linux/arm64"]
    for _ in range(2):
        failed = audit_with_cache(src, cache, wrong, other)
        assert failed.returncode == 1
        assert f"{wrong.name}: FAIL" in failed.stdout and f"{other.name}: ok\n" in failed.stdout
    # another audit (here: one of its modules edited) checks everything again
    edited = tmp_path / "edited"
    shutil.copytree(src / "hatch_go_binary", edited / "hatch_go_binary", ignore=shutil.ignore_patterns("__pycache__"))
    module = edited / "hatch_go_binary" / "audit" / "upload_rules.py"
    module.write_text(module.read_text() + "\n# edited\n")
    assert "passed this audit before" not in audit_with_cache(edited, cache, wheel).stdout


@pytest.mark.parametrize(
    ("tag", "why"),
    [
        ("linux_x86_64", "plain linux_* tags"),
        ("manylinux_2_17_sparc64", "arch 'sparc64'"),
        ("manylinux_2_17_ppc64", "for big-endian ppc64 PyPI takes only manylinux2014_ppc64"),
        ("musllinux_1_2_loongarch64", "arch 'loongarch64'"),
        ("manylinux2014_riscv64", "manylinux2014 is defined only for"),
        ("musllinux_1_2_mips", "arch 'mips'"),
        ("macosx_12_3_arm64", "use macosx_13_0_arm64"),
        ("macosx_10_9_arm64", "arm64 Macs start at macOS 11"),
        ("macosx_11_0_ppc", "arch 'ppc'"),
        ("win_ia64", "PyPI accepts"),
        ("macosx_11_1_arm64", "from macOS 11 on the minor must be 0"),
    ],
)
def test_tags_pypi_or_installers_refuse_are_caught(audit: ModuleType, tag: str, why: str) -> None:
    _tags, _platforms, findings = audit.check_filename(Path(f"my_go_tool-0.1.0-py3-none-{tag}.whl"))
    assert checks(findings) == ["platform-tag"]
    assert why in message(findings, "platform-tag")


@pytest.mark.parametrize(
    "tag",
    [
        "manylinux_2_28_riscv64",
        "manylinux_2_31_riscv64",  # what the plugin tags riscv64 wheels with, beside:
        "musllinux_1_1_riscv64",
        "musllinux_1_2_armv7l",
        "manylinux1_i686",
        "manylinux2014_ppc64",
        "macosx_10_13_universal2",
        "win32",
        "win_arm64",
    ],
)
def test_tags_pypi_accepts_pass(audit: ModuleType, tag: str) -> None:
    _tags, platforms, findings = audit.check_filename(Path(f"my_go_tool-0.1.0-py3-none-{tag}.whl"))
    assert (findings, len(platforms)) == ([], 1)


def without_code_signature(binary: bytes) -> bytes:
    """The thin 64-bit Mach-O with its LC_CODE_SIGNATURE turned into an LC_DATA_IN_CODE of the same shape."""
    lc_code_signature, lc_data_in_code = 0x1D, 0x29
    magic, _cpu, _sub, _type, ncmds = struct.unpack_from("<IiiII", binary)
    assert magic == 0xFEEDFACF
    patched, offset = bytearray(binary), 32  # sizeof(mach_header_64)
    for _ in range(ncmds):
        command, size = struct.unpack_from("<II", patched, offset)
        if command == lc_code_signature:
            struct.pack_into("<I", patched, offset, lc_data_in_code)
        offset += size
    assert patched != binary
    return bytes(patched)
