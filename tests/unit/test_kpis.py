"""The dashboard's formulas, on figures worked out by hand."""

import datetime

import pytest

from forms_service.performance import kpis
from forms_service.performance.report import Cost, Rate

D = datetime.date


def test_completion_is_submitted_over_started():
    rate = kpis.completion(started=200, submitted=150)
    assert (rate.part, rate.whole, rate.value) == (150, 200, 0.75)


def test_completion_with_exits_counts_an_exit_page_as_completed():
    # 200 started, 150 submitted, 30 told they cannot use the service: 180 / 200.
    assert kpis.completion_with_exits(200, 150, 30).value == 0.9


def test_no_starts_is_no_data_not_zero():
    assert kpis.completion(0, 0).value is None
    assert kpis.completion_with_exits(0, 0, 0).value is None


def test_all_exits():
    assert kpis.completion(40, 0).value == 0
    assert kpis.completion_with_exits(40, 0, 40).value == 1


def test_digital_take_up_counts_every_channel_and_paper_outside():
    # 600 online / (600 + 100 assisted + 50 keyed in + 250 posted) = 0.6
    rate = kpis.digital_take_up({"online": 600, "assisted": 100, "paper": 50}, 250)
    assert (rate.part, rate.whole, rate.value) == (600, 1000, 0.6)


def test_digital_take_up_of_a_period_with_only_paper():
    assert kpis.digital_take_up({"paper": 12}, 8).value == 0
    assert kpis.digital_take_up({}, 8).whole == 8


def test_digital_take_up_with_nothing_is_no_data():
    assert kpis.digital_take_up({"online": 0}, 0).value is None


def test_satisfaction_is_very_satisfied_and_satisfied_over_all_ratings():
    # (10 + 20) / (10 + 20 + 5 + 3 + 2) = 0.75
    rate = kpis.satisfaction({5: 10, 4: 20, 3: 5, 2: 3, 1: 2})
    assert (rate.part, rate.whole, rate.value) == (30, 40, 0.75)


def test_no_ratings_is_no_data():
    assert kpis.satisfaction({}).value is None
    assert kpis.satisfaction({5: 0, 1: 0}).value is None


def test_cost_per_transaction_by_channel_and_overall():
    # 73 days of a year: online 36,500 * 73 / 365 = 7,300 over 730 = £10;
    # assisted 18,250 * 73 / 365 = 3,650 over 73 = £50; paper 3,650 * 73 / 365 = 730
    # over 10 = £73.
    # Overall (7,300 + 3,650 + 730) / (730 + 73 + 10) = 11,680 / 813.
    costs = kpis.costs_per_transaction(
        {"online": 36_500, "assisted": 18_250, "paper": 3_650},
        {"online": 730, "assisted": 73, "paper": 10},
        73,
    )
    online, assisted, paper, overall = costs
    assert online == Cost("online", 7300.0, 730) and online.per_transaction == 10
    assert assisted.per_transaction == 50
    assert paper.per_transaction == 73
    assert overall.channel is None
    assert overall.cost_for_period == 11_680
    assert overall.transactions == 813
    assert overall.per_transaction == pytest.approx(11_680 / 813)


def test_overall_cost_is_not_set_when_a_channel_with_transactions_has_no_cost():
    costs = kpis.costs_per_transaction({"online": 36_500}, {"online": 10, "paper": 2}, 365)
    assert costs[0].per_transaction == 3650
    assert costs[2].cost_for_period is None and costs[2].per_transaction is None
    assert costs[3].cost_for_period is None and costs[3].per_transaction is None


def test_a_channel_without_transactions_and_without_a_cost_does_not_unset_the_overall():
    costs = kpis.costs_per_transaction({"online": 36_500}, {"online": 10}, 365)
    assert costs[3].per_transaction == 3650


def test_a_cost_with_no_transactions_still_counts_overall_but_has_no_per_transaction():
    costs = kpis.costs_per_transaction({"online": 365, "paper": 730}, {"online": 3}, 1)
    assert costs[2].cost_for_period == 2 and costs[2].per_transaction is None
    assert costs[3].cost_for_period == 3 and costs[3].per_transaction == 1


def test_no_costs_at_all_is_not_set():
    costs = kpis.costs_per_transaction({}, {"online": 5}, 30)
    assert all(c.cost_for_period is None for c in costs)
    assert kpis.costs_per_transaction({}, {}, 30)[3].per_transaction is None


def test_costs_of_several_forms_add_up_channel_by_channel():
    first = kpis.costs_per_transaction({"online": 365}, {"online": 1}, 10)  # £10
    second = kpis.costs_per_transaction({"online": 730}, {"online": 3}, 10)  # £20
    online, _, _, overall = kpis.add_costs([first, second])
    assert online.cost_for_period == 30 and online.transactions == 4
    assert overall.per_transaction == 7.5
    # A form with online transactions but no online cost: not set.
    third = kpis.costs_per_transaction({}, {"online": 1}, 10)
    assert kpis.add_costs([first, third])[0].cost_for_period is None
    assert kpis.add_costs([first, third])[3].per_transaction is None


def test_nearest_rank_median_and_90th_percentile():
    # 10 journeys: 3 took 5 minutes, 4 took 8, 2 took 12, 1 took 40.
    # Median: rank ceil(0.5 * 10) = 5th -> 8. 90th: rank 9 -> 12. 100th would be 40.
    histogram = {12: 2, 5: 3, 40: 1, 8: 4}
    assert kpis.median(histogram) == 8
    assert kpis.p90(histogram) == 12
    assert kpis.percentile(histogram, 1.0) == 40


def test_percentiles_of_one_value_and_of_nothing():
    assert kpis.median({7: 1}) == 7
    assert kpis.p90({7: 1}) == 7
    assert kpis.median({}) is None
    assert kpis.p90({3: 0}) is None


def test_median_of_an_even_count_is_the_lower_middle_value():
    # Nearest rank: ceil(0.5 * 4) = 2nd of 1, 2, 3, 4.
    assert kpis.median({1: 1, 2: 1, 3: 1, 4: 1}) == 2


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2026, 11, 30), D(2026, 11, 30), 0),  # decided the day it came
        (D(2026, 11, 30), D(2026, 12, 1), 1),  # Monday -> Tuesday
        (D(2026, 11, 27), D(2026, 11, 30), 1),  # Friday -> Monday: the weekend skipped
        (D(2026, 12, 24), D(2026, 12, 29), 1),  # Christmas, Boxing Day (Mon 28th) skipped
        (D(2026, 11, 23), D(2026, 11, 28), 4),  # Monday -> Saturday
        (D(2026, 12, 1), D(2026, 11, 30), 0),  # end before start
    ],
)
def test_working_days_between(start, end, days):
    assert kpis.working_days_between(start, end) == days


def test_working_days_between_agrees_with_add_working_days():
    from forms_service.working_days import add_working_days

    start = D(2026, 4, 1)
    for count in range(12):
        assert kpis.working_days_between(start, add_working_days(start, count)) == count


def test_week_start_is_monday():
    assert kpis.week_start(D(2026, 12, 2)) == D(2026, 11, 30)  # a Wednesday
    assert kpis.week_start(D(2026, 11, 30)) == D(2026, 11, 30)
    assert kpis.week_start(D(2026, 12, 6)) == D(2026, 11, 30)  # a Sunday


def test_rate_of_nothing_is_none():
    assert Rate(0, 0).value is None
