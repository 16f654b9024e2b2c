"""Every string shipped is translated into Russian and Kazakh, and the catalogs are compiled."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_catalog_complete_and_compiled(language):
    po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    assert po.untranslated_entries() == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"{entry.msgid!r} is not compiled"


def test_catalogs_cover_every_source_string(tmp_path):
    """Extract strings afresh into a copy of the catalogs: nothing new may appear."""
    locale = tmp_path / "locale"
    shutil.copytree(ROOT / "locale", locale)
    env_code = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE']='repatriation.settings.test';"
        "django.setup(); from django.conf import settings;"
        f"settings.LOCALE_PATHS=[{str(locale)!r}];"
        "from django.core.management import call_command;"
        "call_command('makemessages', locale=['ru', 'kk'], no_obsolete=True, verbosity=0,"
        "ignore_patterns=['tests', 'var', 'static', 'staticfiles', '.venv'])"
    )
    subprocess.run([sys.executable, "-c", env_code], cwd=ROOT, check=True, timeout=300)
    for language in ("ru", "kk"):
        fresh = polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
        assert missing == [], f"{language}: run `make messages` and translate {missing}"
