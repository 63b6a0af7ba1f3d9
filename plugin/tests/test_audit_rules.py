"""hatch_go_binary.audit on small hand-made wheels and sdists: no Go, no network, no build.

Each rule has a passing case beside its failing one, so a check that never fires, or
always fires, shows up here. The real cross-built wheels are tested in the template's
tests/test_audit.py.
"""

from __future__ import annotations

import importlib.metadata
import io
import os
import shutil
import subprocess
import sys
import tarfile
import warnings
import zipfile
from pathlib import Path

import crafted
import pytest

import hatch_go_binary.audit as audit

SRC = Path(audit.__file__).resolve().parents[2]
X86_64 = "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"
SCRIPT = "demo-1.0.data/scripts/demo"


def checks(findings: list[audit.Finding]) -> list[str]:
    return sorted(finding.check for finding in findings)


def message(findings: list[audit.Finding], check: str) -> str:
    (found,) = [str(finding) for finding in findings if finding.check == check]
    return found


def audited(tmp_path: Path, platform: str = X86_64, scripts=None, **options) -> list:
    commands = options.pop("commands", None)
    return audit.audit_wheel(crafted.make_wheel(tmp_path, platform, scripts, **options), commands)


# --- platform tags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "os", "arch", "version", "libc"),
    [
        ("manylinux_2_17_x86_64", "linux", "x86_64", (2, 17), "glibc"),
        ("manylinux_2_28_riscv64", "linux", "riscv64", (2, 28), "glibc"),
        ("manylinux_2_31_ppc64le", "linux", "ppc64le", (2, 31), "glibc"),
        ("musllinux_1_2_armv7l", "linux", "armv7l", (1, 2), "musl"),
        ("musllinux_1_1_s390x", "linux", "s390x", (1, 1), "musl"),
        ("musllinux_1_2_i686", "linux", "i686", (1, 2), "musl"),
        ("manylinux2014_aarch64", "linux", "aarch64", (2, 17), "glibc"),
        ("manylinux2014_ppc64", "linux", "ppc64", (2, 17), "glibc"),
        ("manylinux2010_x86_64", "linux", "x86_64", (2, 12), "glibc"),
        ("manylinux1_i686", "linux", "i686", (2, 5), "glibc"),
        ("macosx_10_9_x86_64", "macos", "x86_64", (10, 9), None),
        ("macosx_10_13_universal2", "macos", "universal2", (10, 13), None),
        ("macosx_11_0_arm64", "macos", "arm64", (11, 0), None),
        ("macosx_15_0_arm64", "macos", "arm64", (15, 0), None),
        ("win32", "windows", "win32", None, None),
        ("win_amd64", "windows", "win_amd64", None, None),
        ("win_arm64", "windows", "win_arm64", None, None),
    ],
)
def test_tags_pypi_accepts_parse(tag, os, arch, version, libc) -> None:
    assert audit.parse_platform(tag) == audit.Platform(tag, os, arch, version, libc)
    _tags, platforms, findings = audit.check_filename(Path(f"demo-1.0-py3-none-{tag}.whl"))
    assert (findings, len(platforms)) == ([], 1)


@pytest.mark.parametrize(
    ("tag", "why"),
    [
        ("linux_x86_64", "plain linux_* tags"),
        ("linux_armv7l", "plain linux_* tags"),
        ("manylinux_2_17_ppc64", "for big-endian ppc64 PyPI takes only manylinux2014_ppc64"),
        ("musllinux_1_2_ppc64", "PyPI refuses musllinux arch 'ppc64'"),
        ("manylinux_2_36_loongarch64", "PyPI refuses manylinux arch 'loongarch64'"),
        ("musllinux_1_2_loongarch64", "PyPI refuses musllinux arch 'loongarch64'"),
        ("manylinux_2_17_sparc64", "arch 'sparc64'"),
        ("musllinux_1_2_mips", "arch 'mips'"),
        ("manylinux2014_riscv64", "manylinux2014 is defined only for"),
        ("manylinux1_aarch64", "manylinux1 is defined only for x86_64, i686"),
        ("manylinux2010_armv7l", "manylinux2010 is defined only for"),
        ("macosx_12_3_arm64", "use macosx_13_0_arm64"),
        ("macosx_11_1_x86_64", "from macOS 11 on the minor must be 0"),
        ("macosx_10_9_arm64", "arm64 Macs start at macOS 11"),
        ("macosx_9_0_x86_64", "macOS versions start at 10"),
        ("macosx_11_0_ppc", "arch 'ppc'"),
        ("macosx_10_9_intel", "arch 'intel'"),
        ("win_ia64", "PyPI accepts"),
        ("android_21_arm64_v8a", "PyPI accepts"),
    ],
)
def test_tags_pypi_or_installers_refuse_are_caught(tag: str, why: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        audit.parse_platform(tag)
    _tags, platforms, findings = audit.check_filename(Path(f"demo-1.0-py3-none-{tag}.whl"))
    assert (checks(findings), platforms) == (["platform-tag"], [])
    assert why in message(findings, "platform-tag")
    assert repr(tag) in message(findings, "platform-tag")


def test_one_wheel_for_two_systems_is_caught() -> None:
    one = Path("demo-1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl")
    two = Path("demo-1.0-py3-none-manylinux_2_17_x86_64.win_amd64.whl")
    assert audit.check_filename(one)[2] == []
    findings = audit.check_filename(two)[2]
    assert checks(findings) == ["platform-tag"]
    assert "one binary cannot serve manylinux_2_17_x86_64, win_amd64" in message(
        findings, "platform-tag"
    )


def test_a_name_that_is_no_wheel_name_is_caught() -> None:
    assert audit.check_filename(Path("demo-1.0-py3-none-win32.whl"))[2] == []
    findings = audit.check_filename(Path("demo-py3-none.whl"))[2]
    assert checks(findings) == ["filename"]


# --- ELF ----------------------------------------------------------------------------------------


def test_static_elf_for_the_tagged_cpu_passes(tmp_path: Path) -> None:
    assert audited(tmp_path) == []
    arm = crafted.elf(crafted.EM_AARCH64)
    assert audited(tmp_path, "manylinux_2_17_aarch64.musllinux_1_2_aarch64", {"demo": arm}) == []


def test_elf_for_another_cpu_is_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path, X86_64, {"demo": crafted.elf(crafted.EM_AARCH64)})
    assert checks(findings) == ["binary-arch"]
    text = message(findings, "binary-arch")
    assert f"{SCRIPT}: ELF is EM_AARCH64 64-bit little-endian" in text
    assert "manylinux_2_17_x86_64, musllinux_1_1_x86_64 need EM_X86_64" in text
    assert text.startswith(f"demo-1.0-py3-none-{X86_64}.whl: [binary-arch]")


@pytest.mark.parametrize(
    ("tag", "right", "wrong"),
    [
        # the same e_machine, told apart by byte order or class
        ("manylinux_2_17_ppc64le", (crafted.EM_PPC64, 64, True), (crafted.EM_PPC64, 64, False)),
        ("manylinux2014_ppc64", (crafted.EM_PPC64, 64, False), (crafted.EM_PPC64, 64, True)),
        ("manylinux_2_17_s390x", (crafted.EM_S390, 64, False), (crafted.EM_S390, 64, True)),
        ("musllinux_1_2_i686", (crafted.EM_386, 32, True), (crafted.EM_X86_64, 64, True)),
        ("musllinux_1_2_armv7l", (crafted.EM_ARM, 32, True), (crafted.EM_AARCH64, 64, True)),
        ("manylinux_2_31_riscv64", (crafted.EM_RISCV, 64, True), (crafted.EM_RISCV, 32, True)),
    ],
)
def test_elf_class_and_byte_order_count(tmp_path: Path, tag: str, right, wrong) -> None:
    assert audited(tmp_path / "right", tag, {"demo": crafted.elf(*right)}) == []
    findings = audited(tmp_path / "wrong", tag, {"demo": crafted.elf(*wrong)})
    assert checks(findings) == ["binary-arch"]


def test_dynamic_elf_under_a_musllinux_tag_is_caught(tmp_path: Path) -> None:
    dynamic = crafted.elf(interpreter="/lib64/ld-linux-x86-64.so.2")
    assert audited(tmp_path / "glibc", "manylinux_2_17_x86_64", {"demo": dynamic}) == []
    findings = audited(tmp_path / "musl", "musllinux_1_1_x86_64", {"demo": dynamic})
    assert checks(findings) == ["static"]
    text = message(findings, "static")
    assert "musllinux_1_1_x86_64 needs a static binary; this one is dynamic" in text
    assert "/lib64/ld-linux-x86-64.so.2" in text and "CGO_ENABLED=0" in text


def test_glibc_newer_than_the_manylinux_tag_is_caught(tmp_path: Path) -> None:
    binary = crafted.elf(interpreter="/lib64/ld-linux-x86-64.so.2", glibc=("2.2.5", "2.34"))
    assert audited(tmp_path / "ok", "manylinux_2_34_x86_64", {"demo": binary}) == []
    findings = audited(tmp_path / "old", "manylinux_2_17_x86_64", {"demo": binary})
    assert checks(findings) == ["glibc"]
    text = message(findings, "glibc")
    assert "needs GLIBC_2.34, but manylinux_2_17_x86_64 promises only glibc 2.17" in text
    assert "raise the tag to manylinux_2_34_x86_64" in text
    # two tags with the same promise give one finding that names both
    both = audited(tmp_path / "both", X86_64, {"demo": binary})
    assert checks(both) == ["glibc", "static"]
    assert "manylinux2014_x86_64, manylinux_2_17_x86_64 promise only glibc 2.17" in str(both)


def test_the_manylinux_tag_to_suggest() -> None:
    assert audit.manylinux_tag((2, 34), "x86_64") == "manylinux_2_34_x86_64"
    assert audit.manylinux_tag((2, 3, 4), "i686") == "manylinux_2_4_i686"  # 2.3 lacks 2.3.4
    assert audit.manylinux_tag((2, 17, 0), "aarch64") == "manylinux_2_17_aarch64"


def test_musl_binary_under_a_manylinux_tag_is_caught(tmp_path: Path) -> None:
    musl = crafted.elf(interpreter="/lib/ld-musl-x86_64.so.1")
    findings = audited(tmp_path, "manylinux_2_17_x86_64", {"demo": musl})
    assert checks(findings) == ["glibc"]
    assert "needs glibc; the binary loads /lib/ld-musl-x86_64.so.1" in message(findings, "glibc")


def test_unreadable_elf_is_reported_not_raised(tmp_path: Path) -> None:
    findings = audited(tmp_path, "manylinux_2_17_x86_64", {"demo": crafted.elf()[:20]})
    assert checks(findings) == ["binary-parse"]
    assert f"cannot read {SCRIPT} as ELF" in message(findings, "binary-parse")


# --- Mach-O -------------------------------------------------------------------------------------


def test_macho_minimum_above_the_tag_is_caught(tmp_path: Path) -> None:
    binary = crafted.macho(crafted.CPU_ARM64, minos=(13, 0))
    assert audited(tmp_path / "ok", "macosx_13_0_arm64", {"demo": binary}) == []
    findings = audited(tmp_path / "low", "macosx_11_0_arm64", {"demo": binary})
    assert checks(findings) == ["macos-version"]
    text = message(findings, "macos-version")
    assert "arm64 slice needs macOS 13.0 (LC_BUILD_VERSION minos)" in text
    assert "macosx_11_0_arm64 promises 11.0: tag it macosx_13_0_arm64" in text


def test_macho_legacy_minimum_counts_too(tmp_path: Path) -> None:
    binary = crafted.macho(crafted.CPU_X86_64, (10, 12), signed=False, legacy_version=True)
    assert audited(tmp_path / "ok", "macosx_10_12_x86_64", {"demo": binary}) == []
    findings = audited(tmp_path / "low", "macosx_10_9_x86_64", {"demo": binary})
    assert checks(findings) == ["macos-version"]
    assert "tag it macosx_10_12_x86_64" in message(findings, "macos-version")


def test_macho_without_a_minimum_is_caught(tmp_path: Path) -> None:
    binary = crafted.macho(crafted.CPU_X86_64, minos=None, signed=False)
    findings = audited(tmp_path, "macosx_10_9_x86_64", {"demo": binary})
    assert checks(findings) == ["macos-version"]
    assert "x86_64 slice has no LC_BUILD_VERSION" in message(findings, "macos-version")


def test_unsigned_arm64_is_caught_and_unsigned_x86_64_is_not(tmp_path: Path) -> None:
    intel = crafted.macho(crafted.CPU_X86_64, signed=False)
    assert audited(tmp_path / "intel", "macosx_11_0_x86_64", {"demo": intel}) == []
    unsigned = crafted.macho(crafted.CPU_ARM64, signed=False)
    findings = audited(tmp_path / "arm", "macosx_11_0_arm64", {"demo": unsigned})
    assert checks(findings) == ["codesign"]
    assert "arm64 slice has no LC_CODE_SIGNATURE" in message(findings, "codesign")


def test_macho_for_another_cpu_is_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path, "macosx_11_0_arm64", {"demo": crafted.macho(crafted.CPU_X86_64)})
    assert checks(findings) == ["binary-arch"]
    assert "Mach-O holds ['x86_64'], but macosx_11_0_arm64 needs ['arm64']" in message(
        findings, "binary-arch"
    )


def test_universal2_needs_both_slices(tmp_path: Path) -> None:
    intel, arm = crafted.macho(crafted.CPU_X86_64), crafted.macho(crafted.CPU_ARM64)
    both = crafted.fat((crafted.CPU_X86_64, intel), (crafted.CPU_ARM64, arm))
    assert audited(tmp_path / "both", "macosx_11_0_universal2", {"demo": both}) == []
    one = crafted.fat((crafted.CPU_ARM64, arm))
    findings = audited(tmp_path / "one", "macosx_11_0_universal2", {"demo": one})
    assert checks(findings) == ["binary-arch"]
    assert "needs ['arm64', 'x86_64']" in message(findings, "binary-arch")


def test_macho_for_ios_is_caught(tmp_path: Path) -> None:
    ios = crafted.macho(crafted.CPU_ARM64, platform=crafted.PLATFORM_IOS)
    findings = audited(tmp_path, "macosx_11_0_arm64", {"demo": ios})
    assert checks(findings) == ["binary-os"]
    assert "arm64 slice is built for iOS, not macOS" in message(findings, "binary-os")


# --- PE -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "machine"),
    [("win_amd64", crafted.PE_AMD64), ("win_arm64", crafted.PE_ARM64), ("win32", crafted.PE_I386)],
)
def test_pe_for_the_tagged_machine_passes(tmp_path: Path, tag: str, machine: int) -> None:
    assert audited(tmp_path, tag, {"demo.exe": crafted.pe(machine)}) == []


def test_pe_for_another_machine_is_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path, "win_arm64", {"demo.exe": crafted.pe(crafted.PE_AMD64)})
    assert checks(findings) == ["binary-arch"]
    text = message(findings, "binary-arch")
    assert "PE machine is IMAGE_FILE_MACHINE_AMD64, but win_arm64 needs" in text
    assert "IMAGE_FILE_MACHINE_ARM64: rebuild it for that machine or fix the tag" in text


def test_binary_for_another_os_is_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path / "win", "win_amd64", {"demo.exe": crafted.elf()})
    assert checks(findings) == ["binary-os"]
    assert f"{SCRIPT}.exe is ELF, but win_amd64 needs PE" in message(findings, "binary-os")
    findings = audited(tmp_path / "linux", "manylinux_2_17_x86_64", {"demo": crafted.pe()})
    assert checks(findings) == ["binary-os"]
    assert "is PE, but manylinux_2_17_x86_64 needs ELF" in message(findings, "binary-os")


# --- scripts, --command and .exe ----------------------------------------------------------------


def test_every_native_script_is_checked(tmp_path: Path) -> None:
    two = {"demo": crafted.elf(), "helper": crafted.elf()}
    assert audited(tmp_path / "ok", X86_64, two) == []
    two["helper"] = crafted.elf(crafted.EM_AARCH64)
    findings = audited(tmp_path / "bad", X86_64, two)
    assert checks(findings) == ["binary-arch"]
    assert "demo-1.0.data/scripts/helper: ELF is EM_AARCH64" in message(findings, "binary-arch")


def test_scripts_that_are_not_native_are_left_alone(tmp_path: Path) -> None:
    scripts = {"demo": crafted.elf(), "demo-setup": b"#!python\nprint('hi')\n"}
    assert audited(tmp_path, X86_64, scripts) == []


def test_a_platform_wheel_without_a_native_binary_is_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path / "text", X86_64, {"demo": b"#!/bin/sh\necho hi\n"})
    assert checks(findings) == ["scripts"]
    text = message(findings, "scripts")
    assert "holds no native executable (ELF, Mach-O or PE) under demo-1.0.data/scripts/" in text
    assert "found demo" in text
    empty = audited(tmp_path / "empty", "win_amd64", {})
    assert checks(empty) == ["scripts"]
    assert "found nothing" in message(empty, "scripts")


def test_a_pure_wheel_needs_no_binary_but_must_not_hide_one(tmp_path: Path) -> None:
    assert audited(tmp_path / "pure", "any", {}) == []
    findings = audited(tmp_path / "hidden", "any", {"demo": crafted.elf()})
    assert checks(findings) == ["platform-tag"]
    assert "is a native ELF binary, but the wheel is tagged any" in message(
        findings, "platform-tag"
    )


def test_command_names_a_script_that_must_be_there(tmp_path: Path) -> None:
    wheel = crafted.make_wheel(tmp_path, X86_64, {"demo": crafted.elf(), "demo-x": crafted.elf()})
    assert audit.audit_wheel(wheel, ["demo"]) == []
    assert audit.audit_wheel(wheel, ["demo", "demo-x"]) == []
    findings = audit.audit_wheel(wheel, ["demo", "other"])
    assert checks(findings) == ["scripts"]
    text = message(findings, "scripts")
    assert "no other under demo-1.0.data/scripts/ (--command other); found demo, demo-x" in text
    assert audit.audit_wheel(wheel, "other") == findings  # one name alone works too


def test_command_must_be_native_when_named(tmp_path: Path) -> None:
    scripts = {"demo": crafted.elf(), "tool": b"#!/bin/sh\n"}
    assert audited(tmp_path / "free", X86_64, scripts) == []
    findings = audited(tmp_path / "named", X86_64, scripts, commands=["tool"])
    assert checks(findings) == ["binary-os"]
    assert "scripts/tool is not ELF, Mach-O or PE, but" in message(findings, "binary-os")


def test_command_gets_exe_on_windows(tmp_path: Path) -> None:
    wheel = crafted.make_wheel(tmp_path, "win_amd64", {"demo.exe": crafted.pe()})
    assert audit.audit_wheel(wheel, ["demo"]) == []
    assert audit.audit_wheel(wheel, ["demo.exe"]) == []
    findings = audit.audit_wheel(wheel, ["tool"])
    assert checks(findings) == ["scripts"]
    assert "no tool.exe under" in message(findings, "scripts")


def test_windows_binary_without_exe_is_caught(tmp_path: Path) -> None:
    scripts = {"demo.exe": crafted.pe(), "helper.exe": crafted.pe()}
    assert audited(tmp_path / "ok", "win_amd64", scripts) == []  # a second command is fine
    findings = audited(tmp_path / "bare", "win_amd64", {"demo": crafted.pe()})
    assert checks(findings) == ["exe"]
    assert f"{SCRIPT} lacks .exe" in message(findings, "exe")
    assert "name it demo.exe" in message(findings, "exe")


def test_exe_outside_windows_is_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path, X86_64, {"demo": crafted.elf(), "demo.exe": crafted.elf()})
    assert checks(findings) == ["exe"]
    assert "a non-Windows wheel should hold no .exe" in message(findings, "exe")


def test_exe_that_is_no_binary_is_caught(tmp_path: Path) -> None:
    scripts = {"demo.exe": crafted.pe(), "readme.exe": b"not a program"}
    findings = audited(tmp_path, "win_amd64", scripts)
    assert checks(findings) == ["binary-os"]
    assert "readme.exe is not ELF, Mach-O or PE, but win_amd64 needs PE" in str(findings)


# --- modes and metadata -------------------------------------------------------------------------


def test_dropped_exec_bit_and_missing_file_type_are_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path / "exec", modes={SCRIPT: 0o100644})
    assert checks(findings) == ["entry-mode"]
    assert f"{SCRIPT}: zip mode 0o100644, needs 0o100755 so installers" in str(findings)
    metadata = "demo-1.0.dist-info/METADATA"
    findings = audited(tmp_path / "type", modes={metadata: 0o644})
    assert checks(findings) == ["entry-type"]
    assert f"{metadata}: zip mode 0o644 lacks the regular-file bit S_IFREG" in str(findings)


def test_wheel_file_that_disagrees_with_the_name_is_caught(tmp_path: Path) -> None:
    good = crafted.make_wheel(tmp_path / "good")
    renamed = tmp_path / good.name.replace("manylinux_2_17", "manylinux_2_28")
    renamed.write_bytes(good.read_bytes())
    findings = audit.audit_wheel(renamed)
    assert checks(findings) == ["metadata"]
    assert "WHEEL declares tags ['py3-none-manylinux_2_17_x86_64']" in message(findings, "metadata")


def test_record_that_disagrees_with_the_entries_is_caught(tmp_path: Path) -> None:
    contents = crafted.wheel_contents("demo", "1.0", ["py3-none-any"], {})
    contents["demo/extra.txt"] = b"not in RECORD"
    path = crafted.write_zip(tmp_path / "demo-1.0-py3-none-any.whl", contents)
    findings = audit.audit_wheel(path)
    assert checks(findings) == ["record"]
    assert "demo/extra.txt is not listed in RECORD" in message(findings, "record")


def test_summary_over_512_characters_is_caught(tmp_path: Path) -> None:
    assert audited(tmp_path / "fits", summary="x" * 512) == []
    findings = audited(tmp_path / "long", summary="x" * 513)
    assert checks(findings) == ["summary"]
    assert "METADATA Summary is 513 characters; PyPI refuses more than 512" in str(findings)
    findings = audited(tmp_path / "lines", summary="one\n two")
    assert checks(findings) == ["summary"]
    assert "spans several lines" in str(findings)


# --- zip rules ----------------------------------------------------------------------------------


def test_data_descriptors_are_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path, stream=True)
    assert set(checks(findings)) == set(["zip-data-descriptor"])
    assert f"{SCRIPT} has a data descriptor (flag bit 3" in str(findings)


def test_duplicate_entries_are_caught(tmp_path: Path) -> None:
    contents = crafted.wheel_contents("demo", "1.0", ["py3-none-any"], {})
    path = tmp_path / "demo-1.0-py3-none-any.whl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name"
        crafted.write_zip(path, contents, entries=[("demo-1.0.dist-info/WHEEL", b"again")])
    findings = audit.audit_wheel(path)
    assert "zip-duplicate" in checks(findings)
    assert "demo-1.0.dist-info/WHEEL appears 2 times" in message(findings, "zip-duplicate")


def test_each_copy_of_a_duplicated_script_is_audited_as_itself(tmp_path: Path) -> None:
    """The audit keeps inflated scripts for its several checks: by entry, not by name."""
    contents = crafted.wheel_contents(
        "demo", "1.0", ["py3-none-" + X86_64], {"demo": crafted.elf()}
    )
    path = tmp_path / f"demo-1.0-py3-none-{X86_64}.whl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns "Duplicate name"
        crafted.write_zip(path, contents, entries=[(SCRIPT, b"not a binary at all")])
    findings = audit.audit_wheel(path, ["demo"])  # named: both copies get the header checks
    assert "zip-duplicate" in checks(findings)
    assert "binary-os" in checks(findings)  # the second copy, read as the second copy


def test_zip_comments_are_caught(tmp_path: Path) -> None:
    findings = audited(tmp_path / "archive", comment=b"made by hand")
    assert checks(findings) == ["zip-comment"]
    assert "12-byte zip comment" in message(findings, "zip-comment")
    contents = crafted.wheel_contents("demo", "1.0", ["py3-none-any"], {})
    path = tmp_path / "demo-1.0-py3-none-any.whl"
    assert audit.audit_wheel(crafted.write_zip(path, contents)) == []
    notes = {"demo-1.0.dist-info/WHEEL": b"note"}
    findings = audit.audit_wheel(crafted.write_zip(path, contents, entry_comments=notes))
    assert checks(findings) == ["zip-comment"]
    assert "demo-1.0.dist-info/WHEEL has an entry comment" in message(findings, "zip-comment")


def test_trailing_data_is_caught(tmp_path: Path) -> None:
    path = crafted.make_wheel(tmp_path)
    with path.open("ab") as file:
        file.write(b"\0" * 10)
    findings = audit.audit_wheel(path)
    assert checks(findings) == ["zip-trailing-data"]
    assert "10 bytes follow the end-of-central-directory record" in str(findings)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_compression_other_than_deflate_is_caught(tmp_path: Path, method: int) -> None:
    assert audited(tmp_path / "stored", compression=zipfile.ZIP_STORED) == []
    findings = audited(tmp_path / "other", compression=method)
    assert set(checks(findings)) == set(["zip-compression"])
    assert f"{SCRIPT} uses compression method {method}" in str(findings)


def test_an_entry_no_installer_can_read_is_reported_not_raised(tmp_path: Path) -> None:
    path = crafted.make_wheel(tmp_path, compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    # compression method 99 (AE-x encryption) in every local and central header
    for signature, method_at in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(signature)
        while at >= 0:
            data[at + method_at : at + method_at + 2] = (99).to_bytes(2, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    findings = audit.audit_wheel(path)
    assert set(checks(findings)) == set(["zip", "zip-compression"])
    assert "cannot read the entries" in message(findings, "zip")


def test_a_utf8_name_passes(tmp_path: Path) -> None:
    assert audited(tmp_path, extra={"demo/café.txt": b"ok"}) == []


@pytest.mark.parametrize(
    ("char", "code"), [("\x07", "U+0007"), ("\x7f", "U+007F"), ("\x85", "U+0085")]
)
def test_names_with_control_characters_are_caught(tmp_path: Path, char: str, code: str) -> None:
    findings = audited(tmp_path, extra={f"demo/bell{char}.txt": b"ding"})
    assert checks(findings) == ["zip-name"]
    assert f"holds control characters {code}; rename the entry" in message(findings, "zip-name")


def test_a_name_flagged_utf8_that_is_not_is_caught(tmp_path: Path) -> None:
    path = crafted.make_wheel(tmp_path, extra={"demo/caf\u00e9X.txt": b"ok"})
    assert audit.audit_wheel(path) == []
    path.write_bytes(path.read_bytes().replace("\u00e9X".encode(), b"\xe9XX"))
    assert checks(audit.audit_wheel(path)) == ["zip"]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"caf\xe9_", "is not valid UTF-8"),  # Latin-1, as old zippers wrote
        ("café".encode(), "is UTF-8 without the zip UTF-8 flag (bit 11)"),
    ],
)
def test_names_that_are_not_flagged_utf8_are_caught(tmp_path: Path, raw: bytes, why: str) -> None:
    path = crafted.make_wheel(tmp_path, extra={"demo/cafXY.txt": b"ok"})
    assert audit.audit_wheel(path) == []
    # the same number of bytes, patched into the local and the central header alike
    path.write_bytes(path.read_bytes().replace(b"cafXY", raw))
    findings = audit.audit_wheel(path)
    assert "zip-name" in checks(findings)  # RECORD now lists a name the wheel lacks, too
    assert why in message(findings, "zip-name")


def test_files_over_the_upload_limit_are_caught(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wheel = crafted.make_wheel(tmp_path / "wheel")
    sdist = crafted.make_sdist(tmp_path / "sdist", pkg_info=crafted.pkg_info())
    assert audit.audit_wheel(wheel) == audit.audit_sdist(sdist) == []
    monkeypatch.setattr(audit.upload_rules, "MAX_UPLOAD_BYTES", 100)
    for findings in (audit.audit_wheel(wheel), audit.audit_sdist(sdist)):
        assert checks(findings) == ["file-size"]
        assert "PyPI refuses files over 0 MiB" in message(findings, "file-size")


def test_a_file_that_is_no_zip_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "demo-1.0-py3-none-any.whl"
    path.write_bytes(b"not a zip")
    assert checks(audit.audit_wheel(path)) == ["zip"]


# --- sdists -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["0.1.0+abc", "1.0+ubuntu.1"])
def test_a_local_version_is_caught_in_wheels_and_sdists(tmp_path: Path, version: str) -> None:
    wheel = crafted.make_wheel(tmp_path / "wheel", version=version)
    sdist = crafted.make_sdist(
        tmp_path / "sdist", version=version, pkg_info=crafted.pkg_info(version=version)
    )
    for findings, source in (
        (audit.audit_wheel(wheel), "METADATA"),
        (audit.audit_sdist(sdist), "PKG-INFO"),
    ):
        assert checks(findings) == ["version"]
        public, local = version.split("+")
        assert findings[0].message == (
            f"{source} Version {version} has a local part (+{local}), which PyPI refuses on "
            "upload (it is for builds that never leave their machine): release "
            f'version = "{public}" in [project] of pyproject.toml'
        )


def test_sdist_summary_is_checked(tmp_path: Path) -> None:
    ok = crafted.make_sdist(tmp_path / "ok", pkg_info=crafted.pkg_info(summary="x" * 512))
    assert audit.audit_sdist(ok) == []
    long = crafted.make_sdist(tmp_path / "long", pkg_info=crafted.pkg_info(summary="x" * 600))
    findings = audit.audit_sdist(long)
    assert checks(findings) == ["summary"]
    assert "PKG-INFO Summary is 600 characters" in message(findings, "summary")


def test_sdist_without_pkg_info_is_caught(tmp_path: Path) -> None:
    findings = audit.audit_sdist(crafted.make_sdist(tmp_path))
    assert checks(findings) == ["sdist"]
    assert "no demo-1.0/PKG-INFO" in message(findings, "sdist")


def test_sdist_that_is_no_tar_or_misnamed_is_caught(tmp_path: Path) -> None:
    broken = tmp_path / "demo-1.0.tar.gz"
    broken.write_bytes(b"not gzip")
    assert checks(audit.audit_sdist(broken)) == ["sdist"]
    misnamed = tmp_path / "demo.tar.gz"
    misnamed.write_bytes(b"")
    assert checks(audit.audit_sdist(misnamed)) == ["filename"]


# --- the command line and the cache -------------------------------------------------------------


def test_exit_status_says_whether_all_passed(tmp_path: Path, capsys) -> None:
    good = crafted.make_wheel(tmp_path / "good")
    bad = crafted.make_wheel(tmp_path / "bad", X86_64, {"demo": crafted.elf(crafted.EM_AARCH64)})
    assert audit.main([str(good)]) == 0
    assert f"{good.name}: ok" in capsys.readouterr().out
    assert audit.main([str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{good.name}: ok" in out and f"{bad.name}: FAIL" in out and "[binary-arch]" in out


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    for argv in ([], ["--no-such-option", str(tmp_path)]):
        with pytest.raises(SystemExit) as exit_:
            audit.main(argv)
        assert exit_.value.code == 2
    assert "usage: python -m hatch_go_binary.audit" in capsys.readouterr().err


def test_command_option_reaches_the_audit(tmp_path: Path, capsys) -> None:
    wheel = crafted.make_wheel(tmp_path)
    assert audit.main(["--command", "demo", str(wheel)]) == 0
    assert audit.main(["--command", "demo", "--command", "other", str(wheel)]) == 1
    assert "no other under demo-1.0.data/scripts/" in capsys.readouterr().out


def test_folders_globs_and_missing_paths(tmp_path: Path, capsys) -> None:
    wheel = crafted.make_wheel(tmp_path / "dist")
    sdist = crafted.make_sdist(tmp_path / "dist", pkg_info=crafted.pkg_info())
    assert audit.main([str(tmp_path / "dist")]) == 0
    out = capsys.readouterr().out
    assert f"{wheel.name}: ok" in out and f"{sdist.name}: ok" in out
    assert audit.main([str(tmp_path / "dist" / "*.whl")]) == 0
    assert sdist.name not in capsys.readouterr().out
    (tmp_path / "empty").mkdir()
    for missing, why in [("nowhere/*.whl", "does not exist"), ("empty", "holds no .whl")]:
        assert audit.main([str(tmp_path / missing)]) == 1
        assert why in capsys.readouterr().out
    other = tmp_path / "demo-1.0.zip"
    other.write_bytes(b"")
    assert audit.main([str(other)]) == 1
    assert "neither a wheel (.whl) nor an sdist (.tar.gz)" in capsys.readouterr().out


def test_the_cache_remembers_passes_only(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    good = crafted.make_wheel(tmp_path / "good")
    bad = crafted.make_wheel(tmp_path / "bad", modes={SCRIPT: 0o100644})
    remembered = "ok (passed this audit before)"
    assert audit.main(["--cache", str(cache), str(good)]) == 0
    assert remembered not in capsys.readouterr().out
    assert audit.main(["--cache", str(cache), str(good)]) == 0
    assert f"{good.name}: {remembered}" in capsys.readouterr().out
    # a failure is never remembered, and neither is a pass in a run that failed
    other = crafted.make_wheel(tmp_path / "other", "manylinux_2_28_x86_64")
    for _ in range(2):
        assert audit.main(["--cache", str(cache), str(bad), str(other)]) == 1
        out = capsys.readouterr().out
        assert f"{bad.name}: FAIL" in out and f"{other.name}: ok\n" in out
    # other options, or an edited audit (any of its modules), check everything again
    assert audit.main(["--cache", str(cache), "--command", "demo", str(good)]) == 0
    assert remembered not in capsys.readouterr().out
    edited = tmp_path / "audit"
    shutil.copytree(
        Path(audit.__file__).parent, edited, ignore=shutil.ignore_patterns("__pycache__")
    )
    module = edited / "upload_rules.py"
    module.write_text(module.read_text() + "\n# edited\n")
    monkeypatch.setattr(audit.cache, "__file__", str(edited / "cache.py"))
    assert audit.main(["--cache", str(cache), str(good)]) == 0
    assert remembered not in capsys.readouterr().out


def fake_dist_checks(monkeypatch: pytest.MonkeyPatch, findings: list) -> list[list[Path]]:
    """Stand-in dist checks that find FINDINGS; returns the file lists they were run on."""
    ran: list[list[Path]] = []

    class FakeDistChecks:
        def warm(self, modules=None) -> None:
            pass

        def run(self, files_of) -> list:
            ran.append(sorted({path for files in files_of.values() for path in files}))
            return list(findings)

        def close(self) -> None:
            pass

    monkeypatch.setattr(audit.runner, "DistChecks", FakeDistChecks)
    return ran


def test_the_cache_remembers_an_sdist_per_kind_of_audit(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An sdist's own audit (PKG-INFO, size, SBOM) is a real pass, remembered like a
    wheel's; a pass without the dist checks never stands for one with them."""
    ran = fake_dist_checks(monkeypatch, [])
    sdist = crafted.make_sdist(tmp_path, pkg_info=crafted.pkg_info())
    remembered = f"{sdist.name}: ok (passed this audit before)"
    plain = ["--cache", str(tmp_path / "cache"), str(sdist)]
    assert audit.main(plain) == 0
    assert remembered not in capsys.readouterr().out
    assert audit.main(plain) == 0
    assert remembered in capsys.readouterr().out
    assert ran == []
    argv = ["--dist-checks", *plain]
    assert audit.main(argv) == 0
    assert remembered not in capsys.readouterr().out
    assert ran == [[sdist]]
    assert audit.main(argv) == 0
    assert remembered in capsys.readouterr().out
    assert ran == [[sdist]]  # not checked again


def test_dist_check_failures_fail_the_run(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = audit.Finding("(dist checks)", "twine", "failed:\nbad")
    fake_dist_checks(monkeypatch, [failure])
    wheel = crafted.make_wheel(tmp_path)
    assert audit.main([str(wheel)]) == 0  # not asked for
    assert audit.main(["--dist-checks", "--cache", str(tmp_path / "cache"), str(wheel)]) == 1
    assert "(dist checks): [twine] failed:" in capsys.readouterr().out
    assert not (tmp_path / "cache").exists()


def test_dist_checks_say_how_to_install_a_missing_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit.dist_checks, "_tool", lambda module, executable: None)
    findings = audit.run_dist_checks([crafted.make_wheel(tmp_path)])
    assert checks(findings) == ["check-wheel-contents", "twine"]
    assert "pip install twine" in message(findings, "twine")


def test_missing_readers_are_named_with_their_install_command(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise audit.MissingDependencies(f"reading binary headers needs: {audit.INSTALL_HINT}")

    monkeypatch.setattr(audit.runner, "_readers", missing)
    assert audit.main([str(crafted.make_wheel(tmp_path))]) == 1
    assert 'pip install "hatch-go-binary[audit]"' in capsys.readouterr().err


def run_python(*argv: str) -> subprocess.CompletedProcess:
    """This Python with the plugin's source on its path, as a CI step would run it."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, env=env)


def test_python_dash_m_runs_the_audit(tmp_path: Path) -> None:
    good = crafted.make_wheel(tmp_path / "good")
    bad = crafted.make_wheel(tmp_path / "bad", "win_amd64", {"demo.exe": crafted.elf()})
    assert run_python("-m", "hatch_go_binary.audit", str(good)).returncode == 0
    done = run_python("-m", "hatch_go_binary.audit", str(bad))
    assert done.returncode == 1 and "[binary-os]" in done.stdout
    assert run_python("-m", "hatch_go_binary.audit").returncode == 2


BLOCK_READERS = """
import sys
for name in ("elftools", "macholib", "pefile"):
    sys.modules[name] = None  # import fails, as if not installed
import hatch_go_binary.audit as audit
assert audit.parse_platform("musllinux_1_2_aarch64").libc == "musl"
print(audit.main(sys.argv[1:]))
try:
    audit.audit_wheel(sys.argv[1])
except audit.MissingDependencies as error:
    print("raised:", error)
"""


def test_pure_parts_import_without_the_readers(tmp_path: Path) -> None:
    wheel = crafted.make_wheel(tmp_path)
    done = run_python("-c", BLOCK_READERS, str(wheel))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "1"  # main() said why instead of raising
    assert "hatch_go_binary.audit: reading binary headers needs pyelftools, macholib, pefile" in (
        done.stderr
    )
    assert "raised: reading binary headers needs" in done.stdout
    assert 'pip install "hatch-go-binary[audit]"' in done.stdout
    assert "Traceback" not in done.stderr


def test_the_module_holds_no_jinja_delimiters() -> None:
    """It is copied verbatim into the template, where Jinja would read these."""
    source = Path(audit.__file__).read_text()
    assert [pair for pair in ("{" + "{", "{" + "%", "{" + "#") if pair in source] == []


def test_dist_checks_run_both_tools_and_report_what_each_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both tools run (at once), each on the files it takes, and a failure carries its output."""
    script = "import sys; print(sys.argv[1], len(sys.argv) - 2, 'files'); sys.exit({code})"

    def tool(code: int):
        return lambda module, executable: [sys.executable, "-c", script.format(code=code), module]

    wheel = crafted.make_wheel(tmp_path)
    sdist = crafted.make_sdist(tmp_path, pkg_info=crafted.pkg_info())
    monkeypatch.setattr(audit.dist_checks, "_tool", tool(0))
    assert audit.run_dist_checks([wheel, sdist]) == []
    monkeypatch.setattr(audit.dist_checks, "_tool", tool(3))
    findings = audit.run_dist_checks([wheel, sdist])
    assert checks(findings) == ["check-wheel-contents", "twine"]
    outputs = {finding.check: finding.message for finding in findings}
    assert outputs["twine"] == "failed:\ntwine 5 files"  # --no-color check --strict, two files
    assert outputs["check-wheel-contents"] == "failed:\ncheck_wheel_contents 1 files"


def test_dist_checks_keep_the_tools_order_and_each_tools_output_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """twine first, whatever starts or ends first; its printed lines before its errors; a
    tool that cannot start is a finding, not a traceback."""
    twine = "import sys; print('checked'); print('the reason', file=sys.stderr); sys.exit(1)"
    argv = {"twine": [sys.executable, "-c", twine], "check_wheel_contents": [str(tmp_path)]}
    monkeypatch.setattr(audit.dist_checks, "_tool", lambda module, executable: argv[module])
    findings = audit.run_dist_checks([crafted.make_wheel(tmp_path)])
    assert [finding.check for finding in findings] == ["twine", "check-wheel-contents"]
    assert findings[0].message == "failed:\nchecked\nthe reason"
    assert findings[1].message.startswith("could not start: [Errno 13]")
    monkeypatch.setattr(audit.dist_checks, "_tool", lambda module, executable: None)
    assert [f.check for f in audit.run_dist_checks([tmp_path / "x.whl"])] == [
        "twine",
        "check-wheel-contents",
    ]


def fake_tool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preload: tuple) -> Path:
    """A tool package, faketool, in place of twine (check-wheel-contents left out): it
    prints its arguments and whether its warm process imported faketool.heavy first, and
    exits with $FAKE_TOOL_EXIT. Returns the file it touches when it runs."""
    package = tmp_path / "tools" / "faketool"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "heavy.py").write_text("")
    ran = tmp_path / "ran"
    (package / "__main__.py").write_text(
        "import os, pathlib, sys\n"
        f"pathlib.Path({str(ran)!r}).touch()\n"
        "print(sys.argv[1:], 'faketool.heavy' in sys.modules)\n"
        "sys.exit(int(os.environ.get('FAKE_TOOL_EXIT', '0')))\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "tools"))
    monkeypatch.setattr(
        audit.dist_checks, "TOOLS", (("faketool", "faketool", ("check", "--strict"), preload),)
    )
    monkeypatch.setattr(
        audit.dist_checks, "_tool", lambda module, executable: [sys.executable, "-m", module]
    )
    return ran


def test_warm_dist_checks_import_first_then_check_the_files_handed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tool(tmp_path, monkeypatch, ("faketool.heavy",))
    wheel = crafted.make_wheel(tmp_path)
    monkeypatch.setenv("FAKE_TOOL_EXIT", "3")
    checker = audit.DistChecks()
    checker.warm()
    checker.warm()  # once is enough: no second process
    (finding,) = checker.run({"faketool": [wheel]})
    assert finding.check == "faketool"
    assert finding.message == f"failed:\n['check', '--strict', {str(wheel)!r}] True"
    monkeypatch.setenv("FAKE_TOOL_EXIT", "0")
    checker = audit.DistChecks()
    checker.warm()
    assert checker.run({"faketool": [wheel]}) == []


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "started-at-the-end"])
def test_a_file_named_like_an_option_reaches_the_tool_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm: bool
) -> None:
    """str(Path("./-x.whl")) is "-x.whl", which a tool would take for an option."""
    fake_tool(tmp_path, monkeypatch, ())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FAKE_TOOL_EXIT", "1")  # to see what it was given
    checker = audit.DistChecks()
    if warm:
        checker.warm()
    (finding,) = checker.run({"faketool": [Path("./-x.whl"), tmp_path / "-y.whl"]})
    given = ["check", "--strict", os.path.join(os.curdir, "-x.whl"), str(tmp_path / "-y.whl")]
    assert finding.message == f"failed:\n{given} False"


def test_a_warm_tool_whose_preload_fails_still_runs_and_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_tool(tmp_path, monkeypatch, ("faketool.not_there", "faketool.heavy"))
    monkeypatch.setenv("FAKE_TOOL_EXIT", "1")
    checker = audit.DistChecks()
    checker.warm()
    (finding,) = checker.run({"faketool": [crafted.make_wheel(tmp_path)]})
    assert finding.message.endswith("] False")  # ran, without the preload after the failure


def test_warm_dist_checks_never_handed_files_stop_without_checking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = fake_tool(tmp_path, monkeypatch, ("faketool.heavy",))
    checker = audit.DistChecks()
    checker.warm()
    (process,) = checker._warm.values()
    checker.close()  # a build that failed
    assert process.poll() is not None
    checker = audit.DistChecks()
    checker.warm()
    (process,) = checker._warm.values()
    assert checker.run({"faketool": []}) == []  # nothing to check
    assert process.wait(timeout=30) in (0, -9)  # told to stop, or stopped
    assert not ran.exists()


def test_the_audit_warms_the_dist_checks_only_for_a_file_it_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that passed before needs no dist checks: nothing is started for it."""
    warmed = []
    monkeypatch.setattr(audit.DistChecks, "warm", lambda self, modules: warmed.append(modules))
    monkeypatch.setattr(audit.DistChecks, "run", lambda self, files_of: [])
    wheel = crafted.make_wheel(tmp_path)
    cache = tmp_path / "cache"
    run = audit.Audit(["demo"], True, cache)
    assert run.check(wheel)
    assert warmed and run.finish()
    warmed.clear()
    run = audit.Audit(["demo"], True, cache)
    assert run.check(wheel)
    assert not warmed and run.finish()


def test_metadata_digest_follows_what_twine_reads(tmp_path: Path) -> None:
    first = crafted.make_wheel(tmp_path / "a", extra={"demo/data.txt": b"one"})
    second = crafted.make_wheel(tmp_path / "b", extra={"demo/data.txt": b"two"})
    other_summary = crafted.make_wheel(tmp_path / "c", summary="Another tool.")
    assert first.read_bytes() != second.read_bytes()
    assert audit.cache.metadata_digest(first) == audit.cache.metadata_digest(second)
    assert audit.cache.metadata_digest(first) != audit.cache.metadata_digest(other_summary)
    sdist = crafted.make_sdist(tmp_path / "s", pkg_info=crafted.pkg_info())
    changed = crafted.make_sdist(tmp_path / "t", pkg_info=crafted.pkg_info(summary="Else."))
    assert audit.cache.metadata_digest(sdist) not in (None, audit.cache.metadata_digest(changed))
    broken = tmp_path / "demo-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    assert audit.cache.metadata_digest(broken) is None
    # what twine may read instead: another entry named like METADATA, another top folder
    decoy = crafted.make_wheel(tmp_path / "d", extra={"demo/METADATA.txt": b"Metadata-Version: 9"})
    assert audit.cache.metadata_digest(decoy) != audit.cache.metadata_digest(first)
    stray = crafted.make_sdist(tmp_path / "u", pkg_info=crafted.pkg_info())
    with tarfile.open(stray, "w:gz") as archive:  # the same PKG-INFO, a member beside its folder
        for name, data in (("demo-1.0/PKG-INFO", crafted.pkg_info().encode()), ("stray.txt", b"")):
            member = tarfile.TarInfo(name)
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    assert audit.cache.metadata_digest(stray) != audit.cache.metadata_digest(sdist)


def test_the_tools_identity_holds_what_they_import() -> None:
    """twine's verdict is also readme_renderer's and docutils': their versions count too."""
    versions = dict(line.rsplit(" ", 1) for line in audit.cache.installed_versions("pytest"))
    assert {"pytest", "pluggy", "packaging"} <= set(versions)
    assert versions["pluggy"] == importlib.metadata.version("pluggy")


def test_twine_check_runs_only_for_metadata_it_has_not_passed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rebuilt wheel with new bytes and the same metadata gets check-wheel-contents
    again, and no twine check; new metadata, or a run that failed, gets twine again."""
    runs: list[dict] = []
    verdicts: list[list] = []

    class RecordedDistChecks:
        def warm(self, modules=None) -> None:
            pass

        def run(self, files_of) -> list:
            runs.append({tool: [path.name for path in paths] for tool, paths in files_of.items()})
            return verdicts.pop(0) if verdicts else []

        def close(self) -> None:
            pass

    monkeypatch.setattr(audit.runner, "DistChecks", RecordedDistChecks)
    cache = tmp_path / "cache"

    def audit_run(wheel: Path) -> bool:
        run = audit.Audit(["demo"], True, cache)
        return run.check(wheel) and run.finish()

    name = "demo-1.0-py3-none-manylinux_2_17_x86_64.whl"
    assert audit_run(crafted.make_wheel(tmp_path / "1", extra={"demo/data.txt": b"1"}))
    assert runs.pop() == {"twine": [name], "check_wheel_contents": [name]}
    assert audit_run(crafted.make_wheel(tmp_path / "2", extra={"demo/data.txt": b"2"}))
    assert runs.pop() == {"twine": [], "check_wheel_contents": [name]}
    new_metadata = crafted.make_wheel(tmp_path / "3", summary="Changed.")
    verdicts.append([audit.Finding("(dist checks)", "twine", "failed:\nbad")])
    assert not audit_run(new_metadata)
    assert runs.pop()["twine"] == [name]
    assert audit_run(crafted.make_wheel(tmp_path / "4", summary="Changed.", extra={"x": b""}))
    assert runs.pop()["twine"] == [name]  # the failed run remembered nothing
