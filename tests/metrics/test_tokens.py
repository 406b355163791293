"""Token boundaries cut on demand are the boundaries cutting every stretch at once gives."""

from orchestration import settings
from orchestration.metrics import clauses
from orchestration.metrics.cues import indexes
from orchestration.metrics.numbers import normalise
from orchestration.metrics.tokens import Tokens
from orchestration.metrics.vocabulary import vocabulary


def _sentences() -> list[tuple[str, list[tuple[int, int]]]]:
    """Real report text, each sentence with its clauses."""
    found = []
    for path in sorted((settings.REPO_ROOT / "tests/fixtures/dev/texts").glob("*.txt"))[::4]:
        text = normalise(path.read_text(encoding="utf-8"))
        for start, end, _ in clauses.sentences(text):
            found.append((text, clauses.clauses(text, start, end, clauses.brackets(text, start, end))))
    return found


def _everything_cut(text: str, spans: list[tuple[int, int]]) -> Tokens:
    tokens = Tokens(text, spans, indexes(vocabulary()).vocab_words)
    for k in range(len(tokens._stretches)):
        if tokens._stretches[k] is not None:
            tokens._segment(k)
    return tokens


def test_boundaries_do_not_depend_on_which_positions_were_asked_first():
    words = indexes(vocabulary()).vocab_words
    sentences = _sentences()
    assert len(sentences) > 300
    for text, spans in sentences:
        if not spans:
            continue
        a, b = spans[0][0], spans[-1][1]
        eager = _everything_cut(text, spans)
        backwards = Tokens(text, spans, words)  # asked from the end, each stretch cut when first reached
        assert [p in backwards for p in range(b, a - 1, -1)][::-1] == [p in eager for p in range(a, b + 1)], text[a:b]


def test_a_word_inside_another_word_is_no_token_but_a_vocabulary_word_is():
    text = normalise("推进多元化解决纠纷12件,人民调解组织调解纠纷30件")
    spans = clauses.clauses(text, 0, len(text), [])
    tokens = Tokens(text, spans, indexes(vocabulary()).vocab_words)
    inside = text.index("化解")  # 多元化|解决: a cue 化解 there would be an accident
    assert inside not in tokens and inside + 2 not in tokens
    mediation = text.index("调解组织")  # 人民调解|调解组织 overlap inside the vocabulary word 人民调解组织
    assert mediation in tokens


def test_the_last_token_before_a_number_is_cut_on_demand():
    text = normalise("全年审结行政复议案件20件")
    spans = clauses.clauses(text, 0, len(text), [])
    tokens = Tokens(text, spans, indexes(vocabulary()).vocab_words)
    number = text.index("20")
    assert tokens.last(0, number) == _everything_cut(text, spans).last(0, number)
    assert text.endswith(tokens.last(0, number), 0, number) and len(tokens.last(0, number)) < number


def test_outside_the_clauses_every_position_counts_and_inside_numbers_none():
    text = normalise("前言部分。全年审结案件20件")
    clause = (text.index("全"), len(text))
    tokens = Tokens(text, [clause], indexes(vocabulary()).vocab_words)
    assert all(p in tokens for p in range(0, clause[0] + 1))  # before the clause, and its start
    number = text.index("20")
    assert number in tokens and number + 2 in tokens and number + 1 not in tokens
