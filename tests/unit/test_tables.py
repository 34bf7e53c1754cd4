"""Every figure of a report as tables, and their CSV downloads (no database: a Report made
by hand)."""

import csv
import dataclasses
import datetime
import io

from forms_service.performance import kpis
from forms_service.performance.report import (
    ErrorCount,
    Filters,
    Funnel,
    FunnelStep,
    Rate,
    Report,
    Table,
    TurnaroundWeek,
)
from forms_service.performance.tables import report_tables, table_csv

D = datetime.date


def make_report(**changes) -> Report:
    transactions = {"online": 60, "assisted": 15, "paper": 5}
    ratings = {5: 10, 4: 20, 3: 5, 2: 3, 1: 2}
    figures = dict(
        filters=Filters("prison-visit-booking", D(2026, 11, 2), D(2026, 11, 15)),
        form_title="Book a prison visit",
        started=100,
        submitted=80,
        exits=10,
        completion=kpis.completion(100, 80),
        completion_with_exits=kpis.completion_with_exits(100, 80, 10),
        transactions=transactions,
        paper_outside=20,
        digital_take_up=kpis.digital_take_up(transactions, 20),
        ratings=ratings,
        satisfaction=kpis.satisfaction(ratings),
        costs=kpis.costs_per_transaction({"online": 3650, "assisted": 7300}, transactions, 14),
        saved=7,
        resumed=4,
        median_minutes=9.0,
        p90_minutes=21.0,
        funnels=(
            Funnel(
                "Route 1",
                (
                    FunnelStep("prisoner", "Who are you visiting?", 95),
                    FunnelStep("visitor-details", "=Visitor details", 85),
                    FunnelStep("check-your-answers", "Check your answers", 81),
                    FunnelStep("submitted", "Submitted", 80),
                ),
            ),
        ),
        errors=(ErrorCount("prisoner", "prisoner_number", "Prison number", "invalid", 12),),
        sla_working_days=3,
        turnaround=(
            TurnaroundWeek(D(2026, 11, 2), 4, 2.0, Rate(3, 4)),
            TurnaroundWeek(D(2026, 11, 9), 0, None, Rate(0, 0)),
        ),
        turnaround_median=2.0,
        turnaround_within=Rate(3, 4),
    )
    figures.update(changes)
    return Report(**figures)


def tables_by_id(report: Report) -> dict[str, Table]:
    return {table.id: table for table in report_tables(report, lambda s: s)}


def test_every_figure_has_a_table():
    assert list(tables_by_id(make_report())) == [
        "summary",
        "channels",
        "satisfaction",
        "costs",
        "funnel-1",
        "errors",
        "time-to-complete",
        "turnaround",
    ]


def test_the_summary_gives_each_kpi_with_what_it_is_out_of():
    rows = {row[0]: row[1:] for row in tables_by_id(make_report())["summary"].rows}
    assert rows["Journeys started"] == (100, None)
    assert rows["Completion rate (%)"] == (80.0, 100)
    assert rows["Completion rate counting exit pages (%)"] == (90.0, 100)
    assert rows["Digital take-up (%)"] == (60.0, 100)  # 60 / (80 + 20 outside)
    assert rows["User satisfaction (%)"] == (75.0, 40)
    # Paper has transactions but no cost: overall not set.
    assert rows["Cost per transaction (£)"] == ("Not set", 80)
    assert rows["Median time to complete (minutes)"] == (9.0, 80)
    assert rows["Decided within target (%)"] == (75.0, 4)


def test_no_data_is_said_so():
    report = make_report(
        started=0,
        submitted=0,
        completion=Rate(0, 0),
        ratings={},
        satisfaction=Rate(0, 0),
        median_minutes=None,
    )
    rows = {row[0]: row[1:] for row in tables_by_id(report)["summary"].rows}
    assert rows["Completion rate (%)"] == ("No data", 0)
    assert rows["User satisfaction (%)"] == ("No data", 0)
    assert rows["Median time to complete (minutes)"] == ("No data", 0)


def test_channels_and_costs():
    tables = tables_by_id(make_report())
    assert tables["channels"].rows == (
        ("Online", 60, 60.0),
        ("Assisted digital", 15, 15.0),
        ("Paper", 5, 5.0),
        ("Paper received outside the service", 20, 20.0),
        ("All transactions", 100, 100.0),
    )
    # 14 days: online 3,650 * 14 / 365 = 140 over 60; assisted 280 over 15.
    assert tables["costs"].rows == (
        ("Online", 140.0, 60, 2.33),
        ("Assisted digital", 280.0, 15, 18.67),
        ("Paper", "Not set", 5, "Not set"),
        ("All channels", "Not set", 80, "Not set"),
    )


def test_satisfaction_distribution():
    rows = tables_by_id(make_report())["satisfaction"].rows
    assert rows[0] == ("Very satisfied", 10, 25.0)
    assert rows[4] == ("Very dissatisfied", 2, 5.0)
    assert rows[5] == ("All ratings", 40, 100.0)


def test_a_funnel_shows_the_drop_at_each_step():
    table = tables_by_id(make_report())["funnel-1"]
    assert table.caption == "Route 1"
    assert table.rows == (
        ("Who are you visiting?", 95, 95.0, 5),  # 100 started
        ("=Visitor details", 85, 85.0, 10),
        ("Check your answers", 81, 81.0, 4),
        ("Submitted", 80, 80.0, 1),
    )


def test_errors_name_the_page_question_and_kind_in_words():
    assert tables_by_id(make_report())["errors"].rows == (
        ("Who are you visiting?", "Prison number", "Not in the right format", 12),
    )


def test_turnaround_week_by_week():
    table = tables_by_id(make_report())["turnaround"]
    assert "3 working days" in table.caption
    assert table.rows == (
        ("2026-11-02", 4, 2.0, 3, 75.0),
        ("2026-11-09", 0, "No data", "No data", "No data"),
    )


def test_all_forms_has_no_funnel_or_errors_table():
    report = make_report(
        filters=Filters(None, D(2026, 11, 2), D(2026, 11, 15)), funnels=(), errors=()
    )
    assert "errors" not in tables_by_id(report)
    assert not any(name.startswith("funnel") for name in tables_by_id(report))


def test_headers_go_through_gettext():
    tables = report_tables(make_report(), lambda s: f"<{s}>")
    assert tables[0].headers == ("<Figure>", "<Value>", "<Out of>")
    assert tables[0].caption == "<Summary>"


def test_csv_has_crlf_a_bom_and_no_formulas():
    text = table_csv(tables_by_id(make_report())["funnel-1"])
    assert text.startswith("\ufeffPage,")
    assert text.endswith("\r\n") and text.count("\r\n") == 5
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[1] == ["Who are you visiting?", "95", "95", "5"]
    assert rows[2][0] == "'=Visitor details"  # an author's title cannot run as a formula


def test_csv_keeps_negative_numbers_as_numbers_and_empty_cells_empty():
    table = Table("t", "T", ("A", "B", "C"), (("-3", -3, None), ("@x", 2.5, "+1")))
    assert table_csv(table) == "\ufeffA,B,C\r\n-3,-3,\r\n'@x,2.5,+1\r\n"


def test_a_step_more_journeys_reached_than_the_one_before_has_no_drop():
    report = make_report()
    funnel = report.funnels[0]
    joined = dataclasses.replace(funnel.steps[1], reached=97)  # another route joins here
    report = dataclasses.replace(
        report,
        funnels=(dataclasses.replace(funnel, steps=(funnel.steps[0], joined, *funnel.steps[2:])),),
    )
    rows = tables_by_id(report)["funnel-1"].rows
    assert rows[1] == ("=Visitor details", 97, 97.0, None)
    assert rows[2][3] == 16  # 97 reached the step before
