"""The translation catalogues, kept in step with the code.

Each module that says ``_ = texts.domain("<name>")`` writes its messages
into catalogue ``<name>``. Babel extracts every ``_("...")`` of those
modules; :func:`update` rewrites each ``autograder/locale/ko/LC_MESSAGES/<name>.po``
to hold exactly those message ids (translations kept, new ones empty, gone
ones dropped), and :func:`problems` lists what a reader would miss: a
message without its Korean, a translation whose ``{placeholders}`` differ,
an id that is no longer used, a ``_()`` of something other than a literal,
a ``_`` assigned to (which hides the catalogue's function).

    python -m autograder.authoring.messages [DOMAIN ...]           # update the catalogues
    python -m autograder.authoring.messages --check [DOMAIN ...]   # list problems (exit 1 if any)
"""

import ast
import datetime
import re
import sys
from pathlib import Path

from .. import texts

PACKAGE = Path(__file__).resolve().parents[1]
TRANSLATED = ("ko",)
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)  # the languages with catalogues (English is the code's own)
_DOMAIN = re.compile(r"""\bdomain\(\s*["']([a-z0-9_]+)["']\s*\)""")


def sources() -> dict:
    """``{domain: [module path, ...]}`` for every module of the kit that declares one."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.resolve() == Path(texts.__file__).resolve():
            continue
        names = set(_DOMAIN.findall(path.read_text(encoding="utf-8")))
        if len(names) > 1:
            raise ValueError(f"{path} declares several catalogues: {sorted(names)}")
        for name in names:
            found.setdefault(name, []).append(path)
    return found


def extract(paths) -> tuple:
    """``({msgid: ["file:line", ...]}, [problem, ...])`` for the ``_()`` calls of ``paths``."""
    from babel.messages.extract import extract_from_file

    ids, problems = {}, []
    for path in paths:
        found = list(extract_from_file("python", str(path), keywords={"_": None}, strip_comment_tags=True))
        for line, message, _, _ in found:
            where = f"{path.relative_to(PACKAGE.parent)}:{line}"
            message = message[0] if isinstance(message, tuple) else message
            if not isinstance(message, str) or not message:
                problems.append(f"{where}: _() needs one literal message (no f-string, no variable)")
                continue
            ids.setdefault(message, []).append(where)
        calls = _calls(path)
        if len(calls) != len(found):  # Babel does not look inside f-strings
            problems.append(f"{path.relative_to(PACKAGE.parent)}: {len(calls)} calls of _() but {len(found)} "
                            f"messages extracted: is a _() inside an f-string? (lines {calls[:12]})")
    return ids, problems


def _calls(path):
    """The lines of every ``_(...)`` call of a module."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    return sorted(node.lineno for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_")


def shadows(path) -> list:
    """Where a module assigns to ``_`` besides its ``_ = domain(...)``: inside a function that
    makes ``_`` a local name, and every ``_("...")`` there fails."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    allowed = {id(node.targets[0]) for node in tree.body if isinstance(node, ast.Assign)
               and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)}
    return [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: assigns to `_`, the catalogue's function "
            "(use another name)" for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
            and id(node) not in allowed]


def catalogue_path(name: str, lang: str) -> Path:
    return texts.LOCALE / lang / "LC_MESSAGES" / f"{name}.po"


def update(only=()) -> list:
    """Rewrite every catalogue (or those named in ``only``) to the code's messages; return the
    ids still untranslated."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    untranslated = []
    for name, paths in _chosen(only):
        ids, _ = extract(paths)
        for lang in TRANSLATED:
            path = catalogue_path(name, lang)
            known = texts.read_catalogue(path) if path.exists() else {}
            # fixed dates: the file changes only when its messages do
            catalogue = Catalog(locale=lang, domain=name, project="dl-from-scratch-kit", fuzzy=False,
                                creation_date=FIXED_DATE, revision_date=FIXED_DATE)
            for msgid, places in ids.items():
                catalogue.add(msgid, known.get(msgid, ""), locations=[tuple(p.rsplit(":", 1)) for p in places])
                if not known.get(msgid):
                    untranslated.append(f"{name} ({lang}): {msgid}")
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as handle:
                write_po(handle, catalogue, width=100, omit_header=False, include_lineno=False)
    return untranslated


def problems(only=()) -> list:
    """Every message a reader of a translated language would miss or misread."""
    found = []
    for name, paths in _chosen(only):
        ids, found_here = extract(paths)
        found += found_here + [problem for path in paths for problem in shadows(path)]
        for lang in TRANSLATED:
            path = catalogue_path(name, lang)
            known = texts.read_catalogue(path) if path.exists() else {}
            for msgid, places in ids.items():
                msgstr = known.get(msgid, "")
                if not msgstr:
                    found.append(f"{places[0]}: no {lang} translation in {path.name}: {msgid!r}")
                elif texts.placeholders(msgstr) != texts.placeholders(msgid):
                    found.append(f"{places[0]}: the {lang} translation's placeholders differ: {msgid!r}")
            found += [f"{path.name} ({lang}): no longer used: {msgid!r}" for msgid in known if msgid not in ids]
    return found


def _chosen(only):
    known = sources()
    unknown = set(only) - set(known)
    if unknown:
        raise SystemExit(f"no module declares the catalogue(s) {sorted(unknown)}; known: {sorted(known)}")
    return [(name, paths) for name, paths in known.items() if not only or name in only]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    only = [arg for arg in argv if not arg.startswith("-")]
    if "--check" in argv:
        listed = problems(only)
        print("\n".join(listed) or "every message has its translation")
        return 1 if listed else 0
    left = update(only)
    print(f"catalogues updated; {len(left)} messages to translate" + "".join(f"\n  {m}" for m in left[:50]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
