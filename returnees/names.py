"""Name keys that let one search find a person however the name was written.

"Айгерим Нурланқызы", "Aigerim Nurlankyzy" and "Aygerim Nurlanqyzy" all fold to the same key:
transliterate to ASCII, lower-case, then fold the spellings that Kazakh, Russian and Arabic
names take on camp lists and in consular records. A consonant skeleton matches Arabic script,
which is usually written without vowels, against Latin or Cyrillic spellings.
"""

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz

# Order matters: multi-letter spellings first.
_FOLDS = [
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ph", "f"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("ts", "c"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("yu", "iu"),
    ("ju", "iu"),
    ("ya", "ia"),
    ("ja", "ia"),
    ("yo", "io"),
    ("ye", "e"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("y", "i"),
    ("'", ""),
    ("`", ""),
]
_PREFIXES = re.compile(r"\b(al|el|ul)[\s-]+")
_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_DOUBLE = re.compile(r"([a-z])\1+")
_VOWELS = re.compile(r"[aeiouy]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def script_of(text: str) -> str:
    """The script a name is written in: "arab", "cyrl" or "latn"."""
    if _ARABIC.search(text):
        return "arab"
    if _CYRILLIC.search(text):
        return "cyrl"
    return "latn"


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return anyascii(text).lower()


def name_key(text: str) -> str:
    """The folded spelling used for search and duplicate checks."""
    key = _ascii(text).replace("-", " ")
    key = _PREFIXES.sub("al", key)
    key = _NON_LETTERS.sub(" ", key)
    for old, new in _FOLDS:
        key = key.replace(old, new)
    key = _DOUBLE.sub(r"\1", key)
    return _SPACES.sub(" ", key).strip()


_ARABIC_VOWEL_LETTERS = re.compile(r"[aeiouwy'`]")


def name_skeleton(text: str) -> str:
    """Consonants only, per word: what survives in unvocalised Arabic script.

    In transliterated Arabic script, w and y usually stand for the long vowels u and i.
    """
    source = text
    if script_of(text) == "arab":
        source = _ARABIC_VOWEL_LETTERS.sub("", _ascii(text))
    words = []
    for word in name_key(source).split():
        consonants = _VOWELS.sub("", word)
        if len(consonants) >= 2:  # one letter ("m" of Umm) tells names apart poorly
            words.append(consonants)
    return " ".join(words)


def latin_of(text: str) -> str:
    """A readable Latin transliteration for display beside a non-Latin name."""
    return " ".join(part.capitalize() for part in anyascii(text).split())


@dataclass(frozen=True)
class Keys:
    """A name's folded key, consonant skeleton and whether it is written in Arabic script."""

    key: str
    skeleton: str
    arabic: bool

    @classmethod
    def of(cls, text: str) -> "Keys":
        return cls(name_key(text), name_skeleton(text), script_of(text) == "arab")


def similarity(query: str, candidate: str) -> int:
    """0–100: how alike two names are, whatever their scripts and word order."""
    return similarity_of_keys(Keys.of(query), Keys.of(candidate))


def similarity_of_keys(query: Keys, candidate: Keys, *, either_part: bool = False) -> int:
    """The same score from keys already computed (stored beside each name).

    `either_part`: a longer query may also match a shorter name ("Yusuf Ospanov" a child
    recorded as "Юсуф"), for matches already pinned down by an exact date of birth.
    """
    if not query.key or not candidate.key:
        return 0
    score = _compare(query.key, candidate.key, either_part)
    if query.arabic or candidate.arabic:
        score = max(score, _compare(query.skeleton, candidate.skeleton, either_part) * 0.85)
    return round(score)


def _compare(a: str, b: str, either_part: bool = False) -> float:
    """Whole names compared in any word order; a query with fewer words (a given name alone)
    may match part of a longer name, but a longer query never matches a shorter name fully."""
    if not a or not b:
        return 0.0
    score = fuzz.token_sort_ratio(a, b)
    if len(a.split()) < len(b.split()) or (either_part and len(a.split()) != len(b.split())):
        score = max(score, fuzz.token_set_ratio(a, b) * 0.95)
    return score
