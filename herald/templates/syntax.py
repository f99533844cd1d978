"""Parsing a template source while keeping where each token is, so problems have a column.

Jinja reports a line only. The lexer yields each token's text in order, so finding that text
from a moving cursor gives its offset; the parser stops on the token it could not use, which
is one of the last few it pulled.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from jinja2 import Environment, TemplateSyntaxError, nodes
from jinja2.lexer import TOKEN_EOF, TokenStream
from jinja2.parser import Parser

_IGNORED = frozenset({"whitespace", "comment", "comment_begin", "comment_end"})


class Token(NamedTuple):
    line: int
    column: int
    kind: str
    value: str


class SourceError(ValueError):
    """A syntax error at a line and column (1-based)."""

    def __init__(self, message: str, line: int, column: int | None) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def where(self) -> str:
        column = f" column {self.column}" if self.column else ""
        return f"line {self.line}{column}"


def normalise(source: str) -> str:
    """Jinja reads every newline style as "\\n"; positions are counted on the same text."""
    return source.replace("\r\n", "\n").replace("\r", "\n")


class _Recorder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.cursor = 0
        self.tokens: list[Token] = []
        self.lexing_failed = False

    def feed(self, raw: Iterator[tuple[int, str, str]]) -> Iterator[tuple[int, str, str]]:
        try:
            for line, kind, value in raw:
                found = self.source.find(value, self.cursor) if value else -1
                offset = found if found >= 0 else self.cursor
                self.cursor = offset + len(value)
                self.tokens.append(Token(line, self.column(offset), kind, value))
                yield line, kind, value
        except TemplateSyntaxError:
            self.lexing_failed = True
            raise

    def column(self, offset: int) -> int:
        return offset - (self.source.rfind("\n", 0, offset) + 1) + 1

    def error_column(self, stream: TokenStream) -> int | None:
        if self.lexing_failed or stream.current.type == TOKEN_EOF:
            rest = self.source[self.cursor :]
            return self.column(self.cursor + len(rest) - len(rest.lstrip(" \t")))
        current = stream.current
        recent = [
            t for t in self.tokens[-8:] if t.kind not in _IGNORED and t.line == current.lineno
        ]
        for token in reversed(recent):
            if token.value == str(current.value):
                return token.column
        return recent[-1].column if recent else None


def parse(environment: Environment, source: str) -> tuple[nodes.Template, list[Token]]:
    """The template's syntax tree and its tokens; a syntax error raises `SourceError`."""
    recorder = _Recorder(source)
    parser: Parser | None = None
    try:
        parser = Parser(environment, source)
        raw = recorder.feed(environment.lexer.tokeniter(source, None))
        parser.stream = TokenStream(environment.lexer.wrap(raw), None, None)
        return parser.parse(), recorder.tokens
    except TemplateSyntaxError as exc:
        column = recorder.error_column(parser.stream) if parser else None
        raise SourceError(exc.message or str(exc), exc.lineno, column) from exc


def column_of(tokens: list[Token], line: int, value: str, after: str | None = None) -> int | None:
    """The column of the first token `value` on `line` (preceded by `after`, if given)."""
    previous: Token | None = None
    for token in tokens:
        if token.kind in _IGNORED:
            continue
        follows = after is None or (previous is not None and previous.value == after)
        text = token.value[1:-1] if token.kind == "string" else token.value
        if token.line == line and text == value and follows:
            return token.column
        previous = token
    return None
