"""Message catalogs: same keys in fr/en/ar, fallback en -> key, placeholders agree."""

from __future__ import annotations

import json
import string

import pytest

from traffickstats.i18n import LANGS, _, catalog, has, label, text_direction
from traffickstats.paths import package_resource
from traffickstats.schema import MEASURES, PERIOD_KINDS, SEXES


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys():
    keys = {lang: set(catalog(lang)) for lang in LANGS}
    assert keys["fr"] == keys["en"] == keys["ar"], {
        lang: sorted(keys["en"] ^ k) for lang, k in keys.items()}


def test_catalogs_are_valid_utf8_json_with_non_empty_texts():
    for lang in LANGS:
        with open(package_resource("locales", f"{lang}.json"), encoding="utf-8") as fh:
            data = json.load(fh)
        assert all(isinstance(v, str) and v.strip() for v in data.values()), lang


def test_placeholders_agree_across_languages():
    for key, en in catalog("en").items():
        for lang in ("fr", "ar"):
            assert _placeholders(catalog(lang)[key]) == _placeholders(en), (lang, key)


def test_vocabularies_of_the_schema_are_translated():
    for m in MEASURES:
        assert has(f"measure.{m}")
    for k in PERIOD_KINDS:
        assert has(f"period_kind.{k}")
    for s in SEXES:
        assert has(f"sex.{s}")
    for form in ("total", "sexual_exploitation", "forced_labour", "forced_criminality", "begging",
                 "forced_marriage", "organ_removal", "state_imposed", "private_economy",
                 "domestic_servitude", "other", "unknown"):
        assert has(f"form.{form}")


def test_lookup_formatting_and_fallbacks(monkeypatch):
    assert _("download_csv", "fr") == "Télécharger les données (CSV)"
    assert _("download_csv", "en") == "Download data (CSV)"
    assert _("fmt.fewer_than", "fr", n="5") == "moins de 5"
    assert _("as_reported_by", "fr", outlet="Réalités") == "tel que rapporté par Réalités"
    # a key missing in fr falls back to en, then to the key itself
    fr = dict(catalog("fr"))
    del fr["show_data_table"]
    monkeypatch.setattr("traffickstats.i18n.catalog",
                        lambda lang: fr if lang == "fr" else catalog.__wrapped__(lang))
    from traffickstats import i18n

    assert i18n._("show_data_table", "fr") == "Show data table"
    assert i18n._("no.such.key", "fr") == "no.such.key"


def test_labels_and_unknown_codes():
    assert label("form", "sexual_exploitation", "fr") == "exploitation sexuelle"
    assert label("indicator", "forced_labour", "ar") == "العمل الجبري"
    assert label("form", "a_new_token", "fr") == "a_new_token"  # visible, not dropped


def test_text_direction():
    assert text_direction("ar") == "rtl"
    assert text_direction("fr") == text_direction("en") == "ltr"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language"):
        catalog("de")


def test_every_bundled_indicator_is_translated():
    # the subsets given their own indicator (MAR-07, LBN-03, victims with sex and age reported)
    # are named on pages in fr, en and ar like every other indicator
    from traffickstats.reference import observations

    for indicator in sorted(set(observations()["indicator"])):
        for lang in LANGS:
            assert f"indicator.{indicator}" in catalog(lang), (lang, indicator)
    assert label("indicator", "potential_victims_al_haouz_earthquake", "fr").startswith("nouvelles victimes potentielles")
    assert "{labels}" in catalog("ar")["note.same_figure"] and catalog("fr")["note.by_rule"]
