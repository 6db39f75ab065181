"""Every page in four languages: no template shows text outside a translate tag, and every
app's French, Arabic and Spanish message files are complete, compiled and up to date.

Every app with templates is held to it (while the apps were translated one by one, a
list named the finished ones; all of them are now): a new app's templates are checked as
soon as it has some, and it needs its French, Arabic and Spanish message files.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from pourparler.testing.i18n import (
    PLURAL_FORMS,
    TRANSLATED_LANGUAGES,
    is_human_text,
    placeholders,
    source_messages,
    template_messages,
    untranslated_text,
)

PACKAGE = Path(__file__).resolve().parents[2]

APPS_WITH_TEMPLATES = sorted(p.parent.name for p in PACKAGE.glob("*/templates"))
APPS_WITH_LOCALE = sorted(p.parent.name for p in PACKAGE.glob("*/locale"))
PO_FILES = sorted(
    path
    for path in PACKAGE.glob("*/locale/*/LC_MESSAGES/django.po")
    if path.parents[1].name in TRANSLATED_LANGUAGES
)


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def test_the_apps_are_found() -> None:
    assert {"ui", "core", "bearers", "people", "dialogue"} <= set(APPS_WITH_TEMPLATES)


@pytest.mark.parametrize("app", APPS_WITH_TEMPLATES)
def test_templates_show_no_untranslated_text(app: str) -> None:
    found = {
        str(path.relative_to(PACKAGE)): untranslated_text(path)
        for path in sorted((PACKAGE / app / "templates").rglob("*.html"))
    }
    assert {path: text for path, text in found.items() if text} == {}


@pytest.mark.parametrize("app", APPS_WITH_TEMPLATES)
def test_an_app_with_pages_has_its_three_message_files(app: str) -> None:
    for lang in TRANSLATED_LANGUAGES:
        folder = PACKAGE / app / "locale" / lang / "LC_MESSAGES"
        assert (folder / "django.po").is_file() and (folder / "django.mo").is_file(), folder


def _po_problems(po_path: Path) -> list[str]:
    lang = po_path.parents[1].name
    po = polib.pofile(str(po_path))
    problems = []
    if po.metadata.get("Plural-Forms", "").strip() != PLURAL_FORMS[lang]:
        problems.append(f"Plural-Forms is {po.metadata.get('Plural-Forms')!r}")
    for entry in po:
        if entry.obsolete:
            continue
        label = f"{entry.msgctxt + ' | ' if entry.msgctxt else ''}{entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {label}")
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            expected = int(PLURAL_FORMS[lang].split("nplurals=")[1].split(";")[0])
            if sorted(forms) != list(range(expected)) or not all(forms.values()):
                problems.append(f"plural forms missing: {label}")
            for form in forms.values():
                if placeholders(form) - placeholders(entry.msgid + entry.msgid_plural):
                    problems.append(f"unknown placeholder: {label} -> {form!r}")
        elif not entry.msgstr:
            problems.append(f"empty: {label}")
        elif placeholders(entry.msgstr) != placeholders(entry.msgid):
            problems.append(f"placeholders differ: {label} -> {entry.msgstr!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.is_file():
        problems.append("no .mo file: run django-admin compilemessages")
        return problems
    mo = polib.mofile(str(mo_path))
    compiled = {_key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid}
    written = {
        _key(e): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po
        if not e.obsolete and "fuzzy" not in e.flags
    }
    if compiled != written:
        problems.append("the .mo differs from the .po: run django-admin compilemessages")
    return problems


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: "/".join(p.parts[-5:-2]))
def test_message_files_are_complete_and_compiled(po_path: Path) -> None:
    assert _po_problems(po_path) == []


@pytest.mark.parametrize("app", APPS_WITH_LOCALE)
def test_message_files_hold_what_the_sources_mark(app: str) -> None:
    marked = source_messages(PACKAGE / app)
    for lang in TRANSLATED_LANGUAGES:
        po = polib.pofile(str(PACKAGE / app / "locale" / lang / "LC_MESSAGES" / "django.po"))
        held = {_key(e) for e in po if not e.obsolete}
        assert {"missing": sorted(marked - held), "stale": sorted(held - marked)} == {
            "missing": [],
            "stale": [],
        }, f"{app}/{lang}: run makemessages -l fr -l ar -l es --no-location and translate"


def translations_by_message(po_files: list[Path]) -> dict[tuple[str, str, str], dict[str, str]]:
    """Map (language, context, message) to each translation and the first app giving it."""
    found: dict[tuple[str, str, str], dict[str, str]] = {}
    for path in po_files:
        app, lang = path.parents[3].name, path.parents[1].name
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            said = entry.msgstr or " | ".join(v for _, v in sorted(entry.msgstr_plural.items()))
            found.setdefault((lang, *_key(entry)), {}).setdefault(said, app)
    return found


def test_a_message_reads_the_same_in_every_app() -> None:
    """Django merges the apps' catalogues into one, the first app listed winning: the same
    words translated two ways would read as the other app's words on some pages. Words
    that mean different things take a context (`{% translate "Open" context "..." %}`)."""
    twice = {
        key: sorted(translations.items(), key=lambda pair: pair[1])
        for key, translations in translations_by_message(PO_FILES).items()
        if len(translations) > 1
    }
    assert twice == {}


def test_the_same_words_translated_two_ways_are_found(tmp_path: Path) -> None:
    for app, said in (("alpha", "Ouvert"), ("beta", "Ouvrir")):
        folder = tmp_path / app / "locale" / "fr" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        po = polib.POFile()
        po.append(polib.POEntry(msgid="Open", msgstr=said))
        po.append(polib.POEntry(msgid="Close", msgstr="Fermer"))
        po.save(str(folder / "django.po"))
    found = translations_by_message(sorted(tmp_path.glob("*/locale/*/LC_MESSAGES/django.po")))
    assert found[("fr", "", "Open")] == {"Ouvert": "alpha", "Ouvrir": "beta"}
    assert found[("fr", "", "Close")] == {"Fermer": "alpha"}


# --- the checker itself -------------------------------------------------------------------


def test_the_checker_finds_text_outside_translate_tags(tmp_path: Path) -> None:
    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}\n"
        "<h1>{% translate 'Bearers' %}</h1>\n"
        "<p>{% blocktranslate trimmed with n=x %}About {{ n }}{% endblocktranslate %}</p>\n"
        "<p>Loose words {{ x }}</p>\n"
        '<input type="submit" value="Save"><input type="hidden" name="a" value="b">\n'
        '<a title="Open it" aria-label="{% translate \'Shown\' %}">&rarr; 12 · Pourparler</a>\n'
        '<span>{{ when|default:"Never" }}</span><code>make run</code>\n'
        "{% comment %}A note{% endcomment %}{# another #}<script>var x = 'y';</script>\n"
        '<img alt="A map" src="x.png">\n',
        encoding="utf-8",
    )
    assert untranslated_text(template) == [
        "line 4: Loose words",
        "line 5: value=Save",
        "line 6: title=Open it",
        'line 7: filter argument "Never"',
        "line 9: alt=A map",
    ]


def test_the_checker_reads_messages_as_makemessages_does() -> None:
    source = (
        "{% load i18n %}{% translate 'Open' context 'status' %}"
        "{% blocktranslate trimmed count n=k %}One bearer{% plural %}{{ n }} bearers"
        '{% endblocktranslate %}{% translate "l\'accès" %}'
    )
    assert template_messages(source) == {("status", "Open"), ("", "One bearer"), ("", "l'accès")}
    assert not is_human_text("— · 12 % CSV, PDF")
    assert is_human_text("12 min")
