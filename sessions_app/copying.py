"""Copy detection for Vietnamese written reports.

Texts are normalised (NFC, casefold) and cut into word shingles twice: with diacritics,
and folded (tones stripped, đ→d) so that a copy typed without tones still matches. Each
report's MinHash signature (datasketch) over its folded shingles is cut into LSH bands;
the band keys are stored per document (ReportBand), so a new report finds its candidates
with one indexed query. Only the candidates, and the document's own text, are compared
exactly (Jaccard and containment over shingle sets). Nothing compares all pairs.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SHINGLE_WORDS = 4
NUM_PERM = 128
# 42 bands of 3 rows (126 of the 128 permutations): a pair with Jaccard 0.3 becomes a
# candidate with probability 1-(1-0.3³)⁴² ≈ 0.68, 0.4 → 0.94, 0.5 → 0.996; independent
# reports (Jaccard ≈ 0.05) only once in two hundred. datasketch's _optimal_param for a
# 0.3 threshold chooses the same shape (37×3).
BANDS, ROWS = 42, 3
# A report is flagged when its folded shingles overlap this much with another text,
# as Jaccard or as containment of the shorter text in the longer one.
FLAG_THRESHOLD = 0.5
# Containment only counts when the shorter text has this many shingles (a two-line note
# is "contained" in anything).
MIN_SHINGLES_FOR_CONTAINMENT = 30
MAX_CANDIDATES = 50

_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """NFC and casefold: the same letters typed in different ways compare equal."""
    return unicodedata.normalize("NFC", text or "").casefold()


def fold_word(word: str) -> str:
    """A word without its tones and marks, đ as d ('nghị' → 'nghi', 'đảng' → 'dang')."""
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("đ", "d")


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def shingles(tokens: list[str], k: int = SHINGLE_WORDS) -> set[str]:
    if not tokens:
        return set()
    if len(tokens) < k:
        return {" ".join(tokens)}
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


@dataclass(frozen=True)
class Fingerprint:
    """A text's shingle sets, with and without diacritics."""

    accented: frozenset[str]
    folded: frozenset[str]

    @classmethod
    def of(cls, text: str) -> "Fingerprint":
        tokens = words(text)
        return cls(
            accented=frozenset(shingles(tokens)),
            folded=frozenset(shingles([fold_word(w) for w in tokens])),
        )


@dataclass(frozen=True)
class Similarity:
    """How much two texts share: Jaccard and containment (folded), Jaccard (accented)."""

    jaccard: float
    containment: float
    jaccard_accented: float

    @property
    def score(self) -> float:
        return max(self.jaccard, self.containment)

    @property
    def is_suspect(self) -> bool:
        return self.score >= FLAG_THRESHOLD


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    """Exact set measures between two fingerprints."""
    shared = len(a.folded & b.folded)
    union = len(a.folded | b.folded)
    smaller = min(len(a.folded), len(b.folded))
    containment = shared / smaller if smaller >= MIN_SHINGLES_FOR_CONTAINMENT else 0.0
    accented_union = len(a.accented | b.accented)
    return Similarity(
        jaccard=shared / union if union else 0.0,
        containment=containment,
        jaccard_accented=len(a.accented & b.accented) / accented_union if accented_union else 0.0,
    )


@lru_cache(maxsize=1)
def _template():
    """Permutations and hashing scheme, drawn once (seeded: the same in every process)."""
    from datasketch import MinHash

    sketch = MinHash(num_perm=NUM_PERM, seed=1)
    return sketch.permutations, sketch.scheme


def minhash(fingerprint: Fingerprint) -> np.ndarray:
    """The MinHash signature (uint64[NUM_PERM]) of a fingerprint's folded shingles."""
    from datasketch import MinHash

    permutations, scheme = _template()
    sketch = MinHash(num_perm=NUM_PERM, seed=1, permutations=permutations, scheme=scheme)
    sketch.update_batch([s.encode("utf-8") for s in sorted(fingerprint.folded)])
    return np.asarray(sketch.hashvalues, dtype=np.uint64)


def band_keys(signature: np.ndarray) -> list[int]:
    """One signed 63-bit key per LSH band (band number included, so bands never collide)."""
    keys = []
    for band in range(BANDS):
        chunk = signature[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big", signed=True) >> 1)
    return keys


def estimated_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard estimated from two stored signatures."""
    x = np.frombuffer(a, dtype=np.uint64)
    y = np.frombuffer(b, dtype=np.uint64)
    return float(np.count_nonzero(x == y)) / len(x)


def highlight_shared(text: str, other: str) -> SafeString:
    """The text, escaped, with the passages it shares with the other text in <mark>.

    Passages are runs of words covered by a folded shingle found in both texts, so a copy
    typed without tones is highlighted the same way.
    """
    other_shingles = Fingerprint.of(other).folded
    matches = list(_WORD.finditer(unicodedata.normalize("NFC", text or "")))
    source = unicodedata.normalize("NFC", text or "")
    folded = [fold_word(m.group().casefold()) for m in matches]
    marked = [False] * len(matches)
    k = SHINGLE_WORDS if len(folded) >= SHINGLE_WORDS else len(folded)
    for i in range(len(folded) - k + 1):
        if k and " ".join(folded[i : i + k]) in other_shingles:
            for j in range(i, i + k):
                marked[j] = True
    out, cursor, i = [], 0, 0
    while i < len(matches):
        if not marked[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(matches) and marked[j + 1]:
            j += 1
        start, end = matches[i].start(), matches[j].end()
        out.append(escape(source[cursor:start]))
        out.append(f"<mark>{escape(source[start:end])}</mark>")
        cursor = end
        i = j + 1
    out.append(escape(source[cursor:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
