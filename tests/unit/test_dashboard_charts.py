"""The charts the dashboard draws of a Report: what each description says, how errors add
up by question, and the empty cases (no journeys, no ratings, no decisions)."""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from forms_service.performance import dashboard
from forms_service.performance.report import (
    Cost,
    ErrorCount,
    Filters,
    Funnel,
    FunnelStep,
    Rate,
    Report,
    TurnaroundWeek,
)

SVG = "{http://www.w3.org/2000/svg}"
N = dashboard.Numbers("en")


def identity(text: str) -> str:
    return text


def report(**changes) -> Report:
    day = datetime.date(2026, 3, 1)
    values = dict(
        filters=Filters("prison-visit-booking", day, day + datetime.timedelta(days=29)),
        form_title="Book a prison visit",
        started=1200,
        submitted=900,
        exits=60,
        completion=Rate(900, 1200),
        completion_with_exits=Rate(960, 1200),
        transactions={"online": 800, "assisted": 60, "paper": 40},
        paper_outside=100,
        digital_take_up=Rate(800, 1000),
        ratings={5: 30, 4: 20, 3: 5, 2: 3, 1: 2},
        satisfaction=Rate(50, 60),
        costs=(Cost(None, None, 900),),
        saved=40,
        resumed=25,
        median_minutes=9.5,
        p90_minutes=21,
        funnels=(
            Funnel(
                "Route 1: adult visitors",
                (
                    FunnelStep("prisoner", "Prisoner details", 1200),
                    FunnelStep("check-your-answers", "Check your answers", 950),
                    FunnelStep("submitted", "Submitted", 900),
                ),
            ),
        ),
        errors=(
            ErrorCount("prisoner", "number", "Prisoner number", "invalid", 70),
            ErrorCount("visit", "date", "Date of visit", "required", 50),
            ErrorCount("prisoner", "number", "Prisoner number", "required", 30),
        ),
        sla_working_days=3,
        turnaround=(
            TurnaroundWeek(datetime.date(2026, 3, 2), 40, 2.0, Rate(38, 40)),
            TurnaroundWeek(datetime.date(2026, 3, 9), 0, None, Rate(0, 0)),
        ),
        turnaround_median=2.5,
        turnaround_within=Rate(38, 40),
    )
    return Report(**{**values, **changes})


def desc(svg) -> str:
    return ET.fromstring(str(svg)).find(f"{SVG}desc").text


def test_errors_add_up_by_question_most_first():
    assert dashboard.errors_by_question(report().errors) == [
        ("Prisoner number", 100),
        ("Date of visit", 50),
    ]


def test_each_description_holds_the_key_figures():
    charts = dashboard.charts(report(), identity, N)
    assert list(charts) == ["funnel-1", "errors", "satisfaction", "turnaround", "channels"]
    assert desc(charts["funnel-1"]) == (
        "1,200 journeys reached the first page; 900 (75%) reached “Submitted”, the last step."
    )
    assert desc(charts["errors"]) == (
        "150 validation errors in the period. Most were on “Prisoner number” (100)."
    )
    assert desc(charts["satisfaction"]) == (
        "83.3% of the 60 people who rated the service were satisfied or very satisfied."
    )
    assert desc(charts["turnaround"]) == (
        "Over the period a decision took a median of 2.5 working days; 95% were decided "
        "within the target of 3 working days."
    )
    assert desc(charts["channels"]) == (
        "1,000 transactions completed; 800 online, a digital take-up of 80%."
    )


def test_a_period_with_nothing_says_so_in_every_chart():
    empty = report(
        started=0,
        submitted=0,
        funnels=(Funnel("Route 1", (FunnelStep("prisoner", "Prisoner details", 0),)),),
        errors=(),
        ratings={},
        satisfaction=Rate(0, 0),
        transactions={},
        paper_outside=0,
        digital_take_up=Rate(0, 0),
        turnaround=(),
        turnaround_median=None,
        turnaround_within=Rate(0, 0),
    )
    charts = dashboard.charts(empty, identity, N)
    assert desc(charts["funnel-1"]) == "No journeys took this route in the period."
    assert desc(charts["errors"]) == "No validation errors in the period."
    assert desc(charts["satisfaction"]) == "Nobody rated the service in the period."
    assert desc(charts["turnaround"]) == "No decisions were made in the period."
    assert desc(charts["channels"]) == "No transactions were completed in the period."


def test_only_paper_received_outside_the_service_still_draws_channels():
    only_paper = report(transactions={}, paper_outside=12, digital_take_up=Rate(0, 12))
    chart = dashboard.channels_chart(only_paper, identity, N)
    assert desc(chart) == "12 transactions completed; 0 online, a digital take-up of 0%."


def test_without_a_target_the_turnaround_has_no_line():
    chart = dashboard.turnaround_chart(report(sla_working_days=None), identity, N)
    assert "app-chart__target" not in chart
    assert desc(chart) == "Over the period a decision took a median of 2.5 working days."


def test_numbers_follow_the_language():
    assert N.count(1234567) == "1,234,567"
    assert N.percent(0.8333) == "83.3%"
    assert N.percent(None) == "–"
    assert N.money(4.2) == "£4.20"
    assert N.week(datetime.date(2026, 3, 2)) == "2 Mar"
    assert dashboard.Numbers("cy").week(datetime.date(2026, 3, 2)) == "2 Maw"
