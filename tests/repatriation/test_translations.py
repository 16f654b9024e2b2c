"""Every string shipped is translated into Russian and Kazakh, and the catalogs are compiled."""

import os
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
    """Extract strings afresh in a copy of the source: nothing new may appear."""
    copy = tmp_path / "src"
    for name in ("repatriation", "returnees", "rehabilitation", "reporting", "templates", "locale"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "ru",
            "-l",
            "kk",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
        timeout=300,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "repatriation.settings.test"},
    )
    for language in ("ru", "kk"):
        fresh = polib.pofile(str(copy / "locale" / language / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in fresh.untranslated_entries() + fresh.fuzzy_entries()]
        assert missing == [], f"{language}: run `make messages` and translate {missing}"
