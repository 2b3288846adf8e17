"""How a pathway is drawn: colours and corners per category, line styles per basis, legends.

Every picture format (SVG and PNG, the HTML page, Mermaid) takes its colours from here, so the
same category and the same basis look alike in all of them: each category has its fill, border
and corner (:data:`CATEGORY_STYLES`), each basis its colour and dash (:data:`BASIS_STYLES`),
and :mod:`.legend` lists what one picture draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "APPROVED_COLOUR",
    "BASIS_STYLES",
    "BasisStyle",
    "CATEGORY_STYLES",
    "CategoryStyle",
    "INHIBITING_COLOUR",
    "NEGATED_DASH",
    "NEGATED_STYLE",
    "NEGATIVE_COLOUR",
    "OFF_LABEL_COLOUR",
    "curated_summary",
]


@dataclass(frozen=True)
class CategoryStyle:
    """How one category is drawn: fill, border and text colour, and the corner radius."""

    title: str
    fill: str
    border: str
    corner: float = 6.0
    text: str = "#1c2833"


#: Colours and corners by category (``None``: a category the table does not know).
CATEGORY_STYLES: dict[str | None, CategoryStyle] = {
    "pkg:Drug": CategoryStyle("Drug", "#1f4e79", "#0b2540", 10.0, "#ffffff"),
    "pkg:Receptor": CategoryStyle("Receptor", "#d6eaf8", "#2874a6", 2.0),
    "pkg:TollLikeReceptor": CategoryStyle("Receptor", "#d6eaf8", "#2874a6", 2.0),
    "pkg:MolecularTarget": CategoryStyle("Target", "#d6eaf8", "#2874a6", 2.0),
    "pkg:ImmuneCellType": CategoryStyle("Immune cell type", "#d1f2eb", "#117a65", 16.0),
    "pkg:Cytokine": CategoryStyle("Cytokine", "#fcf3cf", "#9a7d0a", 2.0),
    "pkg:ImmuneResponse": CategoryStyle("Immune process", "#e8daef", "#6c3483", 10.0),
    "pkg:BiologicalProcess": CategoryStyle("Biological process", "#e8daef", "#6c3483", 10.0),
    "pkg:TherapeuticEffect": CategoryStyle("Therapeutic effect", "#d5f5e3", "#1e8449", 6.0),
    "pkg:ViralProduct": CategoryStyle("Viral product", "#f6ddcc", "#a04000", 2.0),
    "pkg:MechanismOfAction": CategoryStyle("Mechanism of action", "#eaeded", "#283747", 0.0),
    "pkg:Disease": CategoryStyle("Disease (indication)", "#fadbd8", "#922b21", 6.0),
    # A curated database's node types (ontology/drugmechdb.ttl), titled as Biolink names them,
    # each a shade of its kind's colour in the monograph: molecules the targets' blue (a
    # chemical the drug's, lighter), cells, their parts and anatomy the cells' green,
    # pathways and activities the processes' purple, phenotypes the effects' green, organisms
    # the viral products' brown.
    "pkg:Protein": CategoryStyle("Protein", "#d4e6f1", "#1a5276", 2.0),
    "pkg:GeneFamily": CategoryStyle("Gene family", "#eaf2f8", "#5499c7", 2.0),
    "pkg:MacromolecularComplex": CategoryStyle("Macromolecular complex", "#dde3f5", "#3f51b5", 2.0),
    "pkg:ChemicalEntity": CategoryStyle("Chemical entity", "#dce3ec", "#1f4e79", 10.0),
    "pkg:Cell": CategoryStyle("Cell", "#d0ece7", "#0e6655", 16.0),
    "pkg:CellularComponent": CategoryStyle("Cellular component", "#e8f6f3", "#48a999", 16.0),
    "pkg:GrossAnatomicalStructure": CategoryStyle(
        "Gross anatomical structure", "#e6f0e9", "#4d7c63", 16.0
    ),
    "pkg:Pathway": CategoryStyle("Pathway", "#ddd0ea", "#512e5f", 10.0),
    "pkg:MolecularActivity": CategoryStyle("Molecular activity", "#f4ecf7", "#a569bd", 10.0),
    "pkg:PhenotypicFeature": CategoryStyle("Phenotypic feature", "#e9f7d9", "#5e8c1f", 6.0),
    "pkg:OrganismTaxon": CategoryStyle("Organism taxon", "#fae5d3", "#784212", 16.0),
    "pkg:Virus": CategoryStyle("Virus", "#f6ddcc", "#873600", 16.0),
    None: CategoryStyle("Other", "#f2f3f4", "#566573", 6.0),
}
APPROVED_COLOUR, OFF_LABEL_COLOUR, NEGATIVE_COLOUR = "#1e8449", "#d35400", "#c0392b"
#: A node reached only by a negative statement (the drug does NOT do it).
NEGATED_STYLE = CategoryStyle("Not done (negative)", "#ffffff", NEGATIVE_COLOUR, 6.0)
#: A stated edge that lowers its object.
INHIBITING_COLOUR = "#a04000"
NEGATED_DASH = "6 4"


@dataclass(frozen=True)
class BasisStyle:
    """How the edges of one basis are drawn: colour, SVG dash pattern, cytoscape line style."""

    title: str
    colour: str
    dash: str | None
    line_style: str


#: One line style per basis; the legends list the bases a picture draws.
BASIS_STYLES: dict[str, BasisStyle] = {
    "stated": BasisStyle("stated by the monograph", "#707b7c", None, "solid"),
    "interpreted": BasisStyle("a curator's interpretation", "#a6acaf", "2 3", "dotted"),
    "inferred": BasisStyle("inferred by the reasoner", "#7d3c98", "7 4", "dashed"),
    "curated": BasisStyle("from a curated database", "#148f77", "10 3 2 3", "dashed"),
}


def curated_summary(records: Iterable[str]) -> str:
    """The curated records of a picture in a few words, per database.

    >>> curated_summary(["DrugMechDB (infores:drugmechdb) entry A_1",
    ...                  "DrugMechDB (infores:drugmechdb) entry B_2"])
    'DrugMechDB (infores:drugmechdb) entries A_1, B_2'
    """
    by_database: dict[str, list[str]] = {}
    for record in sorted(set(records)):
        database, _, entry = record.rpartition(" entry ")
        by_database.setdefault(database, []).append(entry)
    parts = []
    for database, entries in by_database.items():
        shown = ", ".join(entries[:3]) + (
            f" and {len(entries) - 3} more" if len(entries) > 3 else ""
        )
        parts.append(f"{database} entr{'y' if len(entries) == 1 else 'ies'} {shown}")
    return "; ".join(parts)
