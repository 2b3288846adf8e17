"""Write tests/data/biolink-4.4.4.json from Biolink Model 4.4.4's ``biolink-model.yaml``.

Usage (needs PyYAML)::

    git -C biolink-model show v4.4.4:biolink-model.yaml > /tmp/biolink-model.yaml
    python tools/make_biolink_lists.py /tmp/biolink-model.yaml

It keeps what the KGX
check needs: every class name (as ``biolink:CamelCase``) with its ``id_prefixes``
and ancestors, every non-deprecated predicate (descendants of ``related_to``), and
the permissible values of the enums pharmakg uses (qualifiers, knowledge level and
agent type), and every association slot (the columns a KGX edge may have).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

TAG = "v4.4.4"
ENUMS = (
    "AgentTypeEnum",
    "ClinicalApprovalStatusEnum",
    "DirectionQualifierEnum",
    "GeneOrGeneProductOrChemicalEntityAspectEnum",
    "KnowledgeLevelEnum",
)


def camel(name: str) -> str:
    """Biolink class name → CamelCase."""
    return "".join(part[:1].upper() + part[1:] for part in name.split(" "))


def snake(name: str) -> str:
    """Biolink slot name → snake_case."""
    return name.replace(" ", "_")


def main(path: str) -> None:
    """Read the YAML at ``path`` and write the JSON lists."""
    text = Path(path).read_text(encoding="utf-8")
    model = yaml.safe_load(text)
    classes = model["classes"]

    def ancestors(name: str) -> list[str]:
        out = []
        while name and name in classes:
            out.append(camel(name))
            name = classes[name].get("is_a")
        return out

    categories = {
        f"biolink:{camel(n)}": {
            "id_prefixes": c.get("id_prefixes", []),
            "ancestors": [f"biolink:{a}" for a in ancestors(n)[1:]],
        }
        for n, c in sorted(classes.items())
        if "named thing" in [a.lower() for a in [n, *[x for x in _chain(classes, n)]]]
    }
    slots = model["slots"]

    def is_predicate(name: str) -> bool:
        seen = name
        while seen:
            if seen == "related to":
                return True
            seen = slots.get(seen, {}).get("is_a")
        return False

    predicates = sorted(
        f"biolink:{snake(n)}"
        for n, s in slots.items()
        if is_predicate(n) and not s.get("deprecated")
    )
    enums = {e: sorted(model["enums"][e].get("permissible_values", {})) for e in ENUMS}

    def is_association_slot(name: str) -> bool:
        seen = slots.get(name, {}).get("is_a")
        while seen:
            if seen == "association slot":
                return True
            seen = slots.get(seen, {}).get("is_a")
        return False

    edge_slots = sorted(snake(n) for n in slots if is_association_slot(n))
    out = {
        "source": f"biolink/biolink-model {TAG}: biolink-model.yaml",
        "version": model.get("version", TAG),
        "categories": categories,
        "predicates": predicates,
        "enums": enums,
        "association_slots": edge_slots,
    }
    target = Path(__file__).resolve().parents[1] / "tests" / "data" / "biolink-4.4.4.json"
    target.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {target}: {len(categories)} categories, {len(predicates)} predicates")


def _chain(classes: dict[str, dict[str, object]], name: str) -> list[str]:
    out = []
    current = classes.get(name, {}).get("is_a")
    while isinstance(current, str):
        out.append(current)
        current = classes.get(current, {}).get("is_a")
    return out


if __name__ == "__main__":
    main(sys.argv[1])
