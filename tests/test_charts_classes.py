"""The per-class accuracy bars: every class's figure stays readable, even at 0 %."""

import pandas as pd

from lib.charts.classes import INSIDE_FROM, accuracy_chart
from lib.charts.palette import GREY


def _text_layers(spec: dict) -> list[dict]:
    found = []
    for layer in spec.get("layer", []):
        found += _text_layers(layer)
        mark = layer.get("mark", {})
        if isinstance(mark, dict) and mark.get("type") == "text":
            found.append(layer)
    return found


def test_a_short_bar_gets_its_figure_outside_in_grey_a_long_one_inside_in_white():
    table = pd.DataFrame({"name": ["shirt", "bag"], "accuracy": [0.0, 0.93], "count": [1000, 1000]})
    spec = accuracy_chart(table, overall=0.47).to_dict()  # validated against Vega-Lite's schema
    inside, outside = _text_layers(spec)
    assert (inside["mark"]["color"], outside["mark"]["color"]) == ("white", GREY)
    assert inside["transform"] == [{"filter": f"(datum.accuracy >= {INSIDE_FROM})"}]
    assert outside["transform"] == [{"filter": f"(!(datum.accuracy >= {INSIDE_FROM}))"}]
