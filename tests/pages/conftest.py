"""Helpers for the page tests: run a page through app.py in Streamlit's AppTest."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def run_page(page: str, query_params: dict | None = None) -> AppTest:
    """Run the app (router and frame included) and switch to ``app_pages/<page>``."""
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    app.run()
    app.switch_page(f"app_pages/{page}")
    for name, value in (query_params or {}).items():
        app.query_params[name] = value
    app.run()
    return app


def metrics(app: AppTest) -> dict[str, str]:
    """The page's metrics as {label: value shown}."""
    return {m.label: m.value for m in app.metric}


def chart_specs(app: AppTest) -> list[dict]:
    """The Vega-Lite specs of the page's charts (data sets left out)."""
    import json

    return [json.loads(chart.proto.spec) for chart in app.get("vega_lite_chart")]


def axis_lines(encoding: dict) -> dict[str, list[str]]:
    """What each label of a channel's axis shows, line by line, from its ``labelExpr``
    (ui.charts.wrapped_labels: a JSON object of lines by label)."""
    import json

    expression = encoding["axis"]["labelExpr"]
    return json.loads(expression[: expression.rindex("}") + 1])
