"""The fast segmenter cuts exactly as jieba's own accurate mode without HMM, which it replaces."""

import re

import pytest

from orchestration import settings
from orchestration.metrics.numbers import normalise
from orchestration.metrics.vocabulary import segmenter, tokenizer

_NUMBERISH = re.compile(r"[\d.,%]+")


def _stretches() -> list[str]:
    """What extraction hands the segmenter: the stretches between numbers of real report text."""
    texts = sorted((settings.REPO_ROOT / "tests/fixtures/dev/texts").glob("*.txt"))
    return [s for p in texts for s in _NUMBERISH.split(normalise(p.read_text(encoding="utf-8"))) if s]


def test_the_segmenter_cuts_the_development_corpus_as_jieba_does():
    tk, fast = tokenizer(), segmenter()
    stretches = _stretches()
    assert len(stretches) > 5000
    differ = [s for s in stretches if fast.cut(s) != list(tk.cut(s, HMM=False))]
    assert differ == []


@pytest.mark.parametrize("text", [
    "", " ", "行政复议纠错率和调解成功率，立案前化解", "abc 12 x y z", "复议a b c案件", "第一 二\t三\r\n四",
    "《中华人民共和国行政复议法》", "ABC行政诉讼DEF", "＃＆._%-", "鑫鑫鑫鑫鑫鑫鑫鑫", "行政復議審結案件",
])
def test_the_segmenter_cuts_mixed_text_as_jieba_does(text):
    assert segmenter().cut(text) == list(tokenizer().cut(text, HMM=False))
