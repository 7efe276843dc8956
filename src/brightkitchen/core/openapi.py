"""Makes the served OpenAPI document state what the server refuses, where pydantic's schemas promise more.

A client (or a contract test) that sends only what the document calls valid must never get a 422. The
schemas django-ninja derives from pydantic fall short of that in four places, each fixed here once for
every operation rather than field by field:

  - a bounded day (core.api.Day, 2000-01-01..2099-12-31): JSON Schema has no minimum for a date's format,
    so Day carries a pattern for its year (see core.api); nothing to do here;
  - a form field has no null: an optional field is left out, never sent as the text "null", so the null
    branch of an optional form field is dropped; a field the operation does not name is ignored (the
    photos of an inspection's items, `photos.<code>`, are such fields), but as text it too may not hold
    a NUL character, so a form's additionalProperties are text without NUL (a file sent in such a field
    is not text the server reads);
  - a decimal: pydantic describes it as "a number or any string"; the server takes the string only when
    it is a number within the field's bounds, so the document keeps the number (with its bounds) alone;
  - a file: an empty one is never a photo or a document, so a file field has at least one byte;
  - free text: no database stores a NUL character, so the parser refuses it (core.api.StrictParser) and
    every request string without a format, pattern or fixed set of values says so with NO_NUL.
"""

from __future__ import annotations

from typing import Any

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# Any text without a NUL character (an ECMA-262 and Python regular expression alike).
NO_NUL = r"^[^\u0000]*$"
_NULL = {"type": "null"}


def state_refusals(document: dict[str, Any]) -> dict[str, Any]:
    """Refines, in place, the schemas of every request parameter and body of `document`; returns it."""
    components = document.get("components", {}).get("schemas", {})
    refined: set[str] = set()

    def follow(schema: Any) -> None:
        """Refines `schema` and every component it names (each component once)."""
        if isinstance(schema, dict):
            ref = schema.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in refined and name in components:
                    refined.add(name)
                    follow(components[name])
            _refine(schema)
            for value in schema.values():
                follow(value)
        elif isinstance(schema, list):
            for item in schema:
                follow(item)

    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                follow(parameter.get("schema"))
            for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
                schema = content.get("schema", {})
                if media_type in FORM_TYPES:
                    for field in schema.get("properties", {}).values():
                        _drop_null(field)
                    schema.setdefault("additionalProperties", {"type": "string", "pattern": NO_NUL})
                follow(schema)
    return document


def _refine(schema: dict[str, Any]) -> None:
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        numbers = [branch for branch in branches if branch.get("type") == "number"]
        if numbers and {"type": "string"} in branches:  # pydantic's decimal: a number, or any string
            _replace_branches(schema, [branch for branch in branches if branch != {"type": "string"}])
    if schema.get("type") != "string":
        return
    if schema.get("format") == "binary":
        schema.setdefault("minLength", 1)
    elif not {"format", "pattern", "enum", "const"} & schema.keys():
        schema["pattern"] = NO_NUL


def _drop_null(field: dict[str, Any]) -> None:
    branches = field.get("anyOf")
    if isinstance(branches, list) and _NULL in branches:
        _replace_branches(field, [branch for branch in branches if branch != _NULL])
        if field.get("default", ...) is None:
            del field["default"]


def _replace_branches(schema: dict[str, Any], branches: list[dict[str, Any]]) -> None:
    """Sets the anyOf of `schema` to `branches`, or merges the one branch left into `schema`."""
    if len(branches) == 1:
        del schema["anyOf"]
        schema.update(branches[0])
    else:
        schema["anyOf"] = branches
