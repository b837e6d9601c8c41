"""Eligibility rules as data: CEL expressions (Common Expression Language) evaluated with
``cel-python``, over a fixed set of facts about the elder.

``rule_compile`` checks a rule before it is saved: it must parse, name only known facts and
functions, and give true or false on a typical elder; each problem carries the line and
column. ``rule_evaluate`` runs a compiled rule on an elder's facts.

Two things about cel-python 0.5.0 are handled here (see docs/subsidies.md):
- comparing a value with ``null`` (``level != null`` while the level is 3) raises "no such
  overload" (cel-python issues #48 and #59), although CEL defines it as plain inequality. The
  equality operators are replaced by ones that treat ``null`` as CEL does.
- evaluation is slow (milliseconds), so results are memoised per rule and the values of the
  facts the rule actually names.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import celpy
from celpy import celtypes, evaluation
from celpy.adapter import json_to_cel
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lark import Token, Tree

from silvercare.subsidies import error_codes as codes

MAX_RULE_LENGTH = 2000


@dataclass(frozen=True)
class Fact:
    name: str
    kind: str
    help: str | Promise
    sample: Any


# The facts a rule may name, with the value a typical elder has (used to check a new rule
# returns true or false and compares like with like).
FACTS: dict[str, Fact] = {
    fact.name: fact
    for fact in [
        Fact("level", "int | null", _("ability level 0–4 (GB/T 42195), null if never assessed"), 2),
        Fact(
            "level_assessed_on",
            "string | null",
            _("date of the assessment that set the level, 'YYYY-MM-DD'"),
            "2026-01-15",
        ),
        Fact(
            "categories",
            "list of strings",
            _(
                "policy categories: advanced_age, disabled, living_alone, empty_nest, "
                "econ_difficult, special_fp_family, rural_left_behind"
            ),
            ["advanced_age", "disabled"],
        ),
        Fact("age", "int", _("age in whole years on the date of the quote"), 81),
        Fact(
            "hukou_type",
            "string",
            _("local_urban, local_rural or non_local"),
            "local_urban",
        ),
        Fact("region_code", "string", _("12-digit code of the elder's community"), "440304001001"),
        Fact(
            "has_disability_certificate",
            "bool",
            _("holds a disability certificate (the 'disabled' category for now)"),
            True,
        ),
        Fact("income_band", "string | null", _("income band (not recorded yet: null)"), "low"),
        Fact(
            "has_trade_in",
            "bool",
            _("the purchase comes with an old device handed in (trade-in, 以旧换新)"),
            True,
        ),
    ]
}
FUNCTIONS = {"size", "int", "uint", "double", "string", "bool", "has", "matches"}
METHODS = {"contains", "startsWith", "endsWith", "matches", "size"}
MACROS = {"all", "exists", "exists_one", "map", "filter"}


def _eq(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return celtypes.BoolType(a is None and b is None)
    return evaluation.bool_eq(a, b)


def _ne(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return celtypes.BoolType(not (a is None and b is None))
    return evaluation.bool_ne(a, b)


_NULL_SAFE: dict[str, Callable[..., Any]] = {"_==_": _eq, "_!=_": _ne}
_env = celpy.Environment()
_env_lock = threading.Lock()  # lark's parser object is shared


@dataclass(frozen=True)
class RuleProblem:
    code: str
    message: str | Promise
    line: int
    column: int
    params: dict[str, str]

    def text(self) -> str:
        """The message in the active language with its parameters filled in."""
        return str(self.message) % self.params


class RuleError(Exception):
    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__(problems[0].message if problems else "invalid rule")
        self.problems = problems


@dataclass(frozen=True)
class CompiledRule:
    text: str
    facts: tuple[str, ...]  # the facts the rule names, in order of first use
    strings: frozenset[str]  # string literals (explanations name the categories they test)
    program: Any
    # Whole-number facts the rule only compares with whole-number literals (or null), with
    # those literals: the rule's verdict depends on such a fact only through the interval
    # between the literals its value falls in (see ``canonical_value``).
    int_literals: tuple[tuple[str, tuple[int, ...]], ...] = ()


@dataclass(frozen=True)
class RuleResult:
    passed: bool
    error: str = ""  # the evaluator's message when the rule could not be evaluated


def _walk(node: Any, bound: frozenset[str], found: list[tuple[str, Any]]) -> None:
    """Collect (kind, token) for each free identifier, function and method of the tree.
    Macro variables (``categories.exists(c, c == "x")``) are bound inside their macro."""
    if not isinstance(node, Tree):
        return
    data = str(node.data)
    kids = node.children
    if data in ("ident", "dot_ident"):
        token = kids[0]
        if str(token) not in bound:
            found.append(("fact", token))
        return
    if data in ("ident_arg", "dot_ident_arg"):
        found.append(("function", kids[0]))
        for kid in kids[1:]:
            _walk(kid, bound, found)
        return
    if data == "member_dot_arg":
        target, method, *rest = kids
        _walk(target, bound, found)
        if str(method) in MACROS and rest and isinstance(rest[0], Tree) and rest[0].children:
            first, *others = rest[0].children
            tokens = list(first.scan_values(lambda v: isinstance(v, Token)))
            if len(tokens) == 1 and tokens[0].type == "IDENT":
                for other in others:
                    _walk(other, bound | {str(tokens[0])}, found)
                return
        found.append(("method", method))
        for kid in rest:
            _walk(kid, bound, found)
        return
    if data == "member_dot":
        _walk(kids[0], bound, found)
        return
    for kid in kids:
        _walk(kid, bound, found)


def _problem(code: str, message: str | Promise, token: Any, **params: str) -> RuleProblem:
    line = int(getattr(token, "line", 1) or 1)
    column = int(getattr(token, "column", 1) or 1)
    return RuleProblem(
        code, message, line, column, {**params, "line": str(line), "column": str(column)}
    )


def _check_names(tree: Tree[Any]) -> tuple[list[RuleProblem], list[str]]:
    found: list[tuple[str, Any]] = []
    _walk(tree, frozenset(), found)
    problems: list[RuleProblem] = []
    facts: list[str] = []
    for kind, token in found:
        name = str(token)
        if kind == "fact":
            if name in FACTS:
                if name not in facts:
                    facts.append(name)
            else:
                problems.append(
                    _problem(
                        codes.RULE_UNKNOWN_FACT,
                        _(
                            "Unknown fact “%(name)s” at line %(line)s, column %(column)s. "
                            "Known facts: %(known)s."
                        ),
                        token,
                        name=name,
                        known=", ".join(FACTS),
                    )
                )
        elif (kind == "function" and name not in FUNCTIONS) or (
            kind == "method" and name not in METHODS
        ):
            problems.append(
                _problem(
                    codes.RULE_UNKNOWN_FUNCTION,
                    _("Unknown function “%(name)s” at line %(line)s, column %(column)s."),
                    token,
                    name=name,
                )
            )
    return problems, facts


@functools.lru_cache(maxsize=512)
def rule_compile(text: str) -> CompiledRule:
    """Parse and check a rule; raises ``RuleError`` listing each problem with its place."""
    if len(text) > MAX_RULE_LENGTH:
        raise RuleError(
            [
                RuleProblem(
                    codes.RULE_TOO_LONG,
                    _("A rule may have at most %(max)s characters."),
                    1,
                    1,
                    {"max": str(MAX_RULE_LENGTH), "line": "1", "column": "1"},
                )
            ]
        )
    if not text.strip():
        raise RuleError(
            [
                RuleProblem(
                    codes.RULE_SYNTAX,
                    _("Write a rule; “true” lets every elder in."),
                    1,
                    1,
                    {"line": "1", "column": "1"},
                )
            ]
        )
    try:
        with _env_lock:
            tree = _env.compile(text)
    except CELParseError as exc:
        line, column = exc.line or 1, exc.column or 1
        raise RuleError(
            [
                RuleProblem(
                    codes.RULE_SYNTAX,
                    _("The rule does not parse at line %(line)s, column %(column)s."),
                    line,
                    column,
                    {"line": str(line), "column": str(column)},
                )
            ]
        ) from None
    problems, facts = _check_names(tree)
    if problems:
        raise RuleError(problems)
    strings = frozenset(
        str(t).strip("\"'")
        for t in tree.scan_values(lambda v: isinstance(v, Token) and v.type.endswith("STRING_LIT"))
    )
    compiled = CompiledRule(
        text=text,
        facts=tuple(facts),
        strings=strings,
        program=_env.program(tree, functions=_NULL_SAFE),
        int_literals=_int_literals(tree, facts),
    )
    _check_on_sample(compiled)
    return compiled


def _simple(node: Any) -> tuple[str, Any] | None:
    """("ident", name) or ("literal", value) when the subtree is only the grammar's
    single-child wrappers around one identifier or literal; else None."""
    while isinstance(node, Tree) and len(node.children) == 1:
        child = node.children[0]
        if isinstance(child, Token):
            if str(node.data) == "ident":
                return ("ident", str(child))
            if str(node.data) == "literal":
                return ("literal", str(child))
            return None
        node = child
    return None


_RELATIONS = {
    "relation_lt",
    "relation_le",
    "relation_gt",
    "relation_ge",
    "relation_eq",
    "relation_ne",
}


def _int_literals(tree: Tree[Any], facts: list[str]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """For each whole-number fact of the rule used only in comparisons ``fact OP literal``
    (or ``literal OP fact``, or with null), the whole-number literals it is compared with."""
    wanted = {name for name in facts if FACTS[name].kind.startswith("int")}
    if not wanted:
        return ()
    uses = dict.fromkeys(wanted, 0)
    for token in tree.scan_values(lambda v: isinstance(v, Token) and v.type == "IDENT"):
        if str(token) in uses:
            uses[str(token)] += 1
    compared = dict.fromkeys(wanted, 0)
    literals: dict[str, set[int]] = {name: set() for name in wanted}
    for node in tree.iter_subtrees():
        kids = node.children
        if str(node.data) != "relation" or len(kids) != 2 or not isinstance(kids[0], Tree):
            continue
        if str(kids[0].data) not in _RELATIONS or len(kids[0].children) != 1:
            continue
        left, right = _simple(kids[0].children[0]), _simple(kids[1])
        for side, other in ((left, right), (right, left)):
            if side is None or other is None or side[0] != "ident" or side[1] not in wanted:
                continue
            if other[0] != "literal":
                continue
            if other[1] == "null":
                compared[side[1]] += 1
            elif other[1].isdecimal():
                compared[side[1]] += 1
                literals[side[1]].add(int(other[1]))
    return tuple(
        (name, tuple(sorted(literals[name])))
        for name in sorted(wanted)
        if uses[name] and compared[name] == uses[name]
    )


def canonical_value(value: Any, literals: tuple[int, ...]) -> Any:
    """A stand-in for ``value`` that compares with every one of ``literals`` the same way
    (null stays null): the literal itself, else the first whole number above the nearest
    literal below it (or just below the smallest literal). ``age >= 75`` then sees ages
    60–74 as 74 and 76–105 as 76, so it is evaluated three times, not forty-six."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return value
    if not literals:
        return 0
    if value in literals:
        return value
    below = [lit for lit in literals if lit < value]
    return below[-1] + 1 if below else literals[0] - 1


def _check_on_sample(rule: CompiledRule) -> None:
    """A rule must give true or false for a typical elder: this catches comparing a number
    with a string and rules that compute a number instead of a decision."""
    sample = {name: fact.sample for name, fact in FACTS.items()}
    try:
        value = rule.program.evaluate(_activation(sample))
    except CELEvalError as exc:
        raise RuleError(
            [
                RuleProblem(
                    codes.RULE_TYPE_ERROR,
                    _(
                        "The rule compares values of different kinds (for example a number "
                        "with text), so it cannot be decided for a typical elder."
                    )
                    if "overload" in _eval_message(exc)
                    else _("The rule cannot be evaluated for a typical elder: %(error)s"),
                    1,
                    1,
                    {"error": _eval_message(exc), "line": "1", "column": "1"},
                )
            ]
        ) from None
    if not isinstance(value, celtypes.BoolType | bool):
        raise RuleError(
            [
                RuleProblem(
                    codes.RULE_NOT_BOOLEAN,
                    _("The rule must be a condition that is true or false."),
                    1,
                    1,
                    {"line": "1", "column": "1"},
                )
            ]
        )


def _activation(facts: dict[str, Any]) -> dict[str, Any]:
    return {name: json_to_cel(facts.get(name)) for name in FACTS}


def _eval_message(exc: Exception) -> str:
    first = exc.args[0] if exc.args else exc
    return str(first)[:200]


@functools.lru_cache(maxsize=100_000)
def _evaluate_cached(text: str, values: tuple[tuple[str, Any], ...]) -> RuleResult:
    rule = rule_compile(text)
    facts = {name: (list(v) if isinstance(v, tuple) else v) for name, v in values}
    try:
        value = rule.program.evaluate(_activation(facts))
    except CELEvalError as exc:
        return RuleResult(False, _eval_message(exc))
    if not isinstance(value, celtypes.BoolType | bool):
        return RuleResult(False, "not a condition")
    return RuleResult(bool(value))


def rule_evaluate(rule: CompiledRule, facts: dict[str, Any]) -> RuleResult:
    """True or false for these facts; a rule that cannot be evaluated for them (a fact it
    compares is null) is false, with the evaluator's message."""
    canon = dict(rule.int_literals)
    pairs: list[tuple[str, Any]] = []
    for name in rule.facts:
        value = facts.get(name)
        if name in canon:
            value = canonical_value(value, canon[name])
        elif isinstance(value, list):
            value = tuple(value)
        pairs.append((name, value))
    values = tuple(pairs)
    return _evaluate_cached(rule.text, values)


def facts_check(facts: Any) -> dict[str, Any]:
    """A facts dict typed in by a user (test-run): known names, right shapes. Missing facts
    take null (an empty list for categories)."""
    if not isinstance(facts, dict):
        raise ValueError("facts must be an object")
    unknown = sorted(set(facts) - set(FACTS))
    if unknown:
        raise ValueError(f"unknown facts: {', '.join(map(str, unknown))}")
    out: dict[str, Any] = dict.fromkeys(FACTS)
    out["categories"] = []
    for name, value in facts.items():
        kind = FACTS[name].kind
        ok = (
            (value is None and "null" in kind)
            or (kind.startswith("int") and isinstance(value, int) and not isinstance(value, bool))
            or (kind.startswith("string") and isinstance(value, str))
            or (kind == "bool" and isinstance(value, bool))
            or (
                kind.startswith("list")
                and isinstance(value, list)
                and all(isinstance(v, str) for v in value)
            )
        )
        if not ok:
            raise ValueError(f"{name} must be {kind}")
        out[name] = value
    if "has_disability_certificate" not in facts:
        out["has_disability_certificate"] = "disabled" in out["categories"]
    if "has_trade_in" not in facts:
        out["has_trade_in"] = False
    return out
