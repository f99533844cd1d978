"""The words of a reply as keywords compare them: STOP and its kin, and `wait_for_reply`
branches. Pure, so journey workflows use it too."""

from __future__ import annotations

import unicodedata


def keyword_form(word: str) -> str:
    """A word as keywords are compared: upper case, without accents (phones autocorrect
    ARRET to "Arrêt") and without the punctuation and symbols around it ("Stop:", "STOP🛑")."""
    decomposed = unicodedata.normalize("NFKD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    start, end = 0, len(bare)
    while start < end and _decoration(bare[start]):
        start += 1
    while end > start and _decoration(bare[end - 1]):
        end -= 1
    return bare[start:end].upper()


def _decoration(char: str) -> bool:
    # Punctuation (P*), symbols such as emoji (S*), and the marks and joiners emoji are
    # written with (variation selectors are Mn, the zero-width joiner Cf).
    category = unicodedata.category(char)
    return category[0] in "PS" or category in {"Mn", "Cf"}
