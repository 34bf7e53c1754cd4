"""The performance dashboard: what a service owner learns from the journeys, with nobody
tracked (no Flask here).

    events.py   the kinds of journey event and what each holds (never an answer)
    report.py   the figures of a period for one form or all, as plain data
    kpis.py     the formulas: completion rate, digital take-up, satisfaction, cost per
                transaction, percentiles, turnaround
    routes.py   the routes through a form, for the funnels (from the journey map)
    tables.py   every figure of a report as tables, and their CSV
    report_json.py  a report as the API's JSON
    charts.py   accessible SVG charts drawn on the server
    demo.py     a realistic history for the dashboard (`forms-service demo-data`)

The events are written by views/performance_events.py, stored and rolled up into daily counts
by data/events.py, and read back by data/performance.py.
"""
