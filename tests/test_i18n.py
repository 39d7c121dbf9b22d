"""Every user-facing string is in the Japanese catalogue, and the compiled catalogues are
current."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "crossover" / "translations"
METHODS = [
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
    ("**.py", "python"),
]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _catalog(lang: str, kind: str = "po"):
    path = TRANSLATIONS / lang / "LC_MESSAGES" / f"messages.{kind}"
    with path.open("rb") as f:
        return read_po(f, locale=lang) if kind == "po" else read_mo(f)


def _msgid(message):
    return message if isinstance(message, str) else message[0]


def test_every_source_string_is_translated_to_japanese():
    ja = _catalog("ja")
    extracted = {
        _msgid(message)
        for _, _, message, _, _ in extract_from_dir(ROOT / "crossover", METHODS, keywords=KEYWORDS)
    }
    missing = sorted(
        m
        for m in extracted
        if m not in ja
        or not ja[m].string
        or not all(ja[m].string if isinstance(ja[m].string, tuple) else [ja[m].string])
    )
    assert not missing, f"run pybabel extract/update and translate: {missing[:10]}"


def test_compiled_catalogues_match_sources():
    for lang in ("ja", "en"):
        po, mo = _catalog(lang), _catalog(lang, "mo")
        po_ids = {_msgid(m.id) for m in po if m.id and m.string}
        mo_ids = {_msgid(m.id) for m in mo if m.id}
        assert po_ids == mo_ids, f"run pybabel compile -d crossover/translations ({lang})"
