"""A Report as JSON, for GET /api/v1/performance: rates as {part, whole, value}, dates ISO
8601, ratings as a list best first. The shape is the API's `PerformanceReport` schema
(views/api.py)."""

from __future__ import annotations

from typing import Any

from forms_service.performance.events import RATINGS
from forms_service.performance.report import Cost, Rate, Report


def rate_json(rate: Rate) -> dict[str, Any]:
    return {"part": rate.part, "whole": rate.whole, "value": rate.value}


def cost_json(cost: Cost) -> dict[str, Any]:
    return {
        "channel": cost.channel,
        "cost_for_period": cost.cost_for_period,
        "transactions": cost.transactions,
        "per_transaction": cost.per_transaction,
    }


def report_json(report: Report) -> dict[str, Any]:
    filters = report.filters
    return {
        "form": filters.form_id,
        "form_title": report.form_title,
        "from": filters.start.isoformat(),
        "to": filters.end.isoformat(),
        "channel": filters.channel,
        "language": filters.language,
        "started": report.started,
        "submitted": report.submitted,
        "exits": report.exits,
        "completion": rate_json(report.completion),
        "completion_with_exits": rate_json(report.completion_with_exits),
        "transactions": dict(report.transactions),
        "paper_outside": report.paper_outside,
        "digital_take_up": rate_json(report.digital_take_up),
        "ratings": [
            {"rating": rating, "label": RATINGS[rating], "count": report.ratings.get(rating, 0)}
            for rating in sorted(RATINGS, reverse=True)
        ],
        "satisfaction": rate_json(report.satisfaction),
        "costs": [cost_json(cost) for cost in report.costs],
        "saved": report.saved,
        "resumed": report.resumed,
        "median_minutes": report.median_minutes,
        "p90_minutes": report.p90_minutes,
        "funnels": [
            {
                "name": funnel.name,
                "steps": [
                    {"page": step.page_id, "title": step.title, "reached": step.reached}
                    for step in funnel.steps
                ],
            }
            for funnel in report.funnels
        ],
        "errors": [
            {
                "page": error.page_id,
                "question_id": error.question_id,
                "question": error.question,
                "kind": error.kind,
                "count": error.count,
            }
            for error in report.errors
        ],
        "sla_working_days": report.sla_working_days,
        "turnaround": [
            {
                "week_start": week.week_start.isoformat(),
                "decided": week.decided,
                "median_working_days": week.median_working_days,
                "within_target": rate_json(week.within_target),
            }
            for week in report.turnaround
        ],
        "turnaround_median": report.turnaround_median,
        "turnaround_within": rate_json(report.turnaround_within),
        "notes": list(report.notes),
    }
