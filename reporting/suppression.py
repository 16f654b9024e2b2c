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


def suppress(values, threshold: int = 4) -> Suppressed:
    values = tuple(int(v) for v in values)
    if any(v < 0 for v in values):
        raise ValueError("Counts are never negative.")
    hidden = {i: PRIMARY for i, v in enumerate(values) if 1 <= v <= threshold}
    total_hidden = 1 <= sum(values) <= threshold
    # While the total and the rest give a hidden count away, hide more.
    while (
        hidden and not total_hidden and _pinned_shared([values], [hidden], threshold, sum(values))
    ):
        candidates = sorted((v, i) for i, v in enumerate(values) if i not in hidden and v > 0)
        if not candidates:
            total_hidden = True  # only zeros are left to hide: hide the total instead
            break
        hidden[candidates[0][1]] = SECONDARY  # the smallest count that is not yet hidden
    return Suppressed(values, hidden, total_hidden, threshold)


def _pinned_shared(tables, hiddens, threshold: int, total: int | None = None):
    """Hidden counts that what is printed leaves a single value for, as (table, index).
    A "<5" is 1 to the threshold, a "—" anything. With `total` the reader knows it; without,
    the total lies in every table's range at once, which is what they say together."""
    unbounded = total if total is not None else sum(tables[0]) * 2 + threshold * 10 + 10
    low, high = (total, total) if total is not None else (0, None)
    parts = []
    for values, hidden in zip(tables, hiddens, strict=True):
        visible = sum(v for i, v in enumerate(values) if i not in hidden)
        ranges = {
            i: (1, threshold) if kind == PRIMARY else (0, unbounded) for i, kind in hidden.items()
        }
        if total is None:
            low = max(low, visible + sum(lo for lo, _hi in ranges.values()))
            table_high = visible + sum(hi for _lo, hi in ranges.values())
            high = table_high if high is None else min(high, table_high)
        parts.append((visible, ranges))
    pinned = []
    for t, (visible, ranges) in enumerate(parts):
        low_all = sum(lo for lo, _hi in ranges.values())
        high_all = sum(hi for _lo, hi in ranges.values())
        for i, (lo, hi) in ranges.items():
            lowest = max(lo, low - visible - (high_all - hi))
            highest = min(hi, high - visible - (low_all - lo))
            if lowest >= highest:
                pinned.append((t, i))
    return pinned


def suppress_together(tables, threshold: int = 4) -> list[Suppressed]:
    """Tables that break one population down in different ways (by status, by sex...): they
    share a total, so a total hidden in one must not be readable from another. If any must
    hide it, all hide it; then, as long as the tables read together would still pin a hidden
    count down, more is hidden: the smallest visible count of that table, or else one of the
    other tables' "<5" is printed "—", which says less."""
    results = [suppress(values, threshold) for values in tables]
    if not any(r.total_hidden for r in results):
        return results
    tables = [r.values for r in results]
    hiddens = [dict(r.hidden) for r in results]
    for _round in range(sum(len(t) for t in tables) + 1):
        pinned = _pinned_shared(tables, hiddens, threshold)
        if not pinned:
            break
        t = pinned[0][0]
        visible = sorted((v, i) for i, v in enumerate(tables[t]) if i not in hiddens[t] and v > 0)
        if visible:
            hiddens[t][visible[0][1]] = SECONDARY
            continue
        primaries = [
            (u, i)
            for u, hidden in enumerate(hiddens)
            for i, kind in hidden.items()
            if kind == PRIMARY and u != t
        ] or [(t, i) for i, kind in hiddens[t].items() if kind == PRIMARY]
        if not primaries:
            break
        u, i = primaries[0]
        hiddens[u][i] = SECONDARY
    return [
        Suppressed(values, hidden, True, threshold)
        for values, hidden in zip(tables, hiddens, strict=True)
    ]


def shown_single(value: int, threshold: int = 4) -> str:
    """A count printed on its own (no total to subtract from): only the small ones hidden."""
    return f"<{threshold + 1}" if 1 <= value <= threshold else str(value)
