"""`python -m hatch_go_binary COMMAND ...`: build, audit, requirements, the release gate, upload."""

import sys

USAGE = """\
usage: python -m hatch_go_binary COMMAND [ARGS]

commands:
  build   build the sdist and one audited wheel per target into dist/ (--help for more)
  shards  say how many CI jobs share the targets, and which builds which (--json)
  gather  merge the output folders of `build --shard I/N` into one build (--out dist),
          check that every target arrived once from one source, write SHA256SUMS
  audit   check wheels' tags against their binaries, and PyPI's upload rules
  requirements
          print what `build` needs installed besides hatchling, one per line
  verify  check that dist/ is the one build dist-record/BUILD.json records, of
          pyproject.toml's version (--strict: of HEAD and --tag, with nothing
          uncommitted, Go's default settings and every target)
  checksums
          write dist-record/SHA256SUMS for the verified dist/ (--check: verify dist/ by it)
  sboms   copy the wheels' and the sdist's SBOMs to dist-record/sboms/
  wrap    the binaries of a release already made (GoReleaser's dist/, or the release's
          archives and checksums.txt with --tag) as audited wheels in dist/, unrebuilt
  upload  twine check dist/, then twine upload what the index lacks, refusing files it
          holds with other bytes (--index-url, --attestations; other options go to twine)
"""


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command == "build":
        from hatch_go_binary.matrix import main as build

        return build(rest)
    if command == "requirements":
        from hatch_go_binary.matrix import requirements

        return requirements(rest)
    if command in ("verify", "checksums", "sboms"):
        from hatch_go_binary.release import main as release

        return release(command, rest)
    if command in ("shards", "gather"):
        from hatch_go_binary.shards import main as shards

        return shards(command, rest)
    if command == "wrap":
        from hatch_go_binary.prebuilt import main as wrap

        return wrap(rest)
    if command == "upload":
        from hatch_go_binary.upload import main as upload

        return upload(rest)
    if command == "audit":
        from hatch_go_binary.audit import main as audit

        return audit(rest)
    print(
        f"python -m hatch_go_binary: unknown command {command!r}\n\n{USAGE}",
        end="",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main())
