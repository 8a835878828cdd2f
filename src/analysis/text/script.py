"""Chinese script helpers: traditional → simplified, in one place for every step.

Two conversions, both from OpenCC's data, for two needs:

* :func:`simplified_shadow` maps character for character (same length), so a pattern
  matched on the shadow gives offsets into the original text. Extraction and the
  prepared document use it.
* :func:`to_simplified` converts phrases (OpenCC's t2s), which is more faithful but
  changes length; it is applied only to texts written in traditional characters, since
  converting a simplified text is not a no-op (乾安县 → 干安县).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import opencc

TRADITIONAL_RATIO = 0.1  # share of Han characters t2s changes in a traditional text
TRADITIONAL_MIN = 2


@cache
def _t2s_table() -> dict[int, str]:
    """Traditional → simplified, one character for one, from OpenCC's dictionary."""
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    table: dict[int, str] = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 2 and len(parts[0]) == 1:
                simp = parts[1].split(" ")[0]
                if len(simp) == 1 and simp != parts[0]:
                    table[ord(parts[0])] = simp
    return table


@cache
def _t2s_lut() -> np.ndarray:
    """The same table as an array indexed by code point: one vectorised look-up per text."""
    table = _t2s_table()
    lut = np.arange(max(table) + 1, dtype=np.uint32)
    for k, v in table.items():
        lut[k] = ord(v)
    return lut


def shadow_codes(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(code points of ``text``, code points of its simplified shadow).

    Why arrays: ``str.translate`` with a 4,000-entry table runs a Python-level dict
    look-up per character; indexing an array does the whole text at C speed.
    """
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lut = _t2s_lut()
    if not codes.size or codes.max() < len(lut):  # nearly always: one gather does it
        return codes, lut[codes]
    inside = codes < len(lut)
    shadow = lut[np.where(inside, codes, 0)]
    shadow = np.where(inside, shadow, codes)
    return codes, shadow


def simplified_shadow(text: str) -> str:
    """The text in simplified characters, character for character (same length)."""
    codes, shadow = shadow_codes(text)
    if np.array_equal(codes, shadow):
        return text
    return shadow.tobytes().decode("utf-32-le", "surrogatepass")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """True when enough of the Han characters are traditional ones (a Big5-era report)."""
    codes, shadow = shadow_codes(text)
    changed = int(np.count_nonzero(codes != shadow))
    if changed < TRADITIONAL_MIN:
        return False
    han = int(np.count_nonzero((codes >= 0x4E00) & (codes <= 0x9FFF))) or 1
    return changed / han >= TRADITIONAL_RATIO


def to_simplified(text: str) -> str:
    """Phrase-level conversion to simplified characters, only for a traditional text."""
    return _t2s().convert(text) if is_traditional(text) else text


def convert_t2s(text: str) -> str:
    """Phrase-level traditional → simplified of any text (tokens for term statistics)."""
    return _t2s().convert(text)
