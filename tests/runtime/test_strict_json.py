"""strict_json's bounds and errors, each reached: an over-long number, text, line and file; nesting at
and past the bound; duplicate keys, constants, surrogates; where a message says the error is; and the
line readers (lines, blocks) numbering every line, good or bad, the same way."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest

from yibao.runtime import strict_json as sj
from yibao.runtime.strict_json import MAX_DEPTH, MAX_NUMBER_CHARS, MAX_TEXT_CHARS, JSONError


def error(text: str) -> str:
    with pytest.raises(JSONError) as info:
        sj.loads(text)
    return str(info.value)


# ---- numbers ----
def test_a_number_keeps_its_digits_as_decimal_and_an_integer_as_int():
    assert sj.loads('{"a": 86170907570494.24, "b": 7}') == {"a": Decimal("86170907570494.24"), "b": 7}
    assert type(sj.loads("7")) is int


def test_a_number_of_exactly_the_bound_is_read_and_one_character_more_is_an_error():
    assert sj.loads("9" * MAX_NUMBER_CHARS) == int("9" * MAX_NUMBER_CHARS)
    assert sj.loads("1." + "5" * (MAX_NUMBER_CHARS - 2)) == Decimal("1." + "5" * (MAX_NUMBER_CHARS - 2))
    n = MAX_NUMBER_CHARS + 1
    assert error("9" * n) == f"a number of {n} characters (at most {MAX_NUMBER_CHARS})"
    assert error("1." + "5" * (n - 2)) == f"a number of {n} characters (at most {MAX_NUMBER_CHARS})"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(text):
    assert error(text) == f"{text} is not a number JSON allows"


def test_a_number_decimal_cannot_hold_is_out_of_range():
    assert error("1e99999999999999999999") == "a number out of range"


# ---- texts ----
def test_a_text_of_exactly_the_bound_is_read_and_one_character_more_is_an_error():
    at_bound = '"' + "x" * (MAX_TEXT_CHARS - 2) + '"'
    assert len(sj.loads(at_bound)) == MAX_TEXT_CHARS - 2
    over = at_bound + " "
    assert error(over) == f"{MAX_TEXT_CHARS + 1} characters, more than the {MAX_TEXT_CHARS} a case may have"


def test_a_byte_order_mark_is_skipped_and_not_counted():
    assert sj.loads("\ufeff{}") == {}
    assert sj.loads("\ufeff" + '"' + "x" * (MAX_TEXT_CHARS - 2) + '"') == "x" * (MAX_TEXT_CHARS - 2)


def test_a_duplicate_key_is_named_and_distinct_keys_are_kept_in_order():
    assert error('{"a": 1, "b": 2, "a": 3}') == "the key 'a' appears twice"
    assert list(sj.loads('{"b": 1, "a": 2}')) == ["b", "a"]


def test_an_unpaired_surrogate_is_an_error_wherever_it_hides():
    for text in ['"\\ud800"', '["\\udfff"]', '{"\\ud800": 1}', '{"a": ["\\ud834"]}', '{"a": "\\udc00"}']:
        assert "holds an unpaired surrogate" in error(text), text
    assert sj.loads('"\\ud83d\\ude00"') == "\U0001f600"  # a pair is one character
    assert sj.loads('{"a": ["\\u00e9"]}') == {"a": ["é"]}


def test_a_long_value_is_cut_short_in_a_message():
    key = "k" * 100
    message = error('{"%s": 1, "%s": 2}' % (key, key))
    assert message == "the key '" + "k" * 58 + "…" + " appears twice"
    assert len(message.removeprefix("the key ").removesuffix(" appears twice")) == 60


def test_a_syntax_error_says_its_column_and_keeps_line_and_column():
    with pytest.raises(JSONError) as info:
        sj.loads('{"a": 1,\n "b" 2}')
    e = info.value
    assert (e.line, e.column) == (2, 6)
    assert str(e) == "Expecting ':' delimiter (column 6)"
    assert str(JSONError("plain")) == "plain"  # no column: no "(column …)"


# ---- nesting ----
def test_nesting_to_the_bound_is_read_and_one_level_more_is_an_error_at_its_bracket():
    assert sj.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH) == eval("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(JSONError) as info:
        sj.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert str(info.value) == f"nested more than {MAX_DEPTH} deep (column {MAX_DEPTH + 1})"
    assert info.value.line == 1
    with pytest.raises(JSONError) as info:  # on the second line: the column counts from that line
        sj.loads("[\n " + "{\"a\": " * MAX_DEPTH + "1" + "}" * MAX_DEPTH + "]")
    assert (info.value.line, info.value.column) == (2, 1 + 6 * (MAX_DEPTH - 1) + 1)


def test_many_brackets_side_by_side_are_not_depth():
    wide = "[" + ",".join(["[]"] * (MAX_DEPTH * 3)) + "]"
    assert sj.loads(wide) == [[]] * (MAX_DEPTH * 3)
    mixed = "[" + ",".join(["{}"] * (MAX_DEPTH * 3)) + "]"
    assert sj.loads(mixed) == [{}] * (MAX_DEPTH * 3)


def test_brackets_inside_strings_do_not_count_as_depth():
    text = '["' + "[" * (MAX_DEPTH + 5) + '", "\\"[[[", "\\\\"' + "]"
    assert sj.loads(text) == ["[" * (MAX_DEPTH + 5), '"[[[', "\\"]
    deep_after_string = '["\\\\", ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "]"
    with pytest.raises(JSONError, match="nested more than"):
        sj.loads(deep_after_string)


# ---- the line readers ----
def read_lines(data: bytes):
    return [(n, str(t) if isinstance(t, JSONError) else t) for n, t in sj.lines(io.BytesIO(data))]


def read_blocks(data: bytes, size: int = 1 << 16):
    return [(n, str(t) if isinstance(t, JSONError) else t)
            for block in sj.blocks(io.BytesIO(data), size=size) for n, t in block]


LONG = f"a line of more than {MAX_TEXT_CHARS} bytes"


@pytest.mark.parametrize("reader", [read_lines, read_blocks, lambda d: read_blocks(d, size=7)])
def test_every_line_is_numbered_and_a_bad_one_does_not_stop_the_rest(reader):
    data = b'{"a": 1}\n\n\xff\xfe\n' + b"x" * (MAX_TEXT_CHARS + 5) + b'\n{"b": 2}'
    assert reader(data) == [(1, '{"a": 1}\n'), (2, "\n"), (3, "not UTF-8 text (byte 1 of the line)"),
                            (4, LONG), (5, '{"b": 2}')]


@pytest.mark.parametrize("reader", [read_lines, read_blocks])
def test_a_line_of_exactly_the_bound_is_read(reader):
    line = b"y" * MAX_TEXT_CHARS
    assert reader(line + b"\n" + b"z") == [(1, line.decode() + "\n"), (2, "z")]
    assert reader(b"") == []


def test_blocks_number_on_from_where_they_are_told_and_say_a_long_last_line():
    assert read_blocks(b"a\nb\n") == [(1, "a\n"), (2, "b\n")]
    assert [(n, t) for block in sj.blocks(io.BytesIO(b"a\nb"), number=10) for n, t in block] == [(11, "a\n"), (12, "b")]
    assert read_blocks(b"q\n" + b"x" * (MAX_TEXT_CHARS + 3)) == [(1, "q\n"), (2, LONG)]
    assert read_blocks(b"\xe9\n" + b"x" * (MAX_TEXT_CHARS + 1)) == [(1, "not UTF-8 text (byte 1 of the line)"), (2, LONG)]


def test_a_big_block_with_a_bad_byte_is_split_line_by_line():
    good = b"g" * 1000 + b"\n"
    data = good * (MAX_TEXT_CHARS // 1000) + b"ok\xff\n" + b"last"
    got = read_blocks(data, size=len(data) + 10)
    n = MAX_TEXT_CHARS // 1000
    assert len(got) == n + 2
    assert got[n] == (n + 1, "not UTF-8 text (byte 3 of the line)")
    assert got[-1] == (n + 2, "last")


# ---- a whole file ----
def test_a_file_of_the_bound_is_read_and_a_byte_more_is_an_error():
    assert sj.read(io.BytesIO(b'"' + b"x" * (MAX_TEXT_CHARS - 2) + b'"')) == "x" * (MAX_TEXT_CHARS - 2)
    with pytest.raises(JSONError) as info:
        sj.read(io.BytesIO(b" " * (MAX_TEXT_CHARS + 1)))
    assert str(info.value) == f"more than the {MAX_TEXT_CHARS} bytes a case may have"


def test_a_file_that_is_not_utf8_says_which_byte():
    with pytest.raises(JSONError) as info:
        sj.read(io.BytesIO(b'{"a": "\xc3"}'))
    assert str(info.value) == "not UTF-8 text (byte 8)"


@pytest.mark.parametrize("reader", [read_lines, read_blocks])
def test_the_rest_of_a_line_far_too_long_is_skipped_unread(reader):
    # the line goes on well past the bound after its error: the rest is not taken for more lines
    assert reader(b"x" * (2 * MAX_TEXT_CHARS + 10) + b"\nnext\n") == [(1, LONG), (2, "next\n")]


def test_a_line_of_exactly_the_bound_is_read_in_a_block_split_line_by_line():
    # a bad byte sends the whole block down the line-by-line path: the line at the bound is still read
    data = b"y" * MAX_TEXT_CHARS + b"\n\xff\n"
    assert read_blocks(data, size=len(data) + 10) == [(1, "y" * MAX_TEXT_CHARS + "\n"),
                                                      (2, "not UTF-8 text (byte 1 of the line)")]


def test_a_value_is_shown_whole_up_to_60_characters_as_core_shows_it():
    from yibao.runtime import core
    for n in (57, 58, 59, 60, 200):
        text = "x" * n
        assert sj._show(text) == core._show(text)
        assert len(sj._show(text)) == min(n + 2, 60) and sj._show(text).endswith("…") == (n > 58)


@pytest.mark.parametrize("size", [7, 1 << 16])
def test_after_a_line_too_long_to_read_the_next_lines_are_read_whole(size):
    # long enough that the bound is passed reads before its end, so the rest of it is skipped unread
    data = b"x" * (MAX_TEXT_CHARS + 3 * size) + b'\n{"b": 2}\n{"c": 3}\n'
    assert read_blocks(data, size=size) == [(1, LONG), (2, '{"b": 2}\n'), (3, '{"c": 3}\n')]


@pytest.mark.parametrize("reader", [read_lines, read_blocks])
def test_a_last_line_of_exactly_the_bound_without_its_end_is_read(reader):
    assert reader(b"y" * MAX_TEXT_CHARS) == [(1, "y" * MAX_TEXT_CHARS)]


def test_a_stream_without_read1_is_read_too():
    class Plain:  # a file object that has read but not read1
        def __init__(self, data):
            self._f = io.BytesIO(data)

        def read(self, n=-1):
            return self._f.read(n)
    assert [(n, t) for block in sj.blocks(Plain(b'{"a": 1}\n{"b": 2}')) for n, t in block] == [
        (1, '{"a": 1}\n'), (2, '{"b": 2}')]


def test_an_escape_inside_a_string_ends_with_the_character_after_it():
    # the string "\n" closes at its quote, so the brackets after it count: too deep
    with pytest.raises(JSONError, match="nested more than"):
        sj.loads('["\\n", ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "]")


def test_the_lines_after_a_too_long_one_in_the_same_read_are_kept():
    data = b"x" * (MAX_TEXT_CHARS + 5) + b'\n{"b": 2}\n{"c": 3}\n'
    assert read_blocks(data) == [(1, LONG), (2, '{"b": 2}\n'), (3, '{"c": 3}\n')]


def test_a_key_given_twice_is_named_not_the_first_key():
    with pytest.raises(JSONError, match="the key 'b' appears twice"):
        sj.loads('{"a": 1, "b": 2, "b": 3}')


def test_too_deep_is_placed_by_line_and_column_from_the_first_character():
    with pytest.raises(JSONError) as info:
        sj.loads("\n" + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert (info.value.line, info.value.column) == (2, MAX_DEPTH + 1)


def test_depth_falls_by_one_at_a_closing_bracket():
    with pytest.raises(JSONError, match="nested more than"):  # 20 deep, back to 1, then 33 deep
        sj.loads("[" + "[" * 19 + "]" * 19 + "," + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "]")


def test_a_line_one_byte_over_the_bound_is_too_long_for_lines_and_blocks():
    data = b"x" * (MAX_TEXT_CHARS + 1) + b'\n{"b": 2}\n'
    for reader in (read_lines, read_blocks):
        assert reader(data) == [(1, LONG), (2, '{"b": 2}\n')]
        assert reader(b"x" * (MAX_TEXT_CHARS + 1) + b"\n") == [(1, LONG)]  # alone in its read


def test_the_bounds_are_the_ones_docs_limits_states():
    from conftest import ROOT
    limits = (ROOT / "docs" / "limits.md").read_text(encoding="utf-8")
    assert f"| one case: a `--case` file, or one line of a `--cases` roll | {MAX_TEXT_CHARS:,} bytes |" in limits
    assert MAX_TEXT_CHARS == 1_000_000


def test_an_escaped_quote_does_not_end_a_string_so_brackets_after_it_are_text():
    text = '["\\"' + "[" * (MAX_DEPTH + 8) + '"]'
    assert sj.loads(text) == ['"' + "[" * (MAX_DEPTH + 8)]
