"""The mechanism stages: the columns of a pathway's picture, left to right, and their headings.

Each category (the pharmakg class of an entity, as a CURIE) belongs to one stage; a category
no stage lists goes with the processes. A stage's heading names the categories its column
holds (:meth:`Stage.heading`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "EFFECTS_STAGE",
    "STAGES",
    "Stage",
    "stage_of",
]


@dataclass(frozen=True)
class Stage:
    """One column of the layered layout.

    :param title: the heading when every node of the column is of ``categories``.
    :param categories: the categories the title names, in the order they are drawn.
    :param broader: headings for columns holding other categories of this stage, each with
        the categories it names; a column gets the first heading that names all its nodes
        (:meth:`heading`). The last names every category of the stage.
    """

    key: str
    title: str
    categories: tuple[str, ...]
    broader: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        """Every category placed in this stage: ``categories`` first, in drawing order."""
        return tuple(dict.fromkeys(self.categories + tuple(c for _, b in self.broader for c in b)))

    def heading(self, categories: Iterable[str | None]) -> str:
        """The heading of a column whose nodes are of ``categories``: the first that names all.

        A category the stage does not list (placed here by default) is named as "other steps".

        >>> STAGES[3].heading(["pkg:ImmuneResponse", "pkg:CytokineInduction"])
        'Immune processes'
        >>> STAGES[3].heading(["pkg:ImmuneResponse", "pkg:BiologicalProcess", "pkg:Pathway"])
        'Processes'
        >>> STAGES[3].heading(["pkg:ImmuneResponse", None])
        'Immune processes and other steps'
        """
        drawn = set(categories)
        known = drawn & set(self.members)
        titles = ((self.title, self.categories), *self.broader)
        title = next(t for t, named in titles if known <= set(named))
        if drawn == known:
            return title
        return f"{title} and other steps" if known else "Other steps"


# The stages sort entities by what they are (the monograph's kinds, and the Biolink node types
# of a curated database's paths, ontology/drugmechdb.ttl), never by where they sit on one path:
# an edge from a later stage to an earlier one is laid out reversed and drawn back.
# - Molecular entities go with the targets: pkg:Protein, pkg:GeneFamily (DrugMechDB's are
#   InterPro/Pfam/TIGRFAM protein families), pkg:MacromolecularComplex (ribosomes, tubulin) and
#   pkg:ChemicalEntity (metabolites such as morphine, mediators such as substance P). Being on
#   a path does not make an entity a target (ontology/drugmechdb-mapping.tsv), so a column
#   holding them is headed "Proteins and targets" or "Molecules", never "Targets and cells".
# - Cells, cellular components and gross anatomy go with the monograph's immune cell types.
#   A cell of any kind leaves the heading "Targets and cells" true; a component or an organ
#   widens it. On DrugMechDB's paths they are mostly where a process occurs or is located,
#   so those edges are drawn back: a place is not a step after the process.
# - pkg:Pathway is a process (biolink:Pathway is_a biolink:BiologicalProcess), and
#   pkg:MolecularActivity is a process's sibling (biolink:BiologicalProcessOrActivity): both
#   go with the processes. "Immune processes" names only pkg:ImmuneResponse and the
#   monograph's pkg:CytokineInduction (the induction of immune signalling proteins); one
#   pkg:BiologicalProcess (a GO or Reactome term of any kind) makes the heading "Processes".
# - pkg:PhenotypicFeature (a path's symptoms and signs) goes with the effects, and so does
#   pkg:OrganismTaxon, as the monograph's viral products do: on DrugMechDB's paths a taxon is
#   what a process acts on or occurs in, just before the disease it causes. The monograph's
#   pkg:Virus (HPV, which DrugMechDB's imiquimod path reaches as a taxon) goes with them.
_TARGETS = ("pkg:MolecularTarget", "pkg:Receptor", "pkg:TollLikeReceptor")
_PROTEINS = (*_TARGETS, "pkg:Protein", "pkg:GeneFamily")
_MOLECULES = (*_PROTEINS, "pkg:MacromolecularComplex", "pkg:ChemicalEntity")
_CELLS = ("pkg:ImmuneCellType", "pkg:Cell", "pkg:CellularComponent")
_ANATOMY = (*_MOLECULES, *_CELLS, "pkg:GrossAnatomicalStructure")
_IMMUNE = ("pkg:ImmuneResponse", "pkg:CytokineInduction")
_PROCESSES = (*_IMMUNE, "pkg:BiologicalProcess", "pkg:Pathway")
_EFFECTS = ("pkg:TherapeuticEffect", "pkg:ViralProduct", "pkg:Activity")
_PHENOTYPES, _ORGANISMS = ("pkg:PhenotypicFeature",), ("pkg:OrganismTaxon", "pkg:Virus")

#: The mechanism stages, left to right. A category not listed goes to ``processes``.
STAGES: tuple[Stage, ...] = (
    Stage("drug", "Drug", ("pkg:Drug",)),
    Stage(
        "targets",
        "Targets and cells",
        (*_TARGETS, "pkg:ImmuneCellType", "pkg:Cell"),
        (
            ("Proteins and targets", _PROTEINS),
            ("Molecules", _MOLECULES),
            ("Molecules and cells", _MOLECULES + _CELLS),
            ("Molecules, cells and anatomy", _ANATOMY),
        ),
    ),
    Stage("cytokines", "Cytokines", ("pkg:Cytokine",)),
    Stage(
        "processes",
        "Immune processes",
        _IMMUNE,
        (
            ("Processes", _PROCESSES),
            ("Molecular activities", ("pkg:MolecularActivity",)),
            ("Processes and activities", (*_PROCESSES, "pkg:MolecularActivity")),
        ),
    ),
    Stage(
        "effects",
        "Effects",
        _EFFECTS,
        (
            ("Phenotypes", _PHENOTYPES),
            ("Organisms", _ORGANISMS),
            ("Effects and phenotypes", _EFFECTS + _PHENOTYPES),
            ("Effects and organisms", _EFFECTS + _ORGANISMS),
            ("Effects, phenotypes and organisms", _EFFECTS + _PHENOTYPES + _ORGANISMS),
        ),
    ),
    Stage("mechanism", "Mechanism", ("pkg:MechanismOfAction",)),
    Stage("diseases", "Indications", ("pkg:Disease",)),
)
_STAGE_OF = {category: index for index, stage in enumerate(STAGES) for category in stage.members}
_DEFAULT_STAGE = 3
#: The stage of the effects, where a negative statement's object is drawn.
EFFECTS_STAGE = 4


def stage_of(category: str | None) -> int:
    """The index in :data:`STAGES` of ``category``'s stage (the processes' for any other).

    >>> STAGES[stage_of("pkg:Cytokine")].key, STAGES[stage_of("pkg:Unheard")].key
    ('cytokines', 'processes')
    """
    return _STAGE_OF.get(category or "", _DEFAULT_STAGE)
