"""Proofs about a form definition, for `forms-service check`: with the z3 solver, find the
conditions that cannot do what their author meant.

- a page whose `when` can never hold on the route to it, or always holds (useless);
- a form nobody can submit, because every route ends at an exit page;
- a text variant that can never be chosen;
- a rule (`check:`) that can never fail (useless) or never pass (nobody can continue).

Answers become solver variables by question type: numbers are reals, dates whole day
numbers, radios and select text limited to their options, yes/no true or false, checkboxes
one true/false per option, and every question has an "answered" flag (a question not on the
route is none). `today` is free: a proof holds on every day. Whatever cannot be encoded
exactly (count() over a repeat, len(), parts of an address, months in date arithmetic) is a
fresh value of the right kind, or a range that surely holds, so every model here allows at
least every real journey. A finding is therefore true of the definition: a false warning on
a real form would be a defect. When the solver gives up (each question to it is bounded,
and the whole form too) the checker says "could not prove" once and moves on.

No Flask here, and nothing here runs when the service starts: only `check` runs it.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import z3

from forms_service.definitions.expressions import (
    Arithmetic,
    Call,
    Compare,
    Duration,
    Expression,
    ExprNode,
    ListLiteral,
    Literal,
    Logical,
    Name,
    Negate,
    Not,
    Part,
    Today,
)
from forms_service.definitions.loader import Problem
from forms_service.definitions.model import CHANNELS, Form, Page, Question, Rule, Text
from forms_service.question_types import question_type
from forms_service.question_types.answer_types import Kind

QUERY_TIMEOUT_MS = 200
"""Longest the solver may think about one question before the checker moves on."""
QUERY_RLIMIT = 2_000_000
"""The same bound in the solver's own units of work, so a slow machine proves the same."""
FORM_BUDGET_S = 1.8
"""All the proofs of one definition, in processor time (so a busy machine proves the same);
past this the rest are reported as not proved."""

FIRST_DAY = datetime.date.min.toordinal()
LAST_DAY = datetime.date.max.toordinal()
# Any day the service could run on: far from the ends of the calendar, so that today - 18y
# is always a date (near year 1 or 9999 it would be none, and prove nothing).
EARLIEST_TODAY = datetime.date(2000, 1, 1).toordinal()
LATEST_TODAY = datetime.date(9000, 12, 31).toordinal()
# A move of m months changes a day number by m times the average Gregorian month, give or
# take how far the calendar drifts from that average (under 4.4 days over 400 years) and
# the clamping of the day of the month (31 Jan + 1m = 28 Feb: up to 3 days earlier).
AVERAGE_MONTH = Decimal(146097) / Decimal(4800)
MONTH_SLACK_BEFORE, MONTH_SLACK_AFTER = 9, 6


# A page's rules know the answers on it: the facts of the page, not of the next one.
RULE_SEES_ITS_PAGE = 1e-6


class _Unsupported(Exception):
    """A part of an expression the proofs do not model exactly; it becomes a fresh value."""


@dataclass(frozen=True)
class _Val:
    """An expression's value for the solver: its kind, whether it is none, and its value
    (a z3 term; for checkboxes a dict option -> chosen; for a length of time a Duration)."""

    kind: str  # num, date, bool, text, list, dur, none, map, items
    none: Any
    v: Any = None


@dataclass
class _Answer:
    question: Question
    page: Page
    val: _Val
    answered: Any


@dataclass
class _Slot:
    """A page where the journey may go: a top-level page, or a page of a repeat's item."""

    page: Page
    at: float  # order in the form: repeat item pages between their repeat and the next page
    reach: Any  # no exit page taken before it
    when: Any
    shown: Any
    exits: list[_Slot]  # the exit pages `reach` knows were not taken
    repeat: Page | None = None  # the repeat whose item this page is in


@dataclass
class _Finding:
    expression: Expression | None
    line: int
    message: str
    warning: bool = True


def prove(form: Form) -> list[Problem]:
    """Every finding about `form` as a checker Problem (warnings, or errors when nobody can
    submit the form), at the file:line:col of the condition concerned."""
    return _Prover(form).run()


class _Prover:
    def __init__(self, form: Form) -> None:
        self.form = form
        self.file = form.source or "<form>"
        self.started = time.process_time()
        self.undecided: list[str] = []
        self.undecided_at: tuple[int, int] | None = None
        self.today = z3.Int("today")
        # Facts hold in every journey: what answers can be, what unknown values mean.
        self.facts: list[Any] = [z3.And(self.today >= EARLIEST_TODAY, self.today <= LATEST_TODAY)]
        self.progress: list[tuple[float, Any]] = []  # true once the walk is past that page
        self.fresh_terms: dict[Any, Any] = {}
        self.answers: dict[str, _Answer] = {}
        self.codes: dict[str, int] = {}
        self.channel = z3.Int("channel")
        self.facts.append(z3.Or([self.channel == self.code(c) for c in CHANNELS]))
        self.linear = form.navigation != "task_list"
        self.pages = list(form.pages)
        self.slots: list[_Slot] = []
        self.exits: list[_Slot] = []  # top-level exit pages: each ends the whole journey
        self.findings: list[_Finding] = []
        self.solver = z3.Solver()
        self.solver.set("timeout", QUERY_TIMEOUT_MS)
        self.solver.set("rlimit", QUERY_RLIMIT)
        self.told = self.routes_told = 0  # facts given to the solver so far
        self.known: dict[tuple[int, int], tuple[Any, bool]] = {}  # answers already found
        self.routes: list[Any] = []  # an answer is given only on its page's route

    # -- building the model ---------------------------------------------------------------

    def build(self) -> None:
        first_task = next((i for i, p in enumerate(self.pages) if p.section), len(self.pages))
        # No exit page taken so far: in a task list, only those before the first task and
        # those earlier in the same task, since tasks are done in any order.
        chains: dict[Any, tuple[Any, list[_Slot]]] = {}
        for index, page in enumerate(self.pages):
            task = not self.linear and index >= first_task
            chain = (page.section or ("alone", index)) if task else None
            reach, exits = chains.get(chain, chains.get(None, (z3.BoolVal(True), [])))
            slot = self.slot(page, index, reach, exits)
            if page.is_exit:
                self.exits.append(slot)
                chains[chain] = (z3.And(reach, z3.Not(slot.shown)), [*exits, slot])
            # An item's pages are walked in order too, and only once the repeat is shown;
            # one item stands for each: conditions inside read that item's answers.
            reach, exits = slot.shown, exits
            for number, inner in enumerate(page.pages, start=1):
                at = index + number / (len(page.pages) + 1)
                inner_slot = self.slot(inner, at, reach, exits, page)
                if inner.is_exit:
                    reach = z3.And(reach, z3.Not(inner_slot.shown))
                    exits = [*exits, inner_slot]

    def slot(
        self, page: Page, at: float, reach: Any, exits: list[_Slot], repeat: Page | None = None
    ) -> _Slot:
        when = self.cond(page.when.root) if page.when is not None else z3.BoolVal(True)
        slot = _Slot(page, at, reach, when, z3.And(reach, when), exits, repeat)
        self.slots.append(slot)
        for question, parent, option in page.all_questions():
            self.add_question(slot, question, parent, option)
        return slot

    def add_question(self, slot: _Slot, question: Question, parent, option) -> None:
        qtype = question_type(question)
        typ = qtype.expression_type(question)
        qid = question.id
        answered = z3.Bool(f"answered {qid}")
        none = z3.Not(answered)
        facts = []
        if typ.kind is Kind.NUMBER:
            value = _Val("num", none, z3.Real(f"{qid}"))
            low, high = qtype.expression_bounds(question)
            for bound, test in ((low, lambda v, b: v >= b), (high, lambda v, b: v <= b)):
                if isinstance(bound, int | Decimal | float) and not isinstance(bound, bool):
                    facts.append(test(value.v, z3.RealVal(str(bound))))
        elif typ.kind is Kind.DATE:
            value = _Val("date", none, z3.Int(f"{qid}"))
            facts.append(z3.And(value.v >= FIRST_DAY, value.v <= LAST_DAY))
            low, high = question.setting("not_before"), question.setting("not_after")
            if isinstance(low, datetime.date):
                facts.append(value.v >= low.toordinal())
            if isinstance(high, datetime.date):
                facts.append(value.v <= high.toordinal())
        elif typ.kind is Kind.BOOL:
            value = _Val("bool", none, z3.Bool(f"{qid}"))
        elif typ.kind is Kind.TEXT:
            value = _Val("text", none, z3.Int(f"{qid}"))
            if typ.options:
                facts.append(z3.Or([value.v == self.code(o) for o in sorted(typ.options)]))
        elif typ.kind is Kind.LIST and typ.options:
            chosen = {o: z3.Bool(f"{qid} has {o}") for o in sorted(typ.options)}
            value = _Val("list", none, chosen)
            facts += [z3.Implies(c, answered) for c in chosen.values()]
        else:
            value = _Val("map" if typ.kind is Kind.MAPPING else "items", none)
        on_route = slot.shown
        if parent is not None:
            on_route = z3.And(on_route, self.option_chosen(parent, option.value))
        # Only about an answer given: a question nobody can answer (min above max) must not
        # make the pages before it impossible too.
        self.facts += [z3.Implies(answered, f) for f in facts]
        self.routes.append(z3.Implies(answered, on_route))
        required = not question.optional and not qtype.is_email_address
        if required and self.linear:
            self.progress.append((slot.at, z3.Implies(on_route, answered)))
            if value.kind == "list":
                self.progress.append((slot.at, z3.Implies(answered, z3.Or(list(value.v.values())))))
        self.answers.setdefault(qid, _Answer(question, slot.page, value, answered))

    def option_chosen(self, parent: Question, option: str) -> Any:
        answer = self.answers.get(parent.id)
        if answer is None:
            return self.fresh(("option", parent.id, option), z3.BoolSort())
        if answer.val.kind == "list":
            return answer.val.v.get(option, z3.BoolVal(False))
        if answer.val.kind == "text":
            return z3.And(answer.answered, answer.val.v == self.code(option))
        return self.fresh(("option", parent.id, option), z3.BoolSort())

    def code(self, text: str) -> Any:
        """Text is only ever compared for equality, so each distinct text is a distinct
        whole number (much faster to reason about than strings); an answer typed in is any
        number, which is any text, known or not."""
        return z3.IntVal(self.codes.setdefault(text, len(self.codes)))

    def fresh(self, key: Any, sort: Any) -> Any:
        """The same unknown value for the same sub-expression: it means one thing in one
        journey, so `count(visitors) > 2` twice is the same number."""
        if key not in self.fresh_terms:
            self.fresh_terms[key] = z3.Const(f"unknown {len(self.fresh_terms)}", sort)
        return self.fresh_terms[key]

    # -- encoding expressions -------------------------------------------------------------

    def cond(self, node: ExprNode) -> Any:
        """True when the condition holds (none counts as false, as in the journey)."""
        try:
            return self.truthy(self.encode(node))
        except (_Unsupported, z3.Z3Exception):  # a mix of sorts the encoding did not foresee
            return self.fresh(("cond", _canon(node)), z3.BoolSort())

    @staticmethod
    def truthy(value: _Val) -> Any:
        if value.kind == "bool":
            return z3.And(z3.Not(value.none), value.v)
        if value.kind == "none":
            return z3.BoolVal(False)
        raise _Unsupported

    def encode(self, node: ExprNode) -> _Val:
        method = getattr(self, f"encode_{type(node).__name__}", None)
        if method is None:
            raise _Unsupported
        return method(node)

    def encode_Literal(self, node: Literal) -> _Val:
        value, no = node.value, z3.BoolVal(False)
        if value is None:
            return _Val("none", z3.BoolVal(True))
        if isinstance(value, bool):
            return _Val("bool", no, z3.BoolVal(value))
        if isinstance(value, str):
            return _Val("text", no, self.code(value))
        if isinstance(value, Duration):
            return _Val("dur", no, value)
        return _Val("num", no, z3.RealVal(str(value)))

    def encode_Today(self, node: Today) -> _Val:
        return _Val("date", z3.BoolVal(False), self.today)

    def encode_Name(self, node: Name) -> _Val:
        answer = self.answers.get(node.name)
        if answer is not None:
            return answer.val
        if node.name == "channel":
            return _Val("text", z3.BoolVal(False), self.channel)
        raise _Unsupported  # a repeat, or an item's answer: only count() & co. read those

    def encode_Part(self, node: Part) -> _Val:
        whole = self.encode(node.target)
        if whole.kind != "map":
            raise _Unsupported
        key = _canon(node)
        none = self.fresh(("none", key), z3.BoolSort())
        self.facts.append(z3.Implies(whole.none, none))
        return _Val("text", none, self.fresh(("value", key), z3.IntSort()))

    def encode_Not(self, node: Not) -> _Val:
        return _Val("bool", z3.BoolVal(False), z3.Not(self.cond(node.operand)))

    def encode_Logical(self, node: Logical) -> _Val:
        parts = [self.cond(operand) for operand in node.operands]
        joined = z3.And(parts) if node.op == "and" else z3.Or(parts)
        return _Val("bool", z3.BoolVal(False), joined)

    def encode_Negate(self, node: Negate) -> _Val:
        value = self.encode(node.operand)
        if value.kind == "num":
            return _Val("num", value.none, -value.v)
        if value.kind == "dur":
            return _Val("dur", value.none, -value.v)
        raise _Unsupported

    def encode_Arithmetic(self, node: Arithmetic) -> _Val:
        left, right = self.encode(node.left), self.encode(node.right)
        minus = node.op == "-"
        if left.kind == right.kind == "num":
            v = left.v - right.v if minus else left.v + right.v
            return _Val("num", z3.Or(left.none, right.none), v)
        if left.kind == right.kind == "dur":
            return _Val("dur", z3.BoolVal(False), left.v + (-right.v if minus else right.v))
        if left.kind == "date" and right.kind == "dur":
            return self.shift(left, -right.v if minus else right.v)
        if left.kind == "dur" and right.kind == "date" and not minus:
            return self.shift(right, left.v)
        raise _Unsupported

    def shift(self, day: _Val, by: Duration) -> _Val:
        """A date moved by a length of time: exact in days; within a sure range in months."""
        if by.months == 0:
            moved = day.v + by.days
            outside = z3.Or(moved < FIRST_DAY, moved > LAST_DAY)
            return _Val("date", z3.Or(day.none, outside), moved)
        key = ("shift", day.v.sexpr(), by.months, by.days)  # ids of freed terms are reused
        moved = self.fresh(("day", key), z3.IntSort())
        overflow = self.fresh(("overflow", key), z3.BoolSort())
        middle = AVERAGE_MONTH * by.months
        low = int(middle) - MONTH_SLACK_BEFORE - (1 if middle < 0 else 0) + by.days
        high = int(middle) + MONTH_SLACK_AFTER + (1 if middle > 0 else 0) + by.days
        margin = abs(by.days) + 40
        surely_inside = z3.And(day.v + low - margin >= FIRST_DAY, day.v + high + margin <= LAST_DAY)
        self.facts += [
            z3.Implies(z3.Not(overflow), z3.And(moved >= FIRST_DAY, moved <= LAST_DAY)),
            z3.Implies(z3.Not(day.none), z3.And(moved - day.v >= low, moved - day.v <= high)),
            z3.Implies(surely_inside, z3.Not(overflow)),
        ]
        return _Val("date", z3.Or(day.none, overflow), moved)

    def encode_Compare(self, node: Compare) -> _Val:
        no = z3.BoolVal(False)
        left, right = self.encode(node.left), self.encode(node.right)
        if node.op in ("==", "!="):
            same = self.equal(left, right)
            return _Val("bool", no, same if node.op == "==" else z3.Not(same))
        if node.op in ("in", "not in"):
            found = self.member(left, right)
            return _Val("bool", no, found if node.op == "in" else z3.Not(found))
        if left.kind == right.kind and left.kind in ("num", "date"):
            compare = {
                "<": lambda a, b: a < b,
                "<=": lambda a, b: a <= b,
                ">": lambda a, b: a > b,
                ">=": lambda a, b: a >= b,
            }[node.op]
            both = z3.And(z3.Not(left.none), z3.Not(right.none))
            return _Val("bool", no, z3.And(both, compare(left.v, right.v)))
        raise _Unsupported

    def equal(self, left: _Val, right: _Val) -> Any:
        """As the journey compares: none equals only none, never a value."""
        if left.kind == "none" or right.kind == "none":
            return right.none if left.kind == "none" else left.none
        if left.kind != right.kind or left.kind not in ("num", "date", "bool", "text"):
            raise _Unsupported
        both_none = z3.And(left.none, right.none)
        same = z3.And(z3.Not(left.none), z3.Not(right.none), left.v == right.v)
        return z3.Or(both_none, same)

    def member(self, left: _Val, right: _Val) -> Any:
        if right.kind == "listlit":
            return z3.Or([self.equal(left, item) for item in right.v])
        if right.kind == "list" and left.kind == "text":
            return z3.And(
                z3.Not(right.none),
                z3.Not(left.none),
                z3.Or([z3.And(left.v == self.code(o), c) for o, c in right.v.items()]),
            )
        raise _Unsupported

    def encode_ListLiteral(self, node: ListLiteral) -> _Val:
        return _Val("listlit", z3.BoolVal(False), [self.encode(item) for item in node.items])

    def encode_Call(self, node: Call) -> _Val:
        fn, key, no = node.function, _canon(node), z3.BoolVal(False)
        if fn in ("age", "years_since", "days_since"):
            born = self.encode(node.args[0])
            if born.kind != "date":
                raise _Unsupported
            days = self.today - born.v
            if fn == "days_since":
                return _Val("num", born.none, z3.ToReal(days))
            years = self.fresh(("years", born.v.sexpr()), z3.IntSort())
            # Whole years between the two days: each year has 365 or 366 days.
            self.facts += [
                z3.Implies(days >= 0, z3.And(years >= 0, 365 * years <= days)),
                z3.Implies(days >= 0, days <= 366 * years + 366),
                z3.Implies(days < 0, years <= -1),
            ]
            return _Val("num", born.none, z3.ToReal(years))
        if fn == "answered":
            value = self.encode(node.args[0])
            if value.kind in ("num", "date", "bool"):
                return _Val("bool", no, z3.Not(value.none))
            if value.kind == "list":
                return _Val("bool", no, z3.And(z3.Not(value.none), z3.Or(list(value.v.values()))))
            # Text may be blank, an address may have only empty parts: unknown beyond this.
            something = self.fresh(("answered", key), z3.BoolSort())
            return _Val("bool", no, z3.And(z3.Not(value.none), something))
        if fn == "includes":
            return _Val(
                "bool", no, self.member(self.encode(node.args[1]), self.encode(node.args[0]))
            )
        if fn == "count":
            number = self.fresh(("count", key), z3.IntSort())
            self.facts.append(number >= 0)
            return _Val("num", no, z3.ToReal(number))
        if fn == "len":
            number = self.fresh(("len", key), z3.IntSort())
            self.facts.append(number >= 0)
            return _Val("num", self.fresh(("none", key), z3.BoolSort()), z3.ToReal(number))
        raise _Unsupported  # any() and all(): cond() makes them a fresh condition

    # -- asking the solver ----------------------------------------------------------------

    def holds_somewhere(self, formula: Any, before: float, progress: bool = True) -> bool | None:
        """Whether some journey makes `formula` true, knowing the facts of the pages up to
        `before`; None when the solver could not tell in time."""
        progress_facts = [f for at, f in self.progress if at < before] if progress else []
        # Facts added since a question was answered only define fresh values that question
        # did not use, so the answer stands.
        simple = z3.simplify(formula)
        key = (simple.get_id(), len(progress_facts))
        if key in self.known:
            return self.known[key][1]
        if time.process_time() - self.started > FORM_BUDGET_S:
            return None
        solver = self.solver
        # Facts hold in every journey; encoding a condition may have added some since.
        solver.add(self.facts[self.told :])
        solver.add(self.routes[self.routes_told :])
        self.told, self.routes_told = len(self.facts), len(self.routes)
        solver.push()
        try:
            solver.add(progress_facts)
            solver.add(formula)
            result = solver.check()
        except z3.Z3Exception:
            return None
        finally:
            solver.pop()
        if result == z3.unknown:
            return None
        # The term is kept with the answer: a term's id is reused once it is freed.
        self.known[key] = (simple, result == z3.sat)
        return result == z3.sat

    def holds_alone(self, formula: Any) -> bool | None:
        """Whether some answers make `formula` true, wherever they are asked."""
        if time.process_time() - self.started > FORM_BUDGET_S:
            return None
        solver = z3.Solver()
        solver.set("timeout", QUERY_TIMEOUT_MS)
        solver.set("rlimit", QUERY_RLIMIT)
        try:
            solver.add(self.facts)
            solver.add(formula)
            result = solver.check()
        except z3.Z3Exception:
            return None
        return None if result == z3.unknown else result == z3.sat

    def decide(
        self,
        formula: Any,
        before: float,
        about: str,
        at: Expression | None,
        line: int,
        progress: bool = True,
    ) -> bool | None:
        found = self.holds_somewhere(formula, before, progress)
        if found is None:
            self.undecided.append(about)
            if self.undecided_at is None:
                self.undecided_at = _position(at, line)
        return found

    # -- the proofs -----------------------------------------------------------------------

    def run(self) -> list[Problem]:
        self.build()
        self.prove_submittable()
        for slot in self.slots:
            self.prove_page(slot)
            for text in _texts(slot.page):
                self.prove_variants(text, slot.shown, slot.at, f"page '{slot.page.id}'")
            for rule in slot.page.rules:
                self.prove_rule(slot, rule)
        complete = z3.And([z3.Not(e.shown) for e in self.exits])
        for name, text in _form_texts(self.form):
            finished = name in ("declaration", "confirmation")
            context = complete if finished else z3.BoolVal(True)
            self.prove_variants(text, context, math.inf, "the form", progress=finished)
        problems = [
            Problem(self.file, *_position(f.expression, f.line), f.message, f.warning)
            for f in self.findings
        ]
        if self.undecided:
            line, col = self.undecided_at or (1, 1)
            problems.append(
                Problem(
                    self.file,
                    line,
                    col,
                    f"Could not prove {len(self.undecided)} thing(s) about this form, "
                    f"starting with {self.undecided[0]} (timed out). Simpler conditions "
                    "can be checked.",
                    True,
                )
            )
        return problems

    def prove_submittable(self) -> None:
        if not self.exits:
            return
        complete = z3.And([z3.Not(e.shown) for e in self.exits])
        exits = [e.page for e in self.exits]
        found = self.decide(
            complete, math.inf, "whether anyone can submit it", exits[-1].when, exits[-1].line
        )
        if found is False:
            names = ", ".join(f"'{p.id}' (line {p.line})" for p in exits)
            self.findings.append(
                _Finding(
                    exits[-1].when,
                    exits[-1].line,
                    "Nobody can submit this form: every route ends at an exit page: "
                    f"{names}. Check the when: of the exit pages.",
                    warning=False,
                )
            )

    def prove_page(self, slot: _Slot) -> None:
        page = slot.page
        if page.when is None:
            return
        about = f"the when of page '{page.id}'"
        if self.decide(slot.reach, slot.at, about, page.when, page.line) is not True:
            return  # no journey gets this far: the exits are reported, not each page
        found = self.decide(slot.shown, slot.at, about, page.when, page.line)
        repeat = slot.repeat
        if repeat is not None and page is repeat.pages[0]:
            # A new item starts at its first page whose when holds, or at the first page
            # when none does (Journey.new_item_step): then even this one is shown.
            found = found or all(p.when is not None for p in repeat.pages)
        if found is False:
            self.findings.append(_Finding(page.when, page.line, self.never_message(slot)))
            return
        if page.is_exit:
            return  # an exit that always ends the journey: nobody can submit, said above
        always = z3.And(slot.reach, z3.Not(slot.when))
        if found and self.decide(always, slot.at, about, page.when, page.line) is False:
            self.findings.append(
                _Finding(
                    page.when,
                    page.line,
                    f"The when of page '{page.id}' ({page.when.source}) is always true "
                    "here, on every route that reaches the page: remove it.",
                )
            )

    def never_message(self, slot: _Slot) -> str:
        page, when = slot.page, slot.when
        said = f"Page '{page.id}' can never be shown: its when ({page.when.source})"
        if self.holds_alone(when) is False:
            return f"{said} can never be true, whatever the answers."
        for exit_slot in slot.exits:
            not_taken = z3.And(z3.Not(exit_slot.shown), when)
            if self.holds_somewhere(not_taken, slot.at) is False:
                exit_page = exit_slot.page
                return (
                    f"{said} cannot hold after the exit page '{exit_page.id}' "
                    f"(line {exit_page.line}), which ends the journey in those cases."
                )
        if slot.exits:
            names = ", ".join(f"'{e.page.id}' (line {e.page.line})" for e in slot.exits)
            return f"{said} cannot hold after the exit pages {names}."
        asked = sorted({self.answers[n].page.id for n in page.when.names() if n in self.answers})
        where = ", ".join(f"'{p}'" for p in asked)
        return (
            f"{said} cannot hold on any route: the answers it uses (on page(s) {where}) "
            "are never given together like that."
        )

    def prove_variants(
        self, text: Text, context: Any, before: float, where: str, progress: bool = True
    ) -> None:
        earlier: list[Any] = []
        about = f"a text on {where}"
        if self.decide(context, before, about, _first_when(text), 0, progress) is not True:
            return  # the text is never shown at all: reported elsewhere if it matters
        for number, variant in enumerate(text.variants, start=1):
            when = self.cond(variant.when.root) if variant.when is not None else z3.BoolVal(True)
            chosen = z3.And(context, when, *[z3.Not(w) for w in earlier])
            position = variant.when or _first_when(text)
            found = self.decide(chosen, before, about, position, 0, progress)
            if found is False:
                alone = self.holds_somewhere(z3.And(context, when), before, progress)
                if variant.when is None:
                    reason = "the variants before it cover every case, so remove it or them"
                elif alone is False:
                    reason = f"its when ({variant.when.source}) can never be true here"
                elif alone is True:
                    reason = (
                        f"its when ({variant.when.source}) is always covered by a variant "
                        "before it, which is chosen first"
                    )
                else:
                    reason = (
                        f"its when ({variant.when.source}) never holds when those before it do not"
                    )
                self.findings.append(
                    _Finding(
                        position,
                        0,
                        f"Variant {number} of this text on {where} can never be chosen: {reason}.",
                    )
                )
            earlier.append(when)

    def prove_rule(self, slot: _Slot, rule: Rule) -> None:
        # A rule is checked with the answers of its own page (of the items, for a repeat).
        page, context, before = slot.page, slot.shown, slot.at + RULE_SEES_ITS_PAGE
        about = f"a rule of page '{page.id}'"
        if self.decide(context, before, about, rule.check, rule.line) is not True:
            return
        passes = self.cond(rule.check.root)
        if self.decide(z3.And(context, passes), before, about, rule.check, rule.line) is False:
            self.findings.append(
                _Finding(
                    rule.check,
                    rule.line,
                    f"The rule ({rule.check.source}) of page '{page.id}' can never pass, "
                    "whatever the answers: nobody can continue past it, so nobody can "
                    "submit the form.",
                    warning=False,
                )
            )
            return
        fails = z3.And(context, z3.Not(passes))
        if self.decide(fails, before, about, rule.check, rule.line) is False:
            self.findings.append(
                _Finding(
                    rule.check,
                    rule.line,
                    f"The rule ({rule.check.source}) of page '{page.id}' can never fail "
                    "given the answers that reach it, so it checks nothing: remove it.",
                )
            )


# -- helpers -------------------------------------------------------------------------------


def _position(expression: Expression | None, line: int) -> tuple[int, int]:
    if expression is not None and expression.line:
        return expression.line, expression.col or 1
    return line or 1, 1


def _first_when(text: Text) -> Expression | None:
    return next((v.when for v in text.variants if v.when is not None), None)


def _canon(node: ExprNode) -> str:
    """The expression as written, without positions: equal sub-expressions, equal keys."""
    parts = []
    for f in dataclasses.fields(node):
        if f.name in ("offset", "height", "part_offset"):
            continue
        value = getattr(node, f.name)
        if isinstance(value, ExprNode):
            parts.append(_canon(value))
        elif isinstance(value, tuple):
            parts.append("(" + ",".join(_canon(v) for v in value) + ")")
        else:
            parts.append(repr(value))
    return f"{type(node).__name__}[{';'.join(parts)}]"


def _texts(value: Any) -> Iterator[Text]:
    """Every text with variants inside a page, its questions, options and rules (not the
    pages of a repeat, whose texts read one item's answers)."""
    if isinstance(value, Text):
        if len(value.variants) > 1:
            yield value
        return
    if isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)
        return
    if isinstance(value, dict) or (hasattr(value, "values") and hasattr(value, "keys")):
        for item in value.values():
            yield from _texts(item)
        return
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name in ("pages", "when", "check"):
                continue
            yield from _texts(getattr(value, f.name))


def _form_texts(form: Form) -> Iterator[tuple[str, Text]]:
    for f in dataclasses.fields(form):
        if f.name in ("pages", "snapshot", "sections", "paper_form"):
            continue
        for text in _texts(getattr(form, f.name)):
            yield f.name, text
    for section in form.sections:
        for text in _texts(section):
            yield "sections", text
