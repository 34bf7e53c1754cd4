"""The expression language of form definitions: parsing, static checks and evaluation."""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal
from typing import Any

import pytest

from forms_service.definitions.expressions import (
    MAX_NESTING,
    MAX_SOURCE_LENGTH,
    Arithmetic,
    Call,
    Compare,
    Duration,
    Expression,
    ExpressionError,
    Kind,
    Logical,
    Negate,
    Not,
    Part,
    T,
    Type,
    parse,
)

TODAY = datetime.date(2024, 6, 15)

ENV: dict[str, Type] = {
    "date_of_birth": T.DATE,
    "crime_date": T.DATE,
    "first_name": T.TEXT,
    "reason": T.TEXT,
    "type": T.text({"property", "health"}),
    "savings": T.NUMBER,
    "number_of_children": T.NUMBER,
    "has_children": T.BOOL,
    "benefits": T.list({"universal-credit", "pip", "none"}),
    "tags": T.LIST,
    "home_address": T.mapping(
        {"line1": T.TEXT, "line2": T.TEXT, "town": T.TEXT, "county": T.TEXT, "postcode": T.TEXT}
    ),
    "applicant_name": T.mapping({"title": T.TEXT, "first": T.TEXT, "last": T.TEXT}),
    "visitors": T.repeat(
        {
            "visitor_first_name": T.TEXT,
            "visitor_dob": T.DATE,
            "visitor_relationship": T.text({"family", "friend"}),
            "visitor_needs": T.list({"wheelchair", "hearing-loop"}),
        }
    ),
}


def evaluate(source: str, answers: dict[str, Any] | None = None, today: Any = TODAY) -> Any:
    """Parse, check against ENV (so only well-checked expressions are evaluated), evaluate."""
    expression = parse(source)
    expression.check(ENV)
    return expression.evaluate(answers or {}, today)


def parse_error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as caught:
        parse(source)
    return caught.value


def check_error(source: str, env: dict[str, Type] = ENV) -> ExpressionError:
    expression = parse(source)
    with pytest.raises(ExpressionError) as caught:
        expression.check_condition(env)
    return caught.value


# -- literals and parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("'text'", "text"),
        ('"double quoted"', "double quoted"),
        ("''", ""),
        ('"it\'s"', "it's"),
        ("'say \"hi\"'", 'say "hi"'),
        ("42", 42),
        ("007", 7),
        ("12.5", Decimal("12.5")),
        ("0.10", Decimal("0.10")),
        ("true", True),
        ("false", False),
        ("none", None),
        ("['a', 'b']", ["a", "b"]),
        ("[\"a\", 'b',]", ["a", "b"]),
        ("[]", []),
        ("[1, 2.5]", [1, Decimal("2.5")]),
        ("28d", Duration(days=28)),
        ("2w", Duration(days=14)),
        ("6m", Duration(months=6)),
        ("2y", Duration(months=24)),
        ("2y + 6m", Duration(months=30)),
        ("1y - 1d", Duration(months=12, days=-1)),
        ("-2y", Duration(months=-24)),
        ("today", TODAY),
        ("  42\n", 42),
        ("-5", -5),
        ("1 + 2 - 4", -1),
        ("12.5 + 1", Decimal("13.5")),
    ],
)
def test_literals_and_arithmetic_evaluate_to_python_values(source: str, expected: Any) -> None:
    result = evaluate(source)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("'x'", T.TEXT),
        ("1", T.NUMBER),
        ("1.5", T.NUMBER),
        ("true", T.BOOL),
        ("none", T.NONE),
        ("2y", T.DURATION),
        ("2y + 3d", T.DURATION),
        ("-1m", T.DURATION),
        ("today", T.DATE),
        ("today - 2y", T.DATE),
        ("2d + crime_date", T.DATE),
        ("['a']", T.LIST),
        ("[1, 2]", Type(Kind.LIST, element=T.NUMBER)),
        ("[]", Type(Kind.LIST)),
        ("savings + 1", T.NUMBER),
        ("-savings", T.NUMBER),
        ("type", T.text({"property", "health"})),
        ("home_address.postcode", T.TEXT),
        ("home_address", ENV["home_address"]),
        ("age(date_of_birth)", T.NUMBER),
        ("years_since(date_of_birth)", T.NUMBER),
        ("days_since(crime_date)", T.NUMBER),
        ("len(reason)", T.NUMBER),
        ("len(benefits)", T.NUMBER),
        ("answered(reason)", T.BOOL),
        ("count(visitors)", T.NUMBER),
        ("count(visitors, age(visitor_dob) >= 18)", T.NUMBER),
        ("any(visitors, visitor_relationship == 'family')", T.BOOL),
        ("all(visitors, answered(visitor_first_name))", T.BOOL),
        ("includes(benefits, 'pip')", T.BOOL),
        ("savings > 1", T.BOOL),
    ],
)
def test_check_gives_the_type_of_the_expression(source: str, expected: Type) -> None:
    assert parse(source).check(ENV) == expected


@pytest.mark.parametrize(
    "source",
    [
        "type == 'property'",
        "'health' != type",
        "type in ['property', 'health']",
        "type not in ['property']",
        "'pip' in benefits",
        "'pip' not in benefits",
        "benefits == ['pip', 'none']",
        "benefits == tags",
        "includes(benefits, 'universal-credit')",
        "includes(benefits, first_name)",
        "first_name == reason",
        "first_name in tags",
        "number_of_children in [0, 1, 2]",
        "date_of_birth in []",
        "has_children == true",
        "has_children in [true]",
        "not has_children",
        "not not has_children",
        "date_of_birth != none",
        "none == savings",
        "visitors == none",
        "none == none",
        "savings >= 16000 and savings < 16000.50",
        "savings <= -1 or -savings > 2",
        "crime_date + 2d <= today",
        "today - 2y > date_of_birth",
        "2y + today > crime_date",
        "today - (2y + 6m) < date_of_birth",
        "home_address.postcode == 'SW1A 1AA'",
        "answered(home_address.line2)",
        "answered(visitors)",
        "len(benefits) >= 2",
        "count(visitors, age(visitor_dob) >= 18) <= 3",
        "any(visitors, visitor_relationship == 'family')",
        "all(visitors, includes(visitor_needs, 'wheelchair'))",
        "count(visitors, savings > 10) == 0",
        "count(visitors,) > 1",
        "first_name == 'a' or first_name == 'b' or first_name == 'c'",
        "(((has_children)))",
        "a_1 == 'x'",
    ],
)
def test_valid_conditions_pass_the_check(source: str) -> None:
    env = {**ENV, "a_1": T.TEXT}
    assert parse(source).check_condition(env) == T.BOOL


# -- precedence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("true or false and false", True),  # and binds tighter than or
        ("false and false or true", True),
        ("(true or false) and false", False),
        ("not false and false", False),  # not binds tighter than and
        ("not (false and false)", True),
        ("not 1 == 2", True),  # comparison binds tighter than not
        ("1 + 2 == 3", True),  # + binds tighter than ==
        ("-1 + 3", 2),  # unary minus binds tighter than +
        ("-(1 + 3)", -4),
        ("10 - 3 - 2", 5),  # left associative
        ("10 - (3 - 2)", 9),
        ("1 + 1 in [2]", True),
        ("not 1 in [1]", False),
        ("true and not false", True),
    ],
)
def test_precedence(source: str, expected: Any) -> None:
    assert evaluate(source) == expected


def test_precedence_shapes_the_tree() -> None:
    root = parse("a or b and not c == d + -e.f").root
    assert isinstance(root, Logical) and root.op == "or"
    inner = root.operands[1]
    assert isinstance(inner, Logical) and inner.op == "and"
    negation = inner.operands[1]
    assert isinstance(negation, Not)
    comparison = negation.operand
    assert isinstance(comparison, Compare) and comparison.op == "=="
    addition = comparison.right
    assert isinstance(addition, Arithmetic) and addition.op == "+"
    assert isinstance(addition.right, Negate)
    assert isinstance(addition.right.operand, Part) and addition.right.operand.part == "f"


def test_and_or_chains_stay_flat() -> None:
    root = parse("a or b or c or d").root
    assert isinstance(root, Logical)
    assert len(root.operands) == 4


def test_not_in_is_one_operator() -> None:
    root = parse("type not in ['a']").root
    assert isinstance(root, Compare) and root.op == "not in"


def test_call_keeps_its_arguments() -> None:
    root = parse("count(visitors, age(visitor_dob) >= 18)").root
    assert isinstance(root, Call) and root.function == "count"
    assert len(root.args) == 2
    assert isinstance(root.args[1], Compare)


# -- syntax errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "fragment"),
    [
        ("", 0, "The expression is empty"),
        ("   ", 0, "The expression is empty"),
        ("(a == 1", 0, "This '(' is never closed"),
        ("age(date_of_birth", 3, "This '(' is never closed"),
        ("['a', 'b'", 0, "This '[' is never closed"),
        ("x == (1 + (2)", 5, "This '(' is never closed"),
        ("age(", 3, "This '(' is never closed"),
        ("a == 'abc", 5, "This text has no closing quote"),
        ('a == "abc', 5, "This text has no closing quote"),
        ("a == \"abc'", 5, "This text has no closing quote"),
        ("a == 1)", 6, "This ')' has no matching opening bracket"),
        ("a]", 1, "This ']' has no matching opening bracket"),
        ("a b", 2, "Unexpected 'b' after a complete expression"),
        ("a == 1 b == 2", 7, "Join conditions with 'and' or 'or'"),
        ("a AND b", 2, "Unexpected 'AND'. Did you mean 'and'?"),
        ("a Or b", 2, "Did you mean 'or'?"),
        ("a = 1", 2, "Use '==' to check that two things are equal"),
        ("a && b", 2, "Use 'and'"),
        ("a || b", 2, "Use 'or'"),
        ("!a", 0, "Use 'not'"),
        ("a * 2", 2, "Only + and - are available"),
        ("a / 2", 2, "Only + and - are available"),
        ("a @ b", 2, "Unexpected character '@'"),
        ("a == \u2018x\u2019", 5, "Use straight quotes"),
        ("a ==", 4, "The expression stops too early"),
        ("not", 3, "The expression stops too early"),
        ("a and", 5, "The expression stops too early"),
        ("== a", 0, "Unexpected '==': expected a value"),
        ("a == )", 5, "Unexpected ')': expected a value"),
        ("and b", 0, "Unexpected 'and': expected a value"),
        ("a not b", 2, "Unexpected 'not' after a complete expression"),
        ("1 < a < 3", 6, "Comparisons cannot be chained"),
        ("a == b != c", 7, "Comparisons cannot be chained"),
        ("a in b in c", 7, "Comparisons cannot be chained"),
        ("2.5y", 0, "a length of time must be a whole number"),
        ("12abc", 0, "'12abc' is not a number"),
        ("a == 3x", 5, "'3x' is not a number"),
        ("home_address.", 13, "Expected the name of a part after '.'"),
        ("home_address.1", 13, "Expected the name of a part after '.'"),
        ("home_address.'x'", 13, "Expected the name of a part after '.'"),
        ("age(a b)", 6, "Unexpected 'b': expected ',' or ')'"),
        ("['a' 'b']", 5, "Unexpected ''b'': expected ',' or ']'"),
        ("(a b)", 3, "Unexpected 'b': expected ')'"),
        ("(a]", 2, "Unexpected ']': expected ')'"),
        ("age(,)", 4, "Unexpected ',': expected a value"),
        ("[,]", 1, "Unexpected ',': expected a value"),
        ("a.b(1)", 3, "Unexpected '('"),
        ("+1", 0, "Unexpected '+': expected a value"),
        ("()", 1, "Unexpected ')': expected a value"),
    ],
)
def test_syntax_errors_say_what_and_where(source: str, offset: int, fragment: str) -> None:
    error = parse_error(source)
    assert fragment in error.message
    assert error.offset == offset
    assert error.name is None
    assert str(error) == error.message


def test_offsets_count_characters_across_lines() -> None:
    error = parse_error("has_children and\n  (reason == 'x'")
    assert error.offset == 19


def test_source_of_exactly_the_maximum_length_parses() -> None:
    source = "x" * MAX_SOURCE_LENGTH
    assert parse(source).names() == {source}


def test_longer_source_is_refused() -> None:
    error = parse_error("x" * (MAX_SOURCE_LENGTH + 1))
    assert error.offset == 0
    assert f"longer than {MAX_SOURCE_LENGTH} characters" in error.message


@pytest.mark.parametrize(
    ("source", "offset"),
    [
        ("(" * 100 + "x" + ")" * 100, MAX_NESTING),
        ("[" * 100 + "x" + "]" * 100, MAX_NESTING),
        ("age(" * 100 + "x" + ")" * 100, 4 * MAX_NESTING + 3),
        ("not " * 300 + "x", 4 * MAX_NESTING),
        ("-" * 1000 + "1", MAX_NESTING),
    ],
)
def test_deep_nesting_is_an_error_not_a_crash(source: str, offset: int) -> None:
    error = parse_error(source)
    assert "nested too deeply" in error.message
    assert error.offset == offset


@pytest.mark.parametrize(
    "source",
    [
        " + ".join(["1"] * 400),
        ".".join(["a"] * 400),
        " - ".join(["today"] * 200),
    ],
)
def test_long_left_leaning_chains_are_an_error_not_a_crash(source: str) -> None:
    assert "too long or too deeply nested" in parse_error(source).message


def test_long_or_chains_are_fine_because_they_stay_flat() -> None:
    source = " or ".join(["false"] * 150 + ["true"])
    assert len(source) < MAX_SOURCE_LENGTH
    assert evaluate(source) is True


def test_nesting_within_the_limit_is_fine() -> None:
    depth = MAX_NESTING - 1
    assert evaluate("(" * depth + "1" + ")" * depth) == 1


# -- static check errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "offset", "message", "name"),
    [
        (
            "age(dob) >= 18",
            4,
            "Unknown question 'dob'. Did you mean 'date_of_birth'?",
            "dob",
        ),
        (
            "frist_name == 'x'",
            0,
            "Unknown question 'frist_name'. Did you mean 'first_name'?",
            "frist_name",
        ),
        ("zzz == 1", 0, "Unknown question 'zzz'. Check the question id.", "zzz"),
        ("postcode == 'x'", 0, "Unknown question 'postcode'. Check the question id.", "postcode"),
        ("saving > 1", 0, "Unknown question 'saving'. Did you mean 'savings'?", "saving"),
        ("has_children == True", 16, "Unknown question 'True'. Did you mean 'true'?", "True"),
        (
            "visitor_dob < today",
            0,
            "Unknown question 'visitor_dob'. Did you mean 'visitors'?",
            "visitor_dob",
        ),
        (
            "any(visitors, age(visiter_dob) > 18)",
            18,
            "Unknown question 'visiter_dob'. Did you mean 'visitor_dob'?",
            "visiter_dob",
        ),
        ("answered(emial)", 9, "Unknown question 'emial'. Check the question id.", "emial"),
    ],
)
def test_unknown_names_are_reported_with_a_suggestion(
    source: str, offset: int, message: str, name: str
) -> None:
    error = check_error(source)
    assert (error.message, error.offset, error.name) == (message, offset, name)


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        # functions
        ("agee(date_of_birth) > 18", 0, "Unknown function 'agee'. Did you mean 'age'?"),
        ("count_of(visitors) > 1", 0, "Unknown function 'count_of'. Did you mean 'count'?"),
        (
            "has_children or sum(savings) > 1",
            16,
            "Unknown function 'sum'. The functions are: age, "
            "years_since, days_since, answered, count, any, all, includes, len.",
        ),
        (
            "age(date_of_birth, today) > 1",
            0,
            "age() needs 1 argument, but was given 2. Write it like age(date_of_birth)",
        ),
        (
            "has_children and count() > 1",
            17,
            "count() needs 1 or 2 arguments, but was given 0. "
            "Write it like count(visitors) or count(visitors, age(visitor_dob) >= 18)",
        ),
        (
            "any(visitors)",
            0,
            "any() needs 2 arguments, but was given 1. "
            "Write it like any(visitors, age(visitor_dob) < 18)",
        ),
        ("age(first_name) > 18", 4, "age() needs a date question, but 'first_name' is text"),
        (
            "days_since(savings) > 1",
            11,
            "days_since() needs a date question, but 'savings' is a number",
        ),
        ("years_since(5) > 1", 12, "years_since() needs a date question, but this is a number"),
        (
            "age(home_address.town) > 1",
            4,
            "age() needs a date question, but 'home_address.town' is text",
        ),
        ("len(savings) > 3", 4, "len() needs text, but 'savings' is a number"),
        ("answered('reason')", 9, "answered() needs a question id, like answered(phone_number)"),
        ("answered(today)", 9, "answered() needs a question id, like answered(phone_number)"),
        (
            "includes(type, 'property')",
            9,
            "includes() needs a checkboxes question, but 'type' is text",
        ),
        (
            "includes(benefits, 3)",
            19,
            "includes() needs the text of an option, but this is a number",
        ),
        ("count(first_name) > 1", 6, "count() needs a repeating group, but 'first_name' is text"),
        ("any(savings, true)", 4, "any() needs a repeating group, but 'savings' is a number"),
        ("all(benefits, true)", 4, "all() needs a repeating group, but 'benefits' is a list"),
        (
            "count(visitors, visitor_dob) > 1",
            16,
            "the condition in count() must be true or false, but 'visitor_dob' is a date",
        ),
        # comparisons
        (
            "date_of_birth > 18",
            0,
            "cannot compare a date with a number; for someone's age write age(date_of_birth)",
        ),
        (
            "has_children and 18 <= date_of_birth",
            17,
            "cannot compare a number with a date; for someone's age write age(date_of_birth)",
        ),
        ("savings == 'lots'", 0, "cannot compare a number with text"),
        ("has_children == 'yes'", 0, "cannot compare a true/false value with text"),
        (
            "date_of_birth < 18y",
            0,
            "cannot compare a date with a length of time; for a date that long ago write "
            "today - 18y",
        ),
        ("2y == 24m", 0, "cannot compare a length of time with a length of time"),
        (
            "home_address == home_address",
            0,
            "cannot compare a group of parts with a group of parts",
        ),
        ("visitors != visitors", 0, "cannot compare a repeating group with a repeating group"),
        (
            "first_name < 'm'",
            0,
            "cannot use '<' with text: only numbers and dates can be compared with '<'",
        ),
        (
            "has_children >= true",
            0,
            "cannot use '>=' with true/false values: only numbers and "
            "dates can be compared with '>='",
        ),
        (
            "savings > none",
            0,
            "cannot use '>' with none: only numbers and dates can be compared with '>'",
        ),
        (
            "savings in benefits",
            0,
            "cannot compare a number with the values of 'benefits', which are text",
        ),
        (
            "reason in [1, 2]",
            0,
            "cannot compare text with the values of the list, which are numbers",
        ),
        (
            "first_name in 'abc'",
            14,
            "'in' needs a list on its right, like ['a', 'b'], but this is text",
        ),
        (
            "first_name not in first_name",
            18,
            "'not in' needs a list on its right, like ['a', 'b'], but 'first_name' is text",
        ),
        ("'x' in none", 7, "'in' needs a list on its right, like ['a', 'b'], but this is none"),
        (
            "[1, 'a'] == tags",
            4,
            "all the values in a list must be of one kind, but this is text and the first is a "
            "number",
        ),
        (
            "[visitors] == tags",
            1,
            "a list can hold text, numbers, dates or true/false values, "
            "but this is a repeating group",
        ),
        # options
        ("type == 'propety'", 8, "'propety' is not an option of 'type'. Did you mean 'property'?"),
        ("'propety' != type", 0, "'propety' is not an option of 'type'. Did you mean 'property'?"),
        (
            "type in ['property', 'helth']",
            21,
            "'helth' is not an option of 'type'. Did you mean 'health'?",
        ),
        (
            "type == 'zzz'",
            8,
            "'zzz' is not an option of 'type'. The options are: 'health', 'property'.",
        ),
        ("'pipp' in benefits", 0, "'pipp' is not an option of 'benefits'. Did you mean 'pip'?"),
        (
            "benefits == ['pip', 'nnone']",
            20,
            "'nnone' is not an option of 'benefits'. Did you mean 'none'?",
        ),
        (
            "includes(benefits, 'universal credit')",
            19,
            "'universal credit' is not an option of 'benefits'. Did you mean 'universal-credit'?",
        ),
        (
            "any(visitors, visitor_relationship == 'frend')",
            38,
            "'frend' is not an option of 'visitor_relationship'. Did you mean 'friend'?",
        ),
        # parts
        (
            "first_name.postcode == 'x'",
            11,
            "'first_name' is text, so it has no part 'postcode'. "
            "Only answers with parts, like an address, can be followed by a dot.",
        ),
        (
            "home_address.postcod == 'x'",
            13,
            "'home_address' has no part 'postcod'. Did you mean 'postcode'?",
        ),
        (
            "applicant_name.middle == 'x'",
            15,
            "'applicant_name' has no part 'middle'. Its parts are: title, first, last.",
        ),
        (
            "home_address.town.name == 'x'",
            18,
            "'home_address.town' is text, so it has no part 'name'. Only answers with parts, like "
            "an address, can be followed by a dot.",
        ),
        # logic and arithmetic
        (
            "not savings",
            4,
            "'not' needs a condition that is true or false, but 'savings' is a number",
        ),
        (
            "has_children and savings",
            17,
            "'and' joins conditions that are true or false, but 'savings' is a number",
        ),
        ("reason or true", 0, "'or' joins conditions that are true or false, but 'reason' is text"),
        (
            "-first_name == 'x'",
            1,
            "a minus sign needs a number or a length of time, but 'first_name' is text",
        ),
        (
            "date_of_birth + 2 > today",
            0,
            "cannot add a number to a date; give a unit, like today - 18y or crime_date + 28d",
        ),
        (
            "date_of_birth - crime_date > 2",
            0,
            "cannot subtract a date from a date; to compare two dates use < or >, or days_since()",
        ),
        ("2y - today < today", 0, "cannot subtract a date from a length of time"),
        ("first_name + 'x' == 'y'", 0, "cannot add text to text"),
        ("savings + none > 1", 0, "cannot add none to a number"),
        # top-level conditions
        ("savings + 1", 0, "a condition must be true or false, but this is a number"),
        ("first_name", 0, "a condition must be true or false, but this is text"),
        ("  (date_of_birth)", 3, "a condition must be true or false, but this is a date"),
        ("none", 0, "a condition must be true or false, but this is none"),
        ("benefits", 0, "a condition must be true or false, but this is a list"),
    ],
)
def test_check_errors_say_what_and_where(source: str, offset: int, message: str) -> None:
    error = check_error(source)
    assert (error.message, error.offset, error.name) == (message, offset, None)


def test_check_without_condition_allows_any_type() -> None:
    assert parse("savings + 1").check(ENV) == T.NUMBER


def test_repeat_item_names_shadow_outer_names_inside_the_condition() -> None:
    env = {"first_name": T.TEXT, "people": T.repeat({"first_name": T.NUMBER})}
    assert parse("count(people, first_name > 3) > 0").check_condition(env) == T.BOOL
    assert check_error("first_name > 3", env).message == "cannot compare text with a number"


def test_repeat_item_names_are_unknown_outside_the_repeat_functions() -> None:
    error = check_error("count(visitors) > 0 and answered(visitor_first_name)")
    assert (error.offset, error.name) == (33, "visitor_first_name")


def test_nested_repeats_resolve_inner_names() -> None:
    env = {"households": T.repeat({"members": T.repeat({"member_dob": T.DATE})})}
    expression = parse("any(households, count(members, age(member_dob) < 18) > 2)")
    assert expression.check_condition(env) == T.BOOL
    answers = {"households": [{"members": [{"member_dob": datetime.date(2020, 1, 1)}] * 3}]}
    assert expression.evaluate_condition(answers, TODAY) is True


# -- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("count(visitors, age(visitor_dob) >= 18) <= 3", {"visitors", "visitor_dob"}),
        ("today - 2y > date_of_birth", {"date_of_birth"}),
        ("home_address.postcode == 'x'", {"home_address"}),
        ("answered(a) or b in [c, 'd'] and not -e > f + 1", {"a", "b", "c", "e", "f"}),
        ("age(x) > 1", {"x"}),
        ("true", set()),
    ],
)
def test_names_lists_every_question_read(source: str, names: set[str]) -> None:
    assert parse(source).names() == frozenset(names)


# -- evaluation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "today", "years"),
    [
        (datetime.date(2006, 6, 15), datetime.date(2024, 6, 15), 18),  # 18th birthday today
        (datetime.date(2006, 6, 16), datetime.date(2024, 6, 15), 17),  # birthday tomorrow
        (datetime.date(2006, 6, 14), datetime.date(2024, 6, 15), 18),
        (datetime.date(2000, 12, 31), datetime.date(2024, 1, 1), 23),
        (datetime.date(2004, 2, 29), datetime.date(2022, 2, 28), 17),  # leap day birthday:
        (datetime.date(2004, 2, 29), datetime.date(2022, 3, 1), 18),  # reached on 1 March
        (datetime.date(2004, 2, 29), datetime.date(2024, 2, 28), 19),
        (datetime.date(2004, 2, 29), datetime.date(2024, 2, 29), 20),
        (datetime.date(2024, 6, 15), datetime.date(2024, 6, 15), 0),
        (datetime.date(2025, 1, 1), datetime.date(2024, 6, 15), -1),
        (datetime.datetime(2006, 6, 15, 23, 59), datetime.date(2024, 6, 15), 18),
    ],
)
@pytest.mark.parametrize("function", ["age", "years_since"])
def test_age_counts_whole_years(
    function: str, born: datetime.date, today: datetime.date, years: int
) -> None:
    assert evaluate(f"{function}(date_of_birth)", {"date_of_birth": born}, today) == years


@pytest.mark.parametrize(
    ("day", "days"),
    [
        (datetime.date(2024, 6, 15), 0),
        (datetime.date(2024, 6, 1), 14),
        (datetime.date(2023, 6, 15), 366),
        (datetime.date(2024, 6, 20), -5),
    ],
)
def test_days_since(day: datetime.date, days: int) -> None:
    assert evaluate("days_since(crime_date)", {"crime_date": day}) == days


def test_today_may_be_given_as_a_datetime() -> None:
    now = datetime.datetime(2024, 6, 15, 9, 30)
    assert evaluate("today + 1d", today=now) == datetime.date(2024, 6, 16)
    assert evaluate("crime_date == today", {"crime_date": TODAY}, now) is True


@pytest.mark.parametrize(
    ("source", "day", "expected"),
    [
        ("crime_date + 1m", datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)),
        ("crime_date + 1m", datetime.date(2023, 1, 31), datetime.date(2023, 2, 28)),
        ("crime_date - 1m", datetime.date(2024, 3, 31), datetime.date(2024, 2, 29)),
        ("crime_date + 13m", datetime.date(2024, 1, 31), datetime.date(2025, 2, 28)),
        ("crime_date - 13m", datetime.date(2024, 1, 15), datetime.date(2022, 12, 15)),
        ("crime_date - 1y", datetime.date(2024, 2, 29), datetime.date(2023, 2, 28)),
        ("crime_date + 1y", datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),
        ("crime_date + 4y", datetime.date(2024, 2, 29), datetime.date(2028, 2, 29)),
        ("crime_date + 2d", datetime.date(2024, 12, 31), datetime.date(2025, 1, 2)),
        ("crime_date - 2w", datetime.date(2024, 1, 10), datetime.date(2023, 12, 27)),
        ("2d + crime_date", datetime.date(2024, 2, 28), datetime.date(2024, 3, 1)),
        ("crime_date + -2d", datetime.date(2024, 3, 1), datetime.date(2024, 2, 28)),
        ("crime_date + (1m + 1d)", datetime.date(2024, 1, 31), datetime.date(2024, 3, 1)),
        ("crime_date - (1m + 1d)", datetime.date(2024, 3, 31), datetime.date(2024, 2, 28)),
        ("crime_date + 1m + 1m", datetime.date(2024, 1, 31), datetime.date(2024, 3, 29)),
        ("crime_date + 10000y", datetime.date(2024, 1, 1), None),  # past the calendar's end
        ("crime_date - 3000y", datetime.date(2024, 1, 1), None),
        ("crime_date + 999999999999d", datetime.date(2024, 1, 1), None),
        ("crime_date + 1d", None, None),
    ],
)
def test_date_arithmetic_clamps_the_day_of_the_month(
    source: str, day: datetime.date | None, expected: datetime.date | None
) -> None:
    assert evaluate(source, {"crime_date": day}) == expected


def test_today_minus_years() -> None:
    assert evaluate("today - 18y") == datetime.date(2006, 6, 15)
    assert evaluate("today - 18y", today=datetime.date(2024, 2, 29)) == datetime.date(2006, 2, 28)


@pytest.mark.parametrize(
    ("source", "savings", "expected"),
    [
        ("savings + 1", Decimal("10.50"), Decimal("11.50")),
        ("savings - 0.5", 10, Decimal("9.5")),
        ("savings + 0.5", 1.5, Decimal("2.0")),
        ("-savings", Decimal("3"), Decimal("-3")),
        ("savings >= 16000", Decimal("16000.00"), True),
        ("savings >= 16000", Decimal("15999.99"), False),
        ("savings == 12.5", Decimal("12.50"), True),
        ("savings == 12", Decimal("12.0"), True),
        ("savings < 12.5", 12, True),
        ("savings == 1", True, False),  # a stray boolean is not the number 1
        ("savings > 1", "many", False),  # a value of the wrong kind never raises
        ("savings + 1", "many", None),
    ],
)
def test_number_arithmetic_and_comparison(source: str, savings: Any, expected: Any) -> None:
    assert evaluate(source, {"savings": savings}) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("first_name == 'x'", False),
        ("first_name != 'x'", True),
        ("first_name == none", True),
        ("first_name != none", False),
        ("none == none", True),
        ("savings > 5", False),
        ("savings < 5", False),
        ("savings <= 5", False),
        ("savings >= 5", False),
        ("date_of_birth < today", False),
        ("today - 2y > date_of_birth", False),
        ("savings + 1", None),
        ("-savings", None),
        ("crime_date + 2d", None),
        ("age(date_of_birth)", None),
        ("years_since(date_of_birth)", None),
        ("days_since(crime_date)", None),
        ("age(date_of_birth) >= 18", False),
        ("age(date_of_birth) < 18", False),
        ("days_since(crime_date) > 3", False),
        ("len(reason)", None),
        ("len(reason) > 3", False),
        ("includes(benefits, 'pip')", None),
        ("answered(first_name)", False),
        ("answered(home_address.postcode)", False),
        ("count(visitors)", 0),
        ("count(visitors, true)", 0),
        ("any(visitors, true)", None),
        ("all(visitors, true)", None),
        ("not has_children", True),
        ("has_children and true", False),
        ("has_children or true", True),
        ("has_children or false", False),
        ("'pip' in benefits", False),
        ("'pip' not in benefits", True),
        ("type in ['property']", False),
        ("type not in ['property']", True),
        ("home_address.postcode", None),
        ("home_address.postcode == 'x'", False),
    ],
)
def test_missing_answers_are_none(source: str, expected: Any) -> None:
    assert evaluate(source, {}) == expected
    assert evaluate(source, {"unrelated": 1}) == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("has_children", False),
        ("any(visitors, true)", False),
        ("not has_children", True),
        ("savings > 1", False),
        ("savings != 1", True),
    ],
)
def test_evaluate_condition_gives_a_bool_with_none_as_false(source: str, expected: bool) -> None:
    result = parse(source).evaluate_condition({}, TODAY)
    assert result is expected


FULL_ANSWERS: dict[str, Any] = {
    "date_of_birth": datetime.date(1990, 2, 28),
    "crime_date": datetime.date(2024, 6, 1),
    "type": "property",
    "savings": Decimal("16000.50"),
    "has_children": True,
    "benefits": ["pip"],
    "home_address": {"line1": "1 High St", "postcode": "SW1A 1AA"},
    "visitors": [{"visitor_dob": datetime.date(2000, 1, 1), "visitor_relationship": "friend"}],
}

# each with its value for FULL_ANSWERS
ROBUST_CONDITIONS = {
    "count(visitors, age(visitor_dob) >= 18) <= 3": True,
    "any(visitors, visitor_relationship == 'family') or not has_children": False,
    "all(visitors, includes(visitor_needs, 'wheelchair'))": False,
    "today - 18y >= date_of_birth and type == 'property'": True,
    "crime_date + 28d > today or days_since(crime_date) < 3": True,
    "savings + 1 >= 16000 and -savings < 0": True,
    "'pip' in benefits and includes(benefits, 'pip') and len(benefits) == 1": True,
    "home_address.postcode == 'SW1A 1AA' and answered(home_address)": True,
    "type not in ['health'] and not (savings > 10)": False,
    "age(date_of_birth) == years_since(date_of_birth)": True,
}


@pytest.mark.parametrize("source", ROBUST_CONDITIONS)
def test_well_checked_conditions_never_raise_for_any_missing_answers(source: str) -> None:
    expression = parse(source)
    expression.check_condition(ENV)
    keys = list(FULL_ANSWERS)
    for size in range(len(keys) + 1):
        for present in itertools.combinations(keys, size):
            answers = {key: FULL_ANSWERS[key] for key in present}
            assert isinstance(expression.evaluate_condition(answers, TODAY), bool)
    # and with every answer explicitly none
    assert expression.evaluate_condition(dict.fromkeys(keys), TODAY) in (True, False)


@pytest.mark.parametrize(("source", "expected"), ROBUST_CONDITIONS.items())
def test_well_checked_conditions_with_full_answers(source: str, expected: bool) -> None:
    assert parse(source).evaluate_condition(FULL_ANSWERS, TODAY) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("x", True),
        ("", False),
        ("   ", False),
        (None, False),
        ([], False),
        (["a"], True),
        (0, True),
        (Decimal("0"), True),
        (False, True),  # "no" is an answer
        (TODAY, True),
        ({}, False),
        ({"line1": "", "postcode": None}, False),
        ({"line1": "1 High St", "postcode": None}, True),
    ],
)
def test_answered(value: Any, expected: bool) -> None:
    assert evaluate("answered(reason)", {"reason": value}) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("abc", 3), ("ŵ", 1)],
)
def test_len_of_text(text: str, expected: int) -> None:
    assert evaluate("len(reason)", {"reason": text}) == expected


def test_len_of_a_list() -> None:
    assert evaluate("len(benefits)", {"benefits": ["pip", "none"]}) == 2


@pytest.mark.parametrize(
    ("chosen", "value", "expected"),
    [
        (["pip", "universal-credit"], "pip", True),
        (["pip", "universal-credit"], "none", False),
        ([], "pip", False),
    ],
)
def test_includes(chosen: list[str], value: str, expected: bool) -> None:
    assert evaluate(f"includes(benefits, '{value}')", {"benefits": chosen}) is expected


def test_includes_with_a_text_answer_as_the_value() -> None:
    answers = {"benefits": ["pip"], "first_name": "pip"}
    assert evaluate("includes(benefits, first_name)", answers) is True


@pytest.mark.parametrize(
    ("source", "answers", "expected"),
    [
        ("type in ['property', 'health']", {"type": "property"}, True),
        ("type in ['property', 'health']", {"type": "health"}, True),
        ("type in ['property', 'health']", {"type": "other"}, False),
        ("type not in ['property', 'health']", {"type": "other"}, True),
        ("type not in ['property', 'health']", {"type": "health"}, False),
        ("'pip' in benefits", {"benefits": ["none", "pip"]}, True),
        ("'pip' in benefits", {"benefits": []}, False),
        ("'pip' not in benefits", {"benefits": ["none"]}, True),
        ("first_name in tags", {"first_name": "a", "tags": ["a", "b"]}, True),
        ("number_of_children in [0, 1]", {"number_of_children": 0}, True),
        ("number_of_children in [0, 1]", {"number_of_children": 2}, False),
        ("number_of_children in [0, 1]", {"number_of_children": False}, False),
        ("has_children in [true]", {"has_children": True}, True),
        ("date_of_birth in []", {"date_of_birth": TODAY}, False),
        ("first_name == 'ann'", {"first_name": "Ann"}, False),  # exact, like option values
        ("benefits == ['pip', 'none']", {"benefits": ["pip", "none"]}, True),
    ],
)
def test_in_and_equality(source: str, answers: dict[str, Any], expected: bool) -> None:
    assert evaluate(source, answers) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("home_address.postcode", "SW1A 1AA"),
        ("home_address.postcode == 'SW1A 1AA'", True),
        ("home_address.line2", None),  # a part not given is none
        ("applicant_name.first == 'Ann'", True),
        ("answered(applicant_name.title)", False),
    ],
)
def test_mapping_parts(source: str, expected: Any) -> None:
    answers = {
        "home_address": {"line1": "1 High St", "postcode": "SW1A 1AA"},
        "applicant_name": {"title": "", "first": "Ann", "last": "Smith"},
    }
    assert evaluate(source, answers) == expected


def test_part_of_a_value_that_is_not_a_mapping_is_none() -> None:
    assert evaluate("home_address.postcode", {"home_address": "1 High St"}) is None


def _visitor(dob: datetime.date, relationship: str = "family", **more: Any) -> dict[str, Any]:
    return {"visitor_dob": dob, "visitor_relationship": relationship, **more}


VISITORS = [
    _visitor(datetime.date(1990, 1, 1), visitor_needs=["wheelchair"]),  # 34
    _visitor(datetime.date(2000, 6, 16), "friend", visitor_needs=[]),  # 23
    _visitor(datetime.date(2010, 1, 1)),  # 14
    _visitor(datetime.date(2006, 6, 16), "friend"),  # 17: 18 tomorrow
    _visitor(datetime.date(2006, 6, 15), "friend"),  # 18 today
]


@pytest.mark.parametrize(
    ("source", "visitors", "expected"),
    [
        ("count(visitors)", VISITORS, 5),
        ("count(visitors, age(visitor_dob) >= 18)", VISITORS, 3),
        ("count(visitors, age(visitor_dob) >= 18) <= 3", VISITORS, True),
        (
            "count(visitors, age(visitor_dob) >= 18) <= 3",
            [*VISITORS, _visitor(datetime.date(1980, 5, 5))],
            False,
        ),
        ("count(visitors, visitor_relationship == 'family')", VISITORS, 2),
        ("any(visitors, age(visitor_dob) < 18)", VISITORS, True),
        ("any(visitors, age(visitor_dob) > 40)", VISITORS, False),
        ("all(visitors, age(visitor_dob) >= 18)", VISITORS, False),
        ("all(visitors, age(visitor_dob) >= 14)", VISITORS, True),
        ("all(visitors, answered(visitor_dob))", VISITORS, True),
        ("any(visitors, includes(visitor_needs, 'wheelchair'))", VISITORS, True),
        ("all(visitors, includes(visitor_needs, 'wheelchair'))", VISITORS, False),
        ("count(visitors, answered(visitor_first_name))", VISITORS, 0),
        ("count(visitors)", [], 0),
        ("count(visitors, true)", [], 0),
        ("any(visitors, true)", [], False),
        ("all(visitors, false)", [], True),
        ("count(visitors, answered(visitor_dob))", [None, "junk", {}], 0),
    ],
)
def test_repeat_functions(source: str, visitors: list[Any], expected: Any) -> None:
    assert evaluate(source, {"visitors": visitors}) == expected


def test_repeat_condition_sees_outer_answers() -> None:
    answers = {"visitors": VISITORS, "savings": 500}
    assert evaluate("count(visitors, savings > 100)", answers) == 5
    assert evaluate("count(visitors, savings > 1000)", answers) == 0


def test_repeat_item_answers_are_overlaid_on_outer_answers() -> None:
    env = {"first_name": T.TEXT, "people": T.repeat({"first_name": T.TEXT, "pet": T.TEXT})}
    answers = {
        "first_name": "Outer",
        "pet": "cat",
        "people": [{"first_name": "Inner"}, {"first_name": None}, {}],
    }
    cases = {
        "count(people, first_name == 'Inner')": 1,
        "count(people, first_name == 'Outer')": 1,  # only the item without its own answer
        "count(people, first_name == none)": 1,  # an item's none hides the outer answer
        "count(people, pet == 'cat')": 3,
    }
    for source, expected in cases.items():
        expression = parse(source)
        expression.check(env)
        assert expression.evaluate(answers, TODAY) == expected, source


# -- types and errors --------------------------------------------------------------------------


def test_type_constructors() -> None:
    radios = T.text(options=["a", "b"])
    assert radios.kind is Kind.TEXT
    assert radios.options == frozenset({"a", "b"})
    assert T.text().options is None
    assert T.list({"x"}).kind is Kind.LIST and T.list({"x"}).element == T.TEXT
    assert T.mapping({"postcode": T.TEXT}).parts == {"postcode": T.TEXT}
    assert T.repeat({"dob": T.DATE}).item == {"dob": T.DATE}


def test_types_are_immutable_and_hashable() -> None:
    address = T.mapping({"postcode": T.TEXT})
    with pytest.raises(TypeError):
        address.parts["town"] = T.TEXT  # type: ignore[index]
    assert T.text({"a"}) == T.text(["a"])
    assert len({T.text({"a"}), T.text(["a"]), T.TEXT, address}) == 3


def test_expression_keeps_its_source() -> None:
    expression = parse("savings > 1")
    assert isinstance(expression, Expression)
    assert expression.source == "savings > 1"
    assert parse("savings > 1") == expression


def test_expression_error_carries_message_offset_and_name() -> None:
    error = ExpressionError("Unknown question 'x'. Check the question id.", 3, "x")
    assert (error.message, error.offset, error.name) == (error.args[0], 3, "x")
    assert "offset=3" in repr(error)


FUZZ_PIECES = [
    *["(", ")", "[", "]", ",", ".", "==", "!=", "<", "<=", ">", ">=", "+", "-", "="],
    *["and", "or", "not", "in", "true", "false", "none", "today", "'", '"'],
    *["'property'", "'pip'", "1", "2.5", "2y", "3d", "1m", "x", "postcode"],
    *["age(", "count(", "any(", "all(", "includes(", "len(", "answered(", "days_since("],
    *["date_of_birth", "savings", "type", "benefits", "home_address", "visitors"],
    *["visitor_dob", "has_children", "first_name"],
]


def test_random_input_gives_expression_errors_or_values_never_crashes() -> None:
    """Token soup: anything that is not an ExpressionError, or any evaluation error, is a bug."""
    rng = random.Random(20240615)
    checked = 0
    for _ in range(5000):
        source = " ".join(rng.choice(FUZZ_PIECES) for _ in range(rng.randint(1, 10)))
        source = source.replace(" . ", ".").replace("( ", "(")
        try:
            expression = parse(source)
            expression.check(ENV)
        except ExpressionError as error:
            assert 0 <= error.offset <= len(source), source
            continue
        checked += 1
        answers = {key: value for key, value in FULL_ANSWERS.items() if rng.random() < 0.5}
        expression.evaluate(answers, TODAY)
        assert isinstance(expression.evaluate_condition(answers, TODAY), bool)
    assert checked > 50  # the soup does produce well-formed expressions to evaluate
