"""How two spellings of a place are judged equal: one comparison key per name.

"Côte d'Ivoire", "Cote d'Ivoire", "Côte d’Ivoire" and "COTE D IVOIRE" share the key
``cote d ivoire``; Arabic hamza forms of alif share one key too. The key is only used for
matching, never shown.
"""

from __future__ import annotations

import re
import unicodedata

# Typographic apostrophes and quote-like marks that publishers use interchangeably.
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032"})
# Arabic letter variants that spellings mix freely (ta marbuta / ha, alif maqsura / ya).
_ARABIC = str.maketrans({"\u0629": "\u0647", "\u0649": "\u064a", "\u0640": None})
_NON_WORD = re.compile(r"[\W_]+")


def name_key(text: object) -> str:
    """The comparison key of a name: case-, accent-, apostrophe- and punctuation-insensitive."""
    s = unicodedata.normalize("NFKC", str(text)).translate(_APOSTROPHES)
    # NFKD splits accents (and Arabic hamza marks) into combining characters we then drop.
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.casefold().translate(_ARABIC)
    return " ".join(_NON_WORD.sub(" ", s).split())
