"""The formulas behind the dashboard's figures (no Flask, no SQL): the four KPIs the Service
Standard asks for, percentiles of a histogram, and working days for turnaround.

Every rate is a `Rate(part, whole)`, whose value is None when the whole is 0: the dashboard
then says "no data", never 0% or 100%.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from forms_service.performance.events import ASSISTED, CHANNELS, ONLINE, PAPER, SATISFIED
from forms_service.performance.report import Cost, Rate
from forms_service.working_days import is_working_day

Day = datetime.date
DAYS_A_YEAR = 365


def completion(started: int, submitted: int) -> Rate:
    """Completion rate: journeys submitted over journeys started."""
    return Rate(submitted, started)


def completion_with_exits(started: int, submitted: int, exits: int) -> Rate:
    """Completion rate as GDS counts it: a journey that reached an exit page ("you cannot
    use this service") found out what it needed, so it counts as completed too."""
    return Rate(submitted + exits, started)


def digital_take_up(transactions: Mapping[str, int], paper_outside: int) -> Rate:
    """Digital take-up: transactions completed online over transactions in every channel:
    online, assisted digital, paper keyed in by staff, and paper forms received outside the
    service (recorded by staff as volumes)."""
    online = transactions.get(ONLINE, 0)
    everything = online + transactions.get(ASSISTED, 0) + transactions.get(PAPER, 0)
    return Rate(online, everything + paper_outside)


def satisfaction(ratings: Mapping[int, int]) -> Rate:
    """User satisfaction: "very satisfied" and "satisfied" ratings over all ratings."""
    satisfied = sum(ratings.get(rating, 0) for rating in SATISFIED)
    return Rate(satisfied, sum(ratings.values()))


def period_cost(yearly: float | None, days: int) -> float | None:
    """A channel's cost for a period of `days`: its yearly cost * days / 365 (None: not set)."""
    if yearly is None:
        return None
    return yearly * days / DAYS_A_YEAR


def costs_per_transaction(
    yearly: Mapping[str, float], transactions: Mapping[str, int], days: int
) -> tuple[Cost, ...]:
    """Cost per transaction for each channel, then overall (channel None).

    A channel's cost is its yearly cost for the period (`period_cost`) over the transactions
    completed in that channel. Overall is the sum of the channels' period costs over all
    completed transactions; it is "not set" (cost_for_period None) when a channel that had
    transactions has no cost, since the sum would then understate the cost. A channel with
    a cost but no transactions still adds its cost to the overall figure: it was paid for.
    """
    costs = []
    for channel in CHANNELS:
        costs.append(
            Cost(channel, period_cost(yearly.get(channel), days), transactions.get(channel, 0))
        )
    return (*costs, _overall(costs))


def add_costs(per_form: Sequence[tuple[Cost, ...]]) -> tuple[Cost, ...]:
    """Several forms' costs (each from `costs_per_transaction`) as one: channel by channel,
    the period costs and transactions added up; a channel's cost is "not set" when a form
    that had transactions in it has none (or no form sets it), and overall when any
    channel with transactions is not set."""
    if len(per_form) == 1:
        return per_form[0]
    costs = []
    for channel in CHANNELS:
        mine = [c for form in per_form for c in form if c.channel == channel]
        unknown = any(c.cost_for_period is None and c.transactions for c in mine)
        known = [c.cost_for_period for c in mine if c.cost_for_period is not None]
        period = None if unknown or not known else sum(known)
        costs.append(Cost(channel, period, sum(c.transactions for c in mine)))
    return (*costs, _overall(costs))


def _overall(costs: Sequence[Cost]) -> Cost:
    unknown = any(c.cost_for_period is None and c.transactions for c in costs)
    known = [c.cost_for_period for c in costs if c.cost_for_period is not None]
    overall = None if unknown or not known else sum(known)
    return Cost(None, overall, sum(c.transactions for c in costs))


def percentile(histogram: Mapping[int, int], share: float) -> float | None:
    """The nearest-rank percentile of a histogram {value: how many}: the smallest value
    whose cumulative count reaches ceil(share * total). None for an empty histogram.

    Nearest-rank always gives a value that occurred (no interpolation), which suits whole
    minutes and working days."""
    total = sum(count for count in histogram.values() if count > 0)
    if not total:
        return None
    rank = max(1, -(-round(share * total * 1_000_000) // 1_000_000))  # ceil, float-safe
    seen = 0
    for value in sorted(histogram):
        seen += max(histogram[value], 0)
        if seen >= rank:
            return float(value)
    return float(max(histogram))  # not reached: seen ends at total >= rank


def median(histogram: Mapping[int, int]) -> float | None:
    """The nearest-rank median (the 50th percentile, see `percentile`)."""
    return percentile(histogram, 0.5)


def p90(histogram: Mapping[int, int]) -> float | None:
    """The nearest-rank 90th percentile (see `percentile`)."""
    return percentile(histogram, 0.9)


def working_days_between(start: Day, end: Day) -> int:
    """Working days from `start` to `end`: the day of `start` (submission) does not count,
    `end` (decision) does if it is a working day, as add_working_days counts. 0 when `end`
    is not after `start`."""
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days += 1
    return days


def week_start(day: Day) -> Day:
    """The Monday of `day`'s week."""
    return day - datetime.timedelta(days=day.weekday())
