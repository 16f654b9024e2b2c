"""Small-cell suppression for reports that leave the ministry (partners, centres).

A table is a list of counts that add up to a total the reader may know. A count from 1 to the
threshold is printed "<5" (primary suppression). If the reader could still work a hidden
count out (from the total, the visible counts and the fact that each "<5" is 1 to 4), more
counts are hidden, printed "—" (secondary suppression); if even that cannot help, the total
is hidden too. Zero is printed: an empty cell names nobody.

The guarantee, tested with hypothesis in tests/reporting/test_suppression.py: every hidden
count has at least two values consistent with everything printed.
"""

from __future__ import annotations

from dataclasses import dataclass

PRIMARY, SECONDARY = "primary", "secondary"


@dataclass(frozen=True)
class Suppressed:
    values: tuple[int, ...]
    hidden: dict[int, str]  # index -> PRIMARY or SECONDARY
    total_hidden: bool
    threshold: int

    def shown(self, index: int) -> str:
        kind = self.hidden.get(index)
        if kind == PRIMARY:
            return f"<{self.threshold + 1}"
        if kind == SECONDARY:
            return "—"
        return str(self.values[index])

    @property
    def total(self) -> str:
        return "—" if self.total_hidden else str(sum(self.values))


def _bounds(kind: str, threshold: int, remainder: int) -> tuple[int, int]:
    """What a reader knows of a hidden count: 1..threshold for "<5", anything for "—"."""
    return (1, threshold) if kind == PRIMARY else (0, remainder)


def _pinned(values, hidden: dict[int, str], threshold: int) -> list[int]:
    """Hidden counts the reader can work out from the total and the rest."""
    remainder = sum(values[i] for i in hidden)  # the total less every visible count
    bounds = {i: _bounds(kind, threshold, remainder) for i, kind in hidden.items()}
    low_all = sum(lo for lo, _hi in bounds.values())
    high_all = sum(hi for _lo, hi in bounds.values())
    pinned = []
    for i, (lo, hi) in bounds.items():
        lowest = max(lo, remainder - (high_all - hi))
        highest = min(hi, remainder - (low_all - lo))
        if lowest >= highest:
            pinned.append(i)
    return pinned


def suppress(values, threshold: int = 4) -> Suppressed:
    values = tuple(int(v) for v in values)
    if any(v < 0 for v in values):
        raise ValueError("Counts are never negative.")
    hidden = {i: PRIMARY for i, v in enumerate(values) if 1 <= v <= threshold}
    total_hidden = 1 <= sum(values) <= threshold
    while hidden and not total_hidden and _pinned(values, hidden, threshold):
        candidates = sorted((v, i) for i, v in enumerate(values) if i not in hidden and v > 0)
        if not candidates:
            total_hidden = True  # only zeros are left to hide: hide the total instead
            break
        hidden[candidates[0][1]] = SECONDARY  # the smallest count that is not yet hidden
    return Suppressed(values, hidden, total_hidden, threshold)


def suppress_together(tables, threshold: int = 4) -> list[Suppressed]:
    """Tables that break one population down in different ways (by status, by sex...): they
    share a total, so a total hidden in one must not be readable from another. If any must
    hide it, all hide it, and each then hides at least one count, so that its visible counts
    do not add up to the total either."""
    results = [suppress(values, threshold) for values in tables]
    if not any(r.total_hidden for r in results):
        return results
    shared = []
    for result in results:
        hidden = dict(result.hidden)
        if not hidden:
            candidates = sorted((v, i) for i, v in enumerate(result.values) if v > 0)
            if candidates:
                hidden[candidates[0][1]] = SECONDARY
        shared.append(Suppressed(result.values, hidden, True, threshold))
    return shared


def shown_single(value: int, threshold: int = 4) -> str:
    """A count printed on its own (no total to subtract from): only the small ones hidden."""
    return f"<{threshold + 1}" if 1 <= value <= threshold else str(value)
