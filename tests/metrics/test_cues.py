"""CueIndex finds exactly the leftmost-longest words that a plain scan of every position finds."""

import random

from orchestration.metrics.cues import Cue, CueIndex

_WORDS = {"ab": "x", "abc": "y", "b": "z", "bcd": "x", "c.a": "y", "ca": "z", "d": "y", "dab": "x"}


def _longest(text, i, end, bounds):
    """The longest word at i that fits before end and starts or ends on a boundary."""
    for w in sorted(_WORDS, key=len, reverse=True):
        j = i + len(w)
        if j <= end and text.startswith(w, i) and (bounds is None or i in bounds or j in bounds):
            return Cue(i, j, _WORDS[w])
    return None


def _scan(text, start, end, bounds, hidden):
    found, i = [], start
    for p in range(start, min(end, len(text))):
        if p >= i and not (hidden and hidden(p)) and (cue := _longest(text, p, end, bounds)):
            found.append(cue)
            i = cue.end
    return found


def test_find_and_at_agree_with_a_scan_of_every_position():
    index, rng = CueIndex(_WORDS), random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice("abcd.x") for _ in range(rng.randint(0, 16)))
        start, end = sorted(rng.randint(0, len(text) + 2) for _ in range(2))
        bounds = None
        if rng.random() < 0.7:
            bounds = set(rng.sample(range(len(text) + 1), rng.randint(0, len(text) + 1)))
        hidden = {rng.randint(0, 16) for _ in range(2)}.__contains__ if rng.random() < 0.5 else None
        assert index.find(text, start, end, bounds, hidden) == _scan(text, start, end, bounds, hidden)
        for i in range(start, min(end, len(text))):
            assert index.at(text, i, end, bounds) == _longest(text, i, end, bounds)


def test_the_cue_ending_a_span_is_the_one_find_reads_there():
    index, rng = CueIndex(_WORDS), random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice("abcd.x") for _ in range(rng.randint(0, 16)))
        start, stop = sorted(rng.randint(0, len(text)) for _ in range(2))
        bounds = set(rng.sample(range(len(text) + 1), rng.randint(0, len(text) + 1))) if rng.random() < 0.5 else None
        ending = [c for c in _scan(text, start, stop, bounds, None) if c.end == stop]
        assert index.ending(text, start, stop, bounds) == (ending[0] if ending else None)
        longest = [w for w in sorted(_WORDS, key=len, reverse=True) if text.endswith(w, start, stop)]
        assert index.longest_ending(text, start, stop) == (longest[0] if longest else None)
