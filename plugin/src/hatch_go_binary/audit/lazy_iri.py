"""Import jsonschema without paying for rfc3987-syntax until an IRI is checked.

jsonschema's format module imports rfc3987-syntax when it is installed (the
json-validation extra of cyclonedx-python-lib brings it), and that import compiles
some forty lark grammars: about three seconds, paid by every audit that checks a
CycloneDX SBOM, though most SBOMs, ours among them, hold no field of an IRI format.
import_jsonschema() keeps rfc3987-syntax out of jsonschema's import and registers the
same two checks, with the same function, so that they import it on first use.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec

# JSON schema format -> the rfc3987-syntax rule that jsonschema checks it with
IRI_RULES = {"iri": "iri", "iri-reference": "iri_reference"}
IRI_DRAFTS = ("Draft7Validator", "Draft201909Validator", "Draft202012Validator")


def is_valid_iri(rule: str, instance: object) -> bool:
    """jsonschema's own IRI check, importing rfc3987-syntax the first time it runs. Where
    that import fails (lark missing), jsonschema would have had no IRI check: none here."""
    if not isinstance(instance, str):
        return True  # formats apply to strings only
    try:
        from rfc3987_syntax import is_valid_syntax
    except ImportError:
        return True
    return is_valid_syntax(rule, instance)


def _deferrable() -> bool:
    """Whether jsonschema would import rfc3987-syntax for its IRI checks: not when it is
    imported already, when rfc3987-syntax is absent, or when rfc3987 (which it prefers)
    is there."""
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return False
    return find_spec("rfc3987_syntax") is not None and find_spec("rfc3987") is None


def import_jsonschema() -> None:
    """Import jsonschema, with its IRI checks deferred where that changes nothing else."""
    if not _deferrable():
        import jsonschema

        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # its import now fails
    try:
        import jsonschema

        deferred = True
    except ImportError:
        deferred = False
    finally:
        del sys.modules["rfc3987_syntax"]
    if not deferred:
        # A jsonschema that needs the module outright: forget the half import, take the cost.
        for name in [name for name in sys.modules if name.split(".")[0] == "jsonschema"]:
            del sys.modules[name]
        import jsonschema

        return
    # jsonschema registers each check on every draft's checker and on FormatChecker itself,
    # which a FormatChecker() made later copies; so do these.
    registries = [
        getattr(getattr(jsonschema, draft, None), "FORMAT_CHECKER", None) for draft in IRI_DRAFTS
    ]
    for format_name, rule in IRI_RULES.items():

        def check(instance: object, rule: str = rule) -> bool:
            return is_valid_iri(rule, instance)

        for checker in registries:
            if checker is not None and format_name not in checker.checkers:
                checker.checks(format_name, raises=ValueError)(check)
        register_everywhere = getattr(jsonschema.FormatChecker, "_cls_checks", None)
        if register_everywhere and format_name not in jsonschema.FormatChecker.checkers:
            register_everywhere(format_name, raises=ValueError)(check)
