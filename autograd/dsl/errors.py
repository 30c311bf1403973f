"""``DSLError``: everything wrong with a program's text, pointed at with a caret."""

from __future__ import annotations

from collections.abc import Sequence

_CONTEXT = 60  # characters shown on each side of the caret
_NAME = 40  # characters of a name shown in a message (a name may be 100,000 characters long)


def shown(name: object, quote: bool = True) -> str:
    """A name as a message shows it: quoted (``repr``), cut to its first characters if long."""
    text = str(name)
    cut = text if len(text) <= _NAME else text[:_NAME] + "…"
    return repr(cut) if quote else cut


class DSLError(ValueError):
    """A program is malformed, or cannot be evaluated with the values given.

    Attributes:
        line, column: where (1-based; 0 when the error is not about one place in the text).
        width: how many characters the caret underlines.
        hint: what to do about it ("" when there is nothing useful to add).
        reason: the one-line description, without the location and the caret.
        source: the program text the error points into ("" when none).
    """

    def __init__(self, reason: str, source: str = "", line: int = 0, column: int = 0, width: int = 1,
                 hint: str = "") -> None:
        self.reason = reason
        self.source = source
        self.line = line
        self.column = column
        self.width = width
        self.hint = hint
        parts = [f"line {line}, column {column}: {reason}" if line else reason]
        if line and source:
            lines = source.split("\n")  # the tokenizer's lines: only \n ends one
            text = lines[line - 1].rstrip("\r") if line <= len(lines) else ""
            # one printable character per column, so the caret stays under the offending text
            text = "".join(ch if ch.isprintable() else "?" for ch in text)
            # show a window of the line around the column, so long lines stay readable
            start = max(0, column - 1 - _CONTEXT)
            end = start + 2 * _CONTEXT
            shown = ("…" if start else "") + text[start:end] + ("…" if len(text) > end else "")
            offset = column - 1 - start + (1 if start else 0)
            parts.append(f"  {shown}")
            parts.append("  " + " " * offset + "^" * max(1, min(width, 2 * _CONTEXT)))
        if hint:
            parts.append(f"hint: {hint}")
        super().__init__("\n".join(parts))

    def with_hint(self, hint: str) -> DSLError:
        """The same error pointed at the same place, with another hint (a caller's own words:
        the command line's ``--at x=1`` where the library's hint says ``program(x=1)``)."""
        return DSLError(self.reason, self.source, self.line, self.column, self.width, hint)


class MissingInputError(DSLError):
    """A program was called without a value for some of its inputs.

    Attributes:
        names: the inputs without a value, in the program's order.
    """

    def __init__(self, names: Sequence[str], source: str = "", line: int = 0, column: int = 0,
                 width: int = 1) -> None:
        self.names = tuple(names)
        listed = ", ".join(map(repr, self.names))
        plural = len(self.names) > 1
        super().__init__(f"missing value for input{'s' * plural} {listed}", source, line, column, width,
                         f"pass {'them' if plural else 'it'}, e.g. program({self.names[0]}=1.0)")
