"""What a reach rule needs beyond its properties' types (checked with the whole run).

- A blocking rule says how strong the bar is (`strength`); a compelling rule has none.
- `group_presence` extends the presence basis, so it needs presence among the rule's `bases`.
- Every rule has a standing to derive (ingest/derive.py): at least one ESTABLISHED_BY,
  REJECTED_BY or ASSERTED_BY, in this run or already in the store. Without one it could
  never appear in an answer, which is a mistake, not a choice.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..graph.stores import Store
from .problems import Checker, Problem

STANDING_LINKS = ("ESTABLISHED_BY", "REJECTED_BY", "ASSERTED_BY")


def check_rules(
    rules: pd.DataFrame | None, relationships: Mapping[str, pd.DataFrame], store: Store | None
) -> list[Problem]:
    if rules is None or rules.empty:
        return []
    check = Checker(rules, "key")
    blocks = rules["effect"] == "blocks"
    has_strength = rules["strength"].notna()
    check.flag(
        blocks & ~has_strength,
        "strength",
        "a blocking rule needs a strength: absolute, unless_channel or qualified",
    )
    check.flag(
        (rules["effect"] == "compels") & has_strength,
        "strength",
        "only a blocking rule has a strength",
    )
    no_presence = rules["bases"].map(lambda bases: "presence" not in (bases or []))
    check.flag(
        rules["group_presence"].fillna(False).astype(bool) & no_presence,
        "group_presence",
        "group_presence extends the presence basis; add presence to the rule's bases or drop it",
    )
    linked: set[str] = set()
    for rel_type in STANDING_LINKS:
        frame = relationships.get(rel_type)
        if frame is not None:
            linked |= set(frame["start"].dropna())
    unlinked = sorted(set(rules["key"].dropna()) - linked)
    if unlinked and store is not None:
        found = store.read(
            f"MATCH (r:ReachRule)-[:{'|'.join(STANDING_LINKS)}]->() WHERE r.key IN $keys "
            "RETURN DISTINCT r.key",
            {"keys": unlinked},
        ).rows
        linked |= {row[0] for row in found}
    check.flag(
        ~rules["key"].isin(linked) & rules["key"].notna(),
        "key",
        "the rule has no standing: link it ESTABLISHED_BY the law that states it or a "
        "decision that held it, REJECTED_BY a decision, or ASSERTED_BY the request that "
        "claims it",
    )
    return check.problems
