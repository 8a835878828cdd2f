"""One check shared by the tests of the pattern wrappers (pre-checked, gated): a wrapper must
search, find and iterate a window of a text exactly as the pattern it wraps."""

from __future__ import annotations


def assert_searches_as_re(wrapped, text: str, pos: int, endpos: int) -> None:
    raw = wrapped.regex
    got, want = wrapped.search(text, pos, endpos), raw.search(text, pos, endpos)
    assert (got and got.span()) == (want and want.span()), wrapped.pattern
    assert wrapped.findall(text, pos, endpos) == raw.findall(text, pos, endpos)
    assert [m.span() for m in wrapped.finditer(text, pos, endpos)] == [
        m.span() for m in raw.finditer(text, pos, endpos)]
