"""The worksheet's numeric formulas (``b / a``, ``(a - b) / a``, ``d / (a + b + c)``).

A tiny recursive-descent parser instead of ``eval``: numbers, input codes, ``+ - * /``, unary
minus and parentheses, nothing else.

Division by zero, which the sources leave undefined (see the worksheet's notes), follows one
rule here: ``0 / 0`` is 1 (nothing was due and nothing was missed: "all of zero did it", as the
axxpxmd application scores it), and any other ``x / 0`` is 0 (the inputs contradict each other,
e.g. changes made with no agents counted; the aryasepta application scores 0).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass

from services import texts

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(.))")


class FormulaError(ValueError):
    """A formula the grammar does not allow; the message says what is wrong."""


@dataclass(frozen=True)
class Num:
    """A numeric constant."""

    value: float


@dataclass(frozen=True)
class Var:
    """An input code of the question."""

    name: str


@dataclass(frozen=True)
class Neg:
    """Unary minus."""

    operand: Node


@dataclass(frozen=True)
class BinOp:
    """``left op right`` with op one of ``+ - * /``."""

    op: str
    left: Node
    right: Node


Node = Num | Var | Neg | BinOp


def _tokens(text: str) -> list[str]:
    result: list[str] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # the last alternative matches any character
        number, name, other = match.groups()
        token = number or name or other
        if other is not None and other not in "+-*/()":
            raise FormulaError(texts.LKE_FORMULA_CHAR.format(char=other))
        result.append(token)
        position = match.end()
    return result


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise FormulaError(texts.LKE_FORMULA_END)
        self.position += 1
        return token

    def expression(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            node = BinOp(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.factor()
        while self.peek() in ("*", "/"):
            op = self.take()
            node = BinOp(op, node, self.factor())
        return node

    def factor(self) -> Node:
        token = self.take()
        if token == "-":
            return Neg(self.factor())
        if token == "(":
            node = self.expression()
            if self.take() != ")":
                raise FormulaError(texts.LKE_FORMULA_PAREN)
            return node
        if token[0].isdigit():
            return Num(float(token))
        if token[0].isalpha() or token[0] == "_":
            return Var(token)
        raise FormulaError(texts.LKE_FORMULA_UNEXPECTED.format(token=token))


def parse(text: str) -> Node:
    """Parse a formula, or raise FormulaError."""
    if not text or not text.strip():
        raise FormulaError(texts.LKE_FORMULA_EMPTY)
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek() is not None:
        raise FormulaError(texts.LKE_FORMULA_UNEXPECTED.format(token=parser.peek()))
    return node


def names(node: Node) -> set[str]:
    """The input codes a formula uses."""
    if isinstance(node, Var):
        return {node.name}
    if isinstance(node, Neg):
        return names(node.operand)
    if isinstance(node, BinOp):
        return names(node.left) | names(node.right)
    return set()


def check(text: str, allowed: Set[str]) -> Node:
    """Parse a formula and check that it only uses ``allowed`` input codes."""
    node = parse(text)
    unknown = sorted(names(node) - set(allowed))
    if unknown:
        raise FormulaError(texts.LKE_FORMULA_UNKNOWN.format(names=", ".join(unknown)))
    return node


def evaluate(node: Node, values: Mapping[str, float]) -> float:
    """The formula's value; division by zero follows the module's rule (0/0 = 1, x/0 = 0)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Var):
        return float(values[node.name])
    if isinstance(node, Neg):
        return -evaluate(node.operand, values)
    left = evaluate(node.left, values)
    right = evaluate(node.right, values)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if right == 0:
        return 1.0 if left == 0 else 0.0
    return left / right
