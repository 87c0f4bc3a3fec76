"""Charts drawn as SVG by hand: well-formed, labelled with text, bars to scale, gaps kept, labels escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kansa.reports.svg import bar_svg, heatmap_svg, line_svg, nice_ticks, scatter_svg, text_width

NS = "{http://www.w3.org/2000/svg}"


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in _tree(svg).iter(f"{NS}text")]


def test_ticks_cover_the_range_in_round_steps() -> None:
    assert nice_ticks(0, 47.5) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(60.3, 78.4, 4) == [60, 65, 70, 75, 80]
    assert nice_ticks(-3.2, 1.0)[0] <= -3.2 and nice_ticks(-3.2, 1.0)[-1] >= 1.0
    flat = nice_ticks(5, 5)
    assert flat[0] <= 5 < flat[-1]  # a flat series still gets an axis


def test_wide_characters_count_as_one_em() -> None:
    assert text_width("顧客", 10) == 20
    assert text_width("ab", 10) < 12


def test_bars_are_drawn_to_scale_with_their_values_and_labels() -> None:
    svg = bar_svg(["投信", "仕組債"], {"2025年度": [10, 40], "2026年度": [20, 0]}, title="件数", ylabel="件")
    bars = [r for r in _tree(svg).iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    heights = {r.find(f"{NS}title").text: float(r.get("height")) for r in bars}  # type: ignore[union-attr, arg-type]
    assert heights["2025年度: 40"] == 4 * heights["2025年度: 10"] and heights["2026年度: 0"] == 0
    texts = _texts(svg)
    assert {"投信", "仕組債", "件数", "件", "2025年度", "2026年度", "40"} <= set(texts)


def test_labels_are_escaped_not_markup() -> None:
    svg = bar_svg(["<script>x</script>", "a&b"], {"s": [1, 2]})
    assert "<script>" not in svg
    assert "<script>x</script>" in _texts(svg) and "a&b" in _texts(svg)


def test_a_missing_value_breaks_the_line() -> None:
    svg = line_svg(["2024", "2025", "2026", "2027"], {"投資信託": [60.0, 70.0, None, 75.0], "b": [1.0, 2.0, 3.0, 4.0]})
    lines = list(_tree(svg).iter(f"{NS}polyline"))
    assert len(lines) == 2  # 投資信託 has one segment before the gap (the lone point after it is a marker), b one
    assert len(list(_tree(svg).iter(f"{NS}circle"))) == 7


def test_scatter_labels_each_point_and_marks_the_highlight() -> None:
    svg = scatter_svg([(1.0, 2.0, "1"), (2.0, -1.0, "2")], xlabel="コスト (%)", ylabel="リターン", sizes=[10, 20],
                      highlight=(1.5, 0.5, "加重平均"))
    assert {"1", "2", "加重平均", "コスト (%)", "リターン"} <= set(_texts(svg))
    circles = [float(c.get("r", 0)) for c in _tree(svg).iter(f"{NS}circle")]
    assert circles[1] > circles[0]  # the larger balance gets the larger marker
    assert _tree(svg).find(f"{NS}polygon") is not None


def test_heat_map_writes_each_nonzero_count_in_its_cell() -> None:
    svg = heatmap_svg(["B1", "B2"], ["rule_a", "rule_b"], [[3, 0], [1, 12]])
    texts = _texts(svg)
    assert {"B1", "B2", "rule_a", "rule_b", "3", "1", "12"} <= set(texts)
    assert "0" in texts  # the key's lower end; the empty cell itself has no number
    assert texts.count("0") == 1
