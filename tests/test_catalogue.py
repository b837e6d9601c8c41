"""Every message the code and the templates use shows in Chinese (issue 8, point 3: a service
message missing from the catalogue showed in English on a Chinese page).

``makemessages`` runs on a copy of the package, so the real catalogue is never rewritten; each
message it finds must be translated by the running catalogues (the compiled ones: run
``silvercare compilemessages`` after adding translations).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

import silvercare


def _field(block: str, name: str) -> str | None:
    found = re.search(rf'^{name} ((?:".*"\n?)+)', block + "\n", re.M)
    if found is None:
        return None
    text = "".join(re.findall(r'"(.*)"', found.group(1)))
    return text.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")


def shown_in_chinese(msgid: str, plural: str | None, context: str | None) -> bool:
    """Whether the running catalogues (ours, Django's, the apps') translate the message."""
    with translation.override("zh-hans"):
        if context is not None and plural is not None:
            return translation.npgettext(context, msgid, plural, 1) != msgid
        if context is not None:
            return translation.pgettext(context, msgid) != msgid
        if plural is not None:
            return translation.ngettext(msgid, plural, 1) != msgid
        return translation.gettext(msgid) != msgid


def untranslated(po: str) -> list[str]:
    missing = []
    for block in po.split("\n\n"):
        msgid = _field(block, "msgid")
        if not msgid:
            continue
        plural, context = _field(block, "msgid_plural"), _field(block, "msgctxt")
        if not shown_in_chinese(msgid, plural, context):
            refs = " ".join(line[3:] for line in block.splitlines() if line.startswith("#: "))
            missing.append(f"{msgid!r} ({refs})")
    return missing


def test_every_message_has_a_chinese_translation(tmp_path: Path) -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("the gettext tools are missing (Debian's gettext package)")
    package = Path(silvercare.__file__).parent
    copy = tmp_path / "silvercare"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path),
        "SILVERCARE_HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "silvercare.config.settings",
    }
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    po = (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    missing = untranslated(po)
    assert not missing, "messages without a Chinese translation:\n" + "\n".join(missing)
