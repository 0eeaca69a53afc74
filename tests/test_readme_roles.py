"""The README's table of roles is graph/permissions.py's: rendered from ROOT and NARROWED, so an edit of
either that is not in the README fails here (the failure shows the block to paste)."""

from __future__ import annotations

from pathlib import Path

from graph.permissions import NARROWED, ROOT
from graph.schema import schema
from resolvers.viewer import Role

README = Path(__file__).resolve().parents[1] / "README.md"
BEGIN = "<!-- roles: rendered from graph/permissions.py by tests/test_readme_roles.py -->"
END = "<!-- end of roles -->"


def rendered() -> str:
    """The README's block: who may call which root field and mutation, then the narrowed types."""
    order = [f"Query.{name}" for name in schema._schema.query_type.fields]  # type: ignore[union-attr]
    order += [f"Mutation.{name}" for name in schema._schema.mutation_type.fields]  # type: ignore[union-attr]
    by_roles: dict[tuple[str, ...], list[str]] = {}
    for field in order:
        roles = tuple(role.value for role in Role if role in ROOT[field])
        by_roles.setdefault(roles, []).append(field)
    rows = sorted(by_roles.items(), key=lambda item: (-len(item[0]), item[0]))
    lines = [BEGIN, "| Roles | Root fields (Query) and mutations |", "|---|---|"]
    for roles, fields in rows:
        names = ", ".join(f"`{f.split('.', 1)[1]}`" for f in fields)
        lines.append(f"| {', '.join(roles)} | {names} |")
    lines.append("")
    for role, types in NARROWED.items():
        for type_name, allowed in types.items():
            readable = ", ".join(f"`{f}`" for f in sorted(allowed))
            lines.append(f"* `{role}` reads only {readable} of each `{type_name}`.")
    lines.append(END)
    return "\n".join(lines)


def test_the_readmes_table_of_roles_is_the_code() -> None:
    text = README.read_text()
    assert BEGIN in text, f"the README lacks its roles block:\n{rendered()}"
    assert END in text, f"the README lacks its roles block's end:\n{rendered()}"
    block = text[text.index(BEGIN) : text.index(END) + len(END)]
    assert block == rendered(), f"paste this into README.md:\n{rendered()}"
