"""Fill translations into the catalogues, then compile them.

    python scripts/po_fill.py translations.json

The JSON maps an English msgid to its translations:
``{"Save": {"fr": "Enregistrer", "ar": "حفظ"}}``; for a plural entry give lists
(``{"fr": ["%(n)s séance", "%(n)s séances"], "ar": [six forms]}``). A context
is written ``"context\\u0004msgid"``. Run ``make messages`` first so the entries
exist. Holds the same lock as ``make messages``, so two people can run it at once.
"""

import fcntl
import json
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(path: str) -> int:
    wanted = json.loads(Path(path).read_text(encoding="utf-8"))
    with open("/tmp/prim-locale.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for language in ("fr", "ar", "en"):
            po_path = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
            catalogue = polib.pofile(str(po_path), wrapwidth=0)
            for entry in catalogue:
                key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
                if language == "en":
                    if entry.msgid_plural:
                        entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                    else:
                        entry.msgstr = entry.msgid
                elif key in wanted and language in wanted[key]:
                    value = wanted[key][language]
                    if entry.msgid_plural:
                        entry.msgstr_plural = dict(enumerate(value))
                    else:
                        entry.msgstr = value
                else:
                    continue
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
            catalogue.save(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
        missing = [
            e.msgid
            for lang in ("fr", "ar")
            for e in polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))
            if not e.translated() or "fuzzy" in e.flags
        ]
    if missing:
        print(
            f"{len(missing)} entries still untranslated or fuzzy, e.g.:", *missing[:10], sep="\n  "
        )
        return 1
    print("Catalogues complete and compiled.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
