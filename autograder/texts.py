"""What students and staff read, in the course's language: Korean, English or both.

Every such sentence is written once, in English, as a gettext message id
with ``{name}`` placeholders, through the ``_`` of its catalogue (its
*domain*: one per week's suite, ``checks``, ``grading``, ``staff``)::

    _ = texts.domain("week01")
    raise Mistake(_("has shape {got}, expected {want}", got=array.shape, want=shape))

``_()`` returns a :class:`Text`. Nothing is translated until the text is
rendered in a language (:func:`render`), so a check need not know who will
read it; a placeholder's value may itself be a Text (a hint inside a
message), rendered in the same language. The first argument is one string
literal (Babel extracts it); literal braces are doubled, as for ``str.format``. The Korean of each domain is the
gettext catalogue ``autograder/locale/ko/LC_MESSAGES/<domain>.po``, read
with Babel; ``python -m autograder.authoring.messages`` brings the
catalogues up to date with the code, and the kit's tests fail on any
message without its translation.
"""

import functools
import string
from pathlib import Path

LANGUAGES = ("ko", "en", "both")
DEFAULT = "both"  # where neither the course table nor the command names one
LOCALE = Path(__file__).resolve().parent / "locale"


class Text:
    """A message id of ``domain`` with its placeholders' values, rendered when read.

    ``str()`` is the English (logs, exceptions); equal Texts render the same.
    """

    __slots__ = ("domain", "msgid", "params")

    def __init__(self, domain: str, msgid: str, params: dict):
        self.domain, self.msgid, self.params = domain, msgid, params

    def render(self, lang: str = "en") -> str:
        return render(self, lang)

    def _one(self, lang):
        template = translation(self.domain, lang).get(self.msgid) or self.msgid
        return template.format(**{name: value._one(lang) if isinstance(value, Text) else value
                                  for name, value in self.params.items()})

    def __str__(self):
        return self._one("en")

    def __repr__(self):
        return f"Text({self.domain!r}, {str(self)!r})"

    def __eq__(self, other):
        return isinstance(other, (Text, Joined)) and str(self) == str(other)

    def __hash__(self):
        return hash(str(self))


class Joined(Text):
    """Texts (or plain strings) joined by ``sep``, each rendered in the reader's language."""

    __slots__ = ("items", "sep")

    def __init__(self, items, sep: str):
        super().__init__("", "", {})
        self.items, self.sep = list(items), sep

    def _one(self, lang):
        return self.sep.join(_one(item, lang) for item in self.items)


class Explained:
    """An exception whose message is a Text (``exc.text``); ``str(exc)`` is its English. A plain
    string message is shown as it is (the student's own text, or code)."""

    def __init__(self, text):
        self.text = text if isinstance(text, Text) else verbatim(text)
        super().__init__(str(self.text))


def domain(name: str):
    """The ``_`` of catalogue ``name``: ``_(msgid, **params) -> Text``."""
    def _(msgid: str, **params) -> Text:
        return Text(name, msgid, params)
    _.domain = name
    return _


def verbatim(code: str) -> Text:
    """Text that reads the same in every language: code, such as ``sigmoid(0)``, never words."""
    return Text("", "{code}", {"code": code})


def render(value, lang: str) -> str:
    """``value`` (a Text or a plain string) as read in ``lang``: for ``"both"``, the Korean, then
    the English on the next line (once, where they read the same)."""
    lang = check_language(lang)
    if lang != "both":
        return _one(value, lang)
    korean, english = _one(value, "ko"), _one(value, "en")
    return korean if korean == english else f"{korean}\n{english}"


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"the language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def _one(value, lang):
    if isinstance(value, Text):
        return value._one(lang)
    return value if isinstance(value, str) else str(value)


@functools.lru_cache(maxsize=None)
def translation(name: str, lang: str) -> dict:
    """``{msgid: msgstr}`` of domain ``name`` in ``lang`` (English: the ids themselves)."""
    path = LOCALE / lang / "LC_MESSAGES" / f"{name}.po"
    if lang == "en" or not name or not path.exists():
        return {}
    return {msgid: msgstr for msgid, msgstr in read_catalogue(path).items() if msgstr}


def read_catalogue(path) -> dict:
    """``{msgid: msgstr}`` of a ``.po`` file (fuzzy entries count as untranslated)."""
    from babel.messages.pofile import read_po  # only where a translation is read

    with open(path, "rb") as handle:
        catalogue = read_po(handle)
    return {message.id: ("" if message.fuzzy else message.string)
            for message in catalogue if message.id and isinstance(message.id, str)}


def placeholders(template: str) -> set:
    """The ``{name}`` fields of a message (their names, without format specs)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}
