"""Reading rendered SVG back: the structure Graphviz drew, for assertions on real output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from viz.dot import render_source

NS = {"svg": "http://www.w3.org/2000/svg"}


@dataclass
class Drawn:
    """What a rendered SVG contains: node, edge and cluster groups and all their text."""

    nodes: list[ET.Element]
    edges: list[ET.Element]
    clusters: list[ET.Element]
    root: ET.Element

    def texts(self, element: ET.Element | None = None) -> list[str]:
        """Every text run inside ``element`` (default: the whole picture), in document order."""
        el = self.root if element is None else element
        return ["".join(t.itertext()) for t in el.iter("{http://www.w3.org/2000/svg}text")]

    def title(self, element: ET.Element) -> str:
        t = element.find("svg:title", NS)
        return "" if t is None or t.text is None else t.text

    def node_texts(self, node_id: str) -> list[str]:
        """The texts of the node Graphviz drew for DOT id ``node_id``."""
        for n in self.nodes:
            if self.title(n) == node_id:
                return self.texts(n)
        raise KeyError(node_id)

    def cluster_labels(self) -> list[str]:
        return [" ".join(self.texts(c)) for c in self.clusters]


def parse(svg: str | bytes) -> Drawn:
    """Parse an SVG document written by Graphviz."""
    root = ET.fromstring(svg if isinstance(svg, bytes) else svg.encode("utf-8"))
    groups = list(root.iter("{http://www.w3.org/2000/svg}g"))

    def of(kind: str) -> list[ET.Element]:
        return [g for g in groups if g.get("class") == kind]

    return Drawn(of("node"), of("edge"), of("cluster"), root)


def rendered(graph: object) -> Drawn:
    """Render a graphviz Digraph to SVG with the real renderer and parse it."""
    return parse(render_source(graph.source, "svg"))  # type: ignore[attr-defined]
