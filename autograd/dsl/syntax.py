"""The language's syntax: tokens, the expression tree, and a small Pratt parser.

Grammar (Python's precedence; ``^`` is accepted as a synonym of ``**``)::

    program    = statement { (";" | newline) statement }
    statement  = NAME "=" expression
    expression = expression ("+" | "-") expression        left-associative
               | expression ("*" | "/") expression        left-associative
               | ("-" | "+") expression                   binds looser than **: -x**2 == -(x**2)
               | expression ("**" | "^") expression       right-associative
               | NUMBER | NAME | NAME "(" expression { "," expression } ")" | "(" expression ")"

The parser is hand-written and never hands text to Python: there is no ``eval``, ``exec``,
``compile`` or ``ast`` here. Its recursion is bounded by :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from autograd.dsl.errors import DSLError, shown

MAX_SOURCE = 100_000
"""The longest program text accepted, in characters."""

MAX_DEPTH = 200
"""The deepest expression accepted: nested parentheses, calls and operators, counted together."""

FUNCTIONS: dict[str, tuple[int, int | None]] = {
    # name: (fewest, most) arguments; None = any number
    "exp": (1, 1), "log": (1, 1), "sqrt": (1, 1), "sin": (1, 1), "cos": (1, 1), "tanh": (1, 1),
    "sigmoid": (1, 1), "relu": (1, 1), "abs": (1, 1),
    "leaky_relu": (1, 2), "elu": (1, 2),  # the second argument: slope / alpha, a number
    "max": (1, None), "min": (1, None), "sum": (1, None),
}
"""The functions a program may call, with how many arguments each takes."""

PARAMETER_FUNCTIONS = ("leaky_relu", "elu")


# -- tokens -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "nl" (newline or ;), "end"
    text: str
    line: int
    column: int


_DIGITS = frozenset("0123456789")  # not str.isdigit: that accepts "²" and other scripts' digits

_OPERATORS = ("**", "+", "-", "*", "/", "^", "(", ")", ",", "=")


def tokenize(source: str) -> Iterator[Token]:
    """The tokens of ``source``; a character that cannot start a token is a :class:`DSLError`."""
    line, start_of_line, i, n = 1, 0, 0, len(source)
    while i < n:
        c = source[i]
        col = i - start_of_line + 1
        if c == "\n" or c == ";":
            yield Token("nl", c, line, col)
            if c == "\n":
                line, start_of_line = line + 1, i + 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif c == "#":
            while i < n and source[i] != "\n":
                i += 1
        elif c in _DIGITS or (c == "." and i + 1 < n and source[i + 1] in _DIGITS):
            j = i
            while j < n and (source[j] in _DIGITS or source[j] == "."):
                j += 1
            if j < n and source[j] in "eE":
                k = j + 1
                if k < n and source[k] in "+-":
                    k += 1
                if k < n and source[k] in _DIGITS:
                    j = k
                    while j < n and source[j] in _DIGITS:
                        j += 1
            text = source[i:j]
            if text.count(".") > 1:
                raise DSLError(f"malformed number {shown(text)}", source, line, col, len(text))
            if j < n and (source[j].isalpha() or source[j] == "_"):
                raise DSLError(f"malformed number {shown(source[i:j + 1])}", source, line, col, j - i + 1,
                               "put an operator between a number and a name, e.g. 2*x")
            yield Token("num", text, line, col)
            i = j
        elif c.isalpha() or c == "_":
            j = i
            while j < n and (source[j].isalpha() or source[j] in _DIGITS or source[j] == "_"):
                j += 1
            if not source[i:j].isascii():
                raise DSLError(f"name {shown(source[i:j])} is not ASCII", source, line, col, j - i,
                               "names are letters, digits and _, as in x1 or w_2")
            if source[i:j].lower() in ("inf", "infinity", "nan"):
                raise DSLError(f"{source[i:j]!r} is not allowed: numbers must be finite", source, line, col, j - i,
                               "write a finite number; a program has no inf or nan")
            yield Token("name", source[i:j], line, col)
            i = j
        else:
            two = source[i:i + 2]
            if two == "**":
                yield Token("op", two, line, col)
                i += 2
            elif c in "+-*/^(),=":
                yield Token("op", c, line, col)
                i += 1
            else:
                raise DSLError(f"unexpected character {c!r}", source, line, col, 1, _HINTS.get(c, _ALPHABET))
    yield Token("nl", "", line, n - start_of_line + 1)
    yield Token("end", "", line, n - start_of_line + 1)


_ALPHABET = "a program uses ASCII names and numbers, + - * / ** ^ ( ) , = ; and # comments"

_HINTS = {
    "\u00b2": "write powers with ** or ^, e.g. x**2",
    "\u00b3": "write powers with ** or ^, e.g. x**3",
    "\u00d7": "write products with *",
    "\u00b7": "write products with *",
    "\u2212": "this is a typographic minus: use the ASCII - instead",
    ".": "there is no attribute access: call functions by name, e.g. exp(x)",
    "[": "there are no subscripts: give every value its own name",
    "'": "there are no strings: a program is numbers, names, operators and calls",
    '"': "there are no strings: a program is numbers, names, operators and calls",
    ":": "there are no lambdas or blocks: write one assignment per line",
    "{": "there are no sets or dicts: write one assignment per line",
}


# -- the expression tree ----------------------------------------------------------------------
@dataclass(frozen=True)
class Num:
    value: float
    line: int
    column: int


@dataclass(frozen=True)
class Name:
    id: str
    line: int
    column: int


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "+"
    operand: Expr
    line: int
    column: int


@dataclass(frozen=True)
class Binary:
    op: str  # "+", "-", "*", "/", "**"
    left: Expr
    right: Expr
    line: int
    column: int


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    line: int
    column: int


Expr = Num | Name | Unary | Binary | Call


@dataclass(frozen=True)
class Statement:
    target: str
    value: Expr
    line: int
    column: int


# -- the parser -------------------------------------------------------------------------------
_BINARY = {"+": (10, 11), "-": (10, 11), "*": (20, 21), "/": (20, 21), "**": (41, 40), "^": (41, 40)}
_UNARY_POWER = 30  # prefix - and +: above * and /, below **


class Parser:
    """Turns program text into :class:`Statement`s, or raises :class:`DSLError`."""

    def __init__(self, source: str) -> None:
        if len(source) > MAX_SOURCE:
            raise DSLError(f"the program is {len(source):,} characters long; the limit is {MAX_SOURCE:,}",
                           hint="split it into smaller programs")
        self.source = source
        self.tokens = list(tokenize(source))
        self.pos = 0
        self.depth = 0

    # token helpers
    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def error(self, tok: Token, reason: str, hint: str = "") -> DSLError:
        return DSLError(reason, self.source, tok.line, tok.column, max(1, len(tok.text)), hint)

    def expect(self, text: str, hint: str = "") -> Token:
        tok = self.peek()
        if tok.kind != "op" or tok.text != text:
            raise self.error(tok, f"expected {text!r}, found {_describe(tok)}", hint)
        return self.take()

    # grammar
    def program(self) -> list[Statement]:
        statements = []
        while self.peek().kind != "end":
            if self.peek().kind == "nl":
                self.take()
                continue
            statements.append(self.statement())
            tok = self.peek()
            if tok.kind not in ("nl", "end"):
                raise self.error(tok, f"unexpected {_describe(tok)} after the end of the statement",
                                 "one statement per line, or separate them with ;")
        if not statements:
            raise DSLError("the program has no statements", hint="write at least one line like y = x**2")
        return statements

    def statement(self) -> Statement:
        tok = self.take()
        if tok.kind != "name":
            raise self.error(tok, f"a statement starts with the name it assigns, found {_describe(tok)}",
                             "write name = expression")
        if tok.text in FUNCTIONS:
            raise self.error(tok, f"{shown(tok.text)} is a function and cannot be assigned",
                             "choose another name")
        self.expect("=", f"write {tok.text} = expression")
        value, _ = self.expression(0)
        return Statement(tok.text, value, tok.line, tok.column)

    def expression(self, min_power: int) -> tuple[Expr, int]:
        """Pratt parsing: returns the expression and the depth of its tree."""
        self.depth += 1
        start = self.peek()
        if self.depth > MAX_DEPTH:
            raise self.error(start, f"the expression nests deeper than {MAX_DEPTH} levels",
                             "split it into several statements")
        try:
            left, depth = self.prefix()
            while True:
                tok = self.peek()
                if tok.kind != "op" or tok.text not in _BINARY:
                    break
                left_power, right_power = _BINARY[tok.text]
                if left_power < min_power:
                    break
                self.take()
                right, right_depth = self.expression(right_power)
                depth = max(depth, right_depth) + 1
                if depth > MAX_DEPTH:
                    raise self.error(tok, f"the expression nests deeper than {MAX_DEPTH} levels",
                                     "use sum(...) for long sums, or split it into several statements")
                op = "**" if tok.text == "^" else tok.text
                left = Binary(op, left, right, tok.line, tok.column)
            return left, depth
        finally:
            self.depth -= 1

    def prefix(self) -> tuple[Expr, int]:
        tok = self.take()
        if tok.kind == "num":
            value = float(tok.text)
            if not math.isfinite(value):
                raise self.error(tok, f"the number {tok.text} is not finite", "numbers must be below 1.8e308")
            return Num(value, tok.line, tok.column), 1
        if tok.kind == "name":
            if self.peek().kind == "op" and self.peek().text == "(":
                return self.call(tok)
            if tok.text in FUNCTIONS:
                raise self.error(tok, f"{tok.text!r} is a function", f"call it: {tok.text}(...)")
            return Name(tok.text, tok.line, tok.column), 1
        if tok.kind == "op" and tok.text in "-+":
            operand, depth = self.expression(_UNARY_POWER)
            return Unary(tok.text, operand, tok.line, tok.column), depth + 1
        if tok.kind == "op" and tok.text == "(":
            inner, depth = self.expression(0)
            self.expect(")", "close every ( with a )")
            return inner, depth
        raise self.error(tok, f"expected a number, a name or (, found {_describe(tok)}",
                         "an expression is a number, a name, a call like exp(x), or one in parentheses")

    def call(self, name: Token) -> tuple[Expr, int]:
        if name.text not in FUNCTIONS:
            raise self.error(name, f"unknown function {shown(name.text)}", _suggest(name.text))
        self.expect("(")
        args: list[Expr] = []
        depth = 0
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            while True:
                arg, arg_depth = self.expression(0)
                args.append(arg)
                depth = max(depth, arg_depth)
                if self.peek().kind == "op" and self.peek().text == ",":
                    self.take()
                    continue
                break
        self.expect(")", "close the call with ), and separate arguments with ,")
        fewest, most = FUNCTIONS[name.text]
        if len(args) < fewest or (most is not None and len(args) > most):
            wanted = f"{fewest}" if fewest == most else (f"{fewest} to {most}" if most else f"at least {fewest}")
            raise self.error(name, f"{name.text}() takes {wanted} argument{'s' if wanted != '1' else ''}, "
                                   f"got {len(args)}", _usage(name.text))
        if name.text in PARAMETER_FUNCTIONS and len(args) == 2 and not _is_number(args[1]):
            raise self.error(name, f"the second argument of {name.text}() must be a number", _usage(name.text))
        return Call(name.text, tuple(args), name.line, name.column), depth + 1


def _is_number(e: Expr) -> bool:
    return isinstance(e, Num) or (isinstance(e, Unary) and isinstance(e.operand, Num))


def number_value(e: Expr) -> float:
    """The value of a numeric literal, possibly signed (``-0.1``)."""
    if isinstance(e, Num):
        return e.value
    assert isinstance(e, Unary) and isinstance(e.operand, Num)
    return -e.operand.value if e.op == "-" else e.operand.value


def _describe(tok: Token) -> str:
    if tok.kind == "end":
        return "the end of the program"
    if tok.kind == "nl":
        return "the end of the line"
    return shown(tok.text)


def _usage(func: str) -> str:
    if func == "leaky_relu":
        return "leaky_relu(x) or leaky_relu(x, 0.1)"
    if func == "elu":
        return "elu(x) or elu(x, 1.0)"
    if FUNCTIONS[func][1] is None:
        return f"{func}(a, b, ...)"
    return f"{func}(x)"


def _suggest(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, FUNCTIONS, n=1) if len(name) <= 100 else []
    known = ", ".join(sorted(FUNCTIONS))
    return f"did you mean {close[0]!r}? The functions are: {known}" if close else f"the functions are: {known}"


def parse_statements(source: str) -> list[Statement]:
    """Parse program text into statements (no meaning checked yet)."""
    if not isinstance(source, str):
        raise DSLError(f"a program is text, got {type(source).__name__}")
    return Parser(source).program()
