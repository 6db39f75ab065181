"""Translation checks: text a template shows that no translate tag wraps, the messages an
app's sources mark for translation, and the state of its .po and .mo files.

``untranslated_text(path)`` reads a Django template with Django's own lexer. The text
between tags, and the attributes people read (title, alt, placeholder, aria-label, ...,
the label of a submit input), must sit inside ``{% translate %}`` or
``{% blocktranslate %}``; whitespace, punctuation, symbols, numbers, entities, template
variables and tags, and a few names that are never translated ("Pourparler", file
formats) do not count. Text inside <script>, <style>, <code>, <kbd>, <samp> and <pre>
is code, not prose, and is left alone, as are comments.

``source_messages(app_dir)`` lists the (context, msgid) pairs that ``makemessages``
would extract from an app: the gettext calls of its Python files (read with ast) and
the translate tags of its templates (read with Django's templatize).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

# Attributes whose values a person reads or hears (a screen reader speaks aria-*).
READ_ATTRIBUTES = frozenset(
    {
        "title",
        "alt",
        "placeholder",
        "aria-label",
        "aria-description",
        "aria-roledescription",
        "aria-placeholder",
        "aria-valuetext",
        "label",
        "hx-confirm",
        "hx-prompt",
        "data-confirm",
    }
)
# <input type=...> whose value is the button's label.
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
# Elements whose text is code or machinery, never prose.
CODE_ELEMENTS = frozenset({"script", "style", "code", "kbd", "samp", "pre"})
# Words that stay as they are in every language: the product and file formats.
KEPT_WORDS = (
    "Pourparler",
    "GeoJSON",
    "JSON",
    "XLSX",
    "CSV",
    "HXL",
    "PDF",
    "PNG",
    "SVG",
)
_KEPT = re.compile(r"\b(?:" + "|".join(KEPT_WORDS) + r")\b")
_SPACE = re.compile(r"\s+")
# Template tags whose content is not shown: comments, and code kept as it is.
_HIDDEN_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim"}
_TRANSLATED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
# Literal text a filter may print: {{ x|default:"None yet" }}.
_PRINTING_FILTER = re.compile(
    r"\|(?:default|default_if_none|yesno):\"([^\"]*)\"|\|(?:default|default_if_none|yesno):'([^']*)'"
)


def is_human_text(text: str) -> bool:
    """True if the text has a letter left once the kept words are taken out."""
    return any(ch.isalpha() for ch in _KEPT.sub("", text))


def _skeleton(source: str) -> tuple[str, list[tuple[int, str]]]:
    """The template as HTML with every tag and variable replaced by a space and the
    translated or hidden blocks replaced by their line breaks (so line numbers hold);
    plus the literal text that variables' filters print, with its line."""
    parts: list[str] = []
    printed: list[tuple[int, str]] = []
    closing: str | None = None  # inside a translated or hidden block until this tag
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            parts.append("\n" * token.contents.count("\n") + " ")
            continue
        if token.token_type == TokenType.TEXT:
            parts.append(token.contents)
            continue
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            closing = _TRANSLATED_BLOCKS.get(name) or _HIDDEN_BLOCKS.get(name)
        elif token.token_type == TokenType.VAR:
            for match in _PRINTING_FILTER.finditer(token.contents):
                literal = match.group(1) if match.group(1) is not None else match.group(2)
                if is_human_text(literal):
                    printed.append((token.lineno or 0, literal))
        parts.append(" ")
    return "".join(parts), printed


@dataclass
class _Finding:
    line: int
    text: str


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[_Finding] = []
        self.code_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_attributes(tag, attrs)
        if tag in CODE_ELEMENTS:
            self.code_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._check_attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in CODE_ELEMENTS and self.code_depth:
            self.code_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.code_depth:
            return
        line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
        self._add(line, data)

    def _check_attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.strip(): value or "" for name, value in attrs}
        for name, value in values.items():
            shown = name in READ_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type", "") in BUTTON_INPUTS
            )
            if shown:
                self._add(self.getpos()[0], value, attribute=name)

    def _add(self, line: int, text: str, attribute: str = "") -> None:
        text = _SPACE.sub(" ", text).strip()
        if is_human_text(text):
            self.findings.append(_Finding(line, f"{attribute}={text}" if attribute else text))


def untranslated_text(path: str | Path) -> list[str]:
    """The text of a template that no translate tag wraps, as "line N: text" strings."""
    source = Path(path).read_text(encoding="utf-8")
    skeleton, printed = _skeleton(source)
    collector = _TextCollector()
    collector.feed(skeleton)
    collector.close()
    found = [(f.line, f.text) for f in collector.findings]
    found += [(line, f'filter argument "{text}"') for line, text in printed]
    return [f"line {line}: {text}" for line, text in sorted(found)]


# --- what makemessages would extract ---------------------------------------------------

Message = tuple[str, str]  # (msgctxt or "", msgid)

# Django's makemessages keywords: name -> (context argument, msgid argument) positions.
_PY_KEYWORDS: dict[str, tuple[int | None, int]] = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}
# templatize writes each message as a Python literal: u'...' or, with a quote inside, u"...".
_LITERAL = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATIZED_CALL = re.compile(rf"\b(n?p?gettext)\(((?:\s*{_LITERAL}\s*,?)+)", re.DOTALL)


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_messages(source: str) -> set[Message]:
    """The messages a Python file marks with gettext and friends."""
    found: set[Message] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else ""
        )
        if name not in _PY_KEYWORDS:
            continue
        context_at, msgid_at = _PY_KEYWORDS[name]
        if len(node.args) <= msgid_at:
            continue
        msgid = _string(node.args[msgid_at])
        context = _string(node.args[context_at]) if context_at is not None else ""
        if msgid is not None and context is not None:
            found.add((context, msgid))
    return found


def template_messages(source: str) -> set[Message]:
    """The messages a template marks with translate and blocktranslate."""
    found: set[Message] = set()
    for match in _TEMPLATIZED_CALL.finditer(templatize(source)):
        arguments = ast.literal_eval("(" + match.group(2).strip().rstrip(",") + ",)")
        if match.group(1) in {"pgettext", "npgettext"}:
            found.add((arguments[0], arguments[1]))
        else:
            found.add(("", arguments[0]))
    return found


def source_messages(app_dir: str | Path) -> set[Message]:
    """Every message an app marks for translation (its Python files and templates)."""
    found: set[Message] = set()
    for path in sorted(Path(app_dir).rglob("*")):
        if any(part.startswith(".") or part == "__pycache__" for part in path.parts):
            continue
        if path.suffix == ".py":
            found |= python_messages(path.read_text(encoding="utf-8"))
        elif path.suffix in {".html", ".txt"}:
            found |= template_messages(path.read_text(encoding="utf-8"))
    return found


# --- the message files ------------------------------------------------------------------

TRANSLATED_LANGUAGES = ("fr", "ar", "es")
PLURAL_FORMS = {
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5;"
    ),
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def placeholders(text: str) -> set[str]:
    """The named placeholders of a message: %(name)s -> {"name"}."""
    return set(_PLACEHOLDER.findall(text))
