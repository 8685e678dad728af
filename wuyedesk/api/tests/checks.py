"""A schemathesis check stricter than response_schema_conformance: no field undeclared.

JSON Schema lets an object carry properties its schema does not name, so a conforming answer
may still hold fields that an integrator cannot learn from the document (as `version` once
was). This check fails on any key of an answer's object that the documented schema of that
object does not declare (objects declared as free-form, such as an event's `data`, excepted).
"""

import schemathesis


def _resolved(schema: dict, components: dict) -> dict:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def undeclared(value, schema: dict, components: dict, where: str = "") -> list[str]:
    """The paths of the keys in `value` that `schema` does not declare."""
    schema = _resolved(schema, components)
    options = schema.get("anyOf") or schema.get("oneOf")
    if options:
        fitting = [
            undeclared(value, option, components, where)
            for option in options
            if _fits(value, _resolved(option, components))
        ]
        return min(fitting, key=len) if fitting else []
    if isinstance(value, dict) and "properties" in schema:
        declared = schema["properties"]
        found = [f"{where}.{key}" for key in value if key not in declared]
        for key, item in value.items():
            if key in declared:
                found += undeclared(item, declared[key], components, f"{where}.{key}")
        return found
    if isinstance(value, list) and "items" in schema:
        found = []
        for index, item in enumerate(value):
            found += undeclared(item, schema["items"], components, f"{where}[{index}]")
        return found
    return []


def _fits(value, schema: dict) -> bool:
    kind = schema.get("type")
    if isinstance(value, dict):
        return kind == "object" or "properties" in schema
    if isinstance(value, list):
        return kind == "array"
    return value is None if kind == "null" else kind != "null"


@schemathesis.check
def no_undeclared_field(ctx, response, case):
    content_type = response.headers.get("content-type") or ""
    if isinstance(content_type, list):
        content_type = content_type[0] if content_type else ""
    if "json" not in content_type:
        return None
    raw = case.operation.schema.raw_schema
    operation = raw["paths"][case.operation.path][case.operation.method.lower()]
    documented = operation["responses"].get(str(response.status_code))
    if documented is None or "content" not in documented:
        return None
    schema = documented["content"]["application/json"]["schema"]
    found = undeclared(response.json(), schema, raw["components"]["schemas"])
    assert not found, f"fields the OpenAPI document does not declare: {', '.join(found)}"
    return True
