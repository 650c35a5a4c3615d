"""The server-drawn SVG pictures: the citing timeline on hubs, the citation graph on document pages."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from archive.citing import charts
from archive.models import Document
from tests.test_reading_pages import import_text, report_text


def svgs(client, url: str) -> list[ET.Element]:
    """Every inline <svg> of the page, parsed as XML (so each is well-formed on its own)."""
    page = client.get(url).content.decode()
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", page, re.S)]


def links(svg: ET.Element) -> dict[str, str]:
    return {a.get("href"): a.get("aria-label") for a in svg.iter("a")}


def test_document_page_draws_what_it_cites(client, seeds):
    graph, narrow = svgs(client, "/documents/S/2018/1183/")
    assert links(narrow) == links(graph), "the phone layout links the same documents"
    assert graph.find("title").text == "引用关系图"
    assert graph.find("desc").text == "引用本文件的文件：0 份。本文件引用的文件：19 份。"
    nodes = links(graph)
    assert len(nodes) == 1 + 19, "the document itself and the 19 documents it cites"
    assert nodes["/documents/S/2016/952/"] == "S/2016/952：本文件引用 10 次（本库未收录全文）"
    assert nodes["/documents/S/RES/2382(2017)/"] == "S/RES/2382(2017)：本文件引用 7 次（本库未收录全文）"
    assert all(label for label in nodes.values()), "every node has an accessible name"
    # Edges are drawn for the 19 cited documents, thicker for S/2016/952 than for one citation.
    widths = [float(p.get("stroke-width")) for p in graph.iter("path") if p.get("class") == "chart__edge"]
    assert len(widths) == 19 and max(widths) > min(widths) == 1


def test_graph_has_a_text_alternative_listing_every_neighbour(client, seeds):
    page = client.get("/documents/S/2018/1183/").content.decode()
    alt = page[page.index('<details class="chart__alt">') :]
    alt = alt[: alt.index("</details>")]
    assert len(re.findall(r'<li><a href="/documents/', alt)) == 19
    assert "本库中尚无其他文件引用此文件。" in alt


def test_a_cited_document_shows_who_cites_it_and_when(client, seeds, db):
    later = report_text(2, date="2024 年 2 月 1 日").replace("S/RES/2382(2017)", "S/2018/1183")
    import_text(later, symbol="S/2024/21")
    graph, narrow, timeline = svgs(client, "/documents/S/2018/1183/")
    assert links(graph)["/documents/S/2024/21/"] == "S/2024/21：有 1 段引用本文件"
    assert links(narrow) == links(graph)
    ((href, label),) = links(timeline).items()
    assert label == "2024 年：1 份文件"
    assert href == f"#cited-by-{Document.objects.get(symbol='S/2024/21').public_id}"
    assert f'id="{href[1:]}"' in client.get("/documents/S/2018/1183/").content.decode()


def test_hub_timeline_has_a_bar_per_citing_year(client, seeds):
    (timeline,) = svgs(client, "/documents/S/PRST/2001/3/")
    bars = links(timeline)
    assert sorted(bars.values()) == ["2011 年：1 份文件", "2021 年：1 份文件"]
    page = client.get("/documents/S/PRST/2001/3/").content.decode()
    assert all(f'id="{href[1:]}"' in page for href in bars), "each bar lands on its year's citing document"
    years = [t.text for t in timeline.iter("text") if t.get("class") == "chart__year"]
    assert years == [str(y) for y in range(2011, 2022)], "the years between are on the axis too"
    assert "2011—2021 年，本库共有 2 份文件引用此文件" in page


def test_no_picture_without_citations(client, db):
    Document.objects.create(symbol="S/2024/97", title="没有引用的报告", raw_text="正文", date=date(2024, 1, 1))
    page = client.get("/documents/S/2024/97/").content.decode()
    assert "<svg" not in page and "引用关系" not in page


def test_pictures_are_english_in_english(client, seeds):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    graph, _narrow = svgs(client, "/documents/S/2018/1183/")
    assert graph.find("title").text == "Citation graph"
    assert links(graph)["/documents/S/2016/952/"] == (
        "S/2016/952: cited 10 times by this document (text not in the archive)"
    )


# --- geometry ------------------------------------------------------------------------------------


def test_timeline_skips_undated_documents_and_labels_at_most_twelve_years():
    docs = [Document(public_id=f"d{i}", date=date(1990 + i, 1, 1)) for i in range(0, 30, 3)]
    docs += [Document(public_id="same-year", date=date(1990, 6, 1)), Document(public_id="undated")]
    picture = charts.timeline(docs)
    assert picture.undated == 1 and picture.documents == 11
    assert (picture.first_year, picture.last_year) == (1990, 2017)
    assert len(picture.ticks) <= 12
    tallest = max(picture.bars, key=lambda bar: bar.height)
    assert tallest.year == 1990 and tallest.count == 2 and tallest.href == "#cited-by-d0"
    assert all(bar.y + bar.height == picture.baseline for bar in picture.bars)
    assert charts.timeline([Document(public_id="undated")]) is None


def test_graph_draws_at_most_twenty_a_side_and_counts_the_rest():
    doc = Document(symbol="S/2024/1", title="报告", raw_text="x")
    cited = [charts.GraphNode(f"S/RES/{n}(2020)", "", f"/documents/S/RES/{n}(2020)/", 1, False) for n in range(25)]
    picture = charts.graph(doc, [], cited)
    assert len(picture.cited) == charts.MAX_PER_SIDE and picture.more_cited == 5 and len(picture.cited_all) == 25
    rows = [node.y for node in picture.cited]
    assert rows == sorted(rows) and picture.height > rows[-1] + picture.node_height
    long = charts.GraphNode("一份标题很长很长很长很长很长很长很长的没有文号的文件", "", "/x/", 1, True)
    assert charts.graph(doc, [long], []).citing[0].label.endswith("…")
    assert charts.graph(doc, [], []) is None


def test_the_phone_layout_fits_a_phone_and_keeps_every_node_apart():
    doc = Document(symbol="S/2024/1", title="报告", raw_text="x")
    citing = [charts.GraphNode(f"S/2024/{n}", "", f"/documents/S/2024/{n}/", 1, True) for n in range(2, 6)]
    cited = [charts.GraphNode(f"S/RES/{n}(2020)", "", f"/documents/S/RES/{n}(2020)/", 2, False) for n in range(3)]
    narrow = charts.graph(doc, citing, cited).narrow
    assert narrow.width <= 350, "fits a 390 px screen with the page's margins"
    nodes = [*narrow.citing, *narrow.cited]
    assert all(node.x + narrow.node_width <= narrow.center.x for node in nodes), "neighbours left, this document right"
    tops = [node.y for node in nodes]
    assert tops == sorted(tops) and all(b - a >= narrow.node_height for a, b in zip(tops, tops[1:], strict=False))
    assert narrow.citing[-1].y < narrow.cited_heading_y < narrow.cited[0].y, "the second heading between the two groups"
    assert narrow.height >= nodes[-1].y + narrow.node_height
