"""jieba's accurate mode without HMM, the same words as `Tokenizer.cut(text, HMM=False)`, faster.

Extraction segments every clause that holds a number, and jieba's pure-Python word graph and route
were an eighth of its time. This reads the same dictionary (the tokenizer's FREQ and total, after
the vocabulary's words were tuned in) and computes the same route: in one backward pass instead
of a graph then a route, with each word's log-probability computed once per process rather than
at every position. The result is the same float arithmetic, word for word;
tests/metrics/test_segment.py holds it to jieba's own cut over the development corpus.
"""

from __future__ import annotations

from math import log

import jieba

# jieba's own block patterns (a run of Han characters, letters and digits is segmented; anything
# else is split at whitespace and yielded a character at a time).
_HAN = jieba.re_han_default
_SKIP = jieba.re_skip_default
_ENG = jieba.re_eng

_NO_WORD = False  # not in the dictionary, nor a prefix of a word in it: no longer word starts here
_UNSEEN = object()
_NONE_YET = float("-inf")  # below every log-probability, so the first word found is the best yet


class Segmenter:
    def __init__(self, tk: jieba.Tokenizer):
        tk.check_initialized()
        self.freq = tk.FREQ
        self.logtotal = log(tk.total)
        self._logp: dict[str, float | bool | None] = {}  # what _probe said of each fragment

    def cut(self, text: str) -> list[str]:
        words: list[str] = []
        for block in _HAN.split(text):
            if not block:
                continue
            if _HAN.match(block):
                words.extend(self._cut_block(block))
            else:
                for piece in _SKIP.split(block):
                    if _SKIP.match(piece):
                        words.append(piece)
                    else:
                        words.extend(piece)
        return words

    def _probe(self, frag: str) -> float | bool | None:
        """frag's log-probability; None for a prefix of longer words only (frequency 0), _NO_WORD
        for neither. Remembered, so that each prefix a route tries costs one dict probe."""
        f = self.freq.get(frag)
        p = self._logp[frag] = _NO_WORD if f is None else log(f) - self.logtotal if f else None
        return p

    def _cut_block(self, s: str) -> list[str]:
        logp, probe, alone = self._logp, self._probe, -self.logtotal  # alone: log(1) - log(total)
        n = len(s)
        # score[k], end[k]: the best log-probability of s[k:] and where its first word ends (jieba's
        # route), built from the end; the words starting at k (jieba's DAG) are probed on reaching k.
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)
        for k in range(n - 1, -1, -1):
            best_p, best_x = _NONE_YET, k
            i, frag = k, s[k]
            while True:
                p = logp.get(frag, _UNSEEN)
                if p is _UNSEEN:
                    p = probe(frag)
                if p is _NO_WORD:
                    break
                if p is not None:
                    p += score[i + 1]
                    if p >= best_p:  # a tie goes to the longer word, as jieba's max over (p, end)
                        best_p, best_x = p, i
                i += 1
                if i >= n:
                    break
                frag = s[k:i + 1]
            if best_p is _NONE_YET:  # no word starts here: the character alone, as jieba's DAG
                best_p = alone + score[k + 1]
            score[k], end[k] = best_p, best_x
        words, x, buf = [], 0, ""
        while x < n:
            y = end[x] + 1
            word = s[x:y]
            if y - x == 1 and _ENG.match(word):
                buf += word
            else:
                if buf:
                    words.append(buf)
                    buf = ""
                words.append(word)
            x = y
        if buf:
            words.append(buf)
        return words
