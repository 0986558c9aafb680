"""Checks a JSON document against the subset of JSON Schema the API's OpenAPI description uses.

One schema serves both: the OpenAPI document publishes it, and requests are checked against it,
so what the description promises is what the service enforces.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "array": (list,),
}

# NUL (PostgreSQL text refuses it) and lone UTF-16 surrogates (no UTF-8 encodes them).
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


@lru_cache(maxsize=64)
def _pattern(source: str) -> re.Pattern[str]:
    return re.compile(source)


def _type_error(value: Any, schema: dict[str, Any], where: str) -> str | None:
    if value is None:
        return None if schema.get("nullable") else f"{where} must not be null"
    expected = schema.get("type")
    if expected is None:
        return None
    ok = isinstance(value, _TYPES[expected])
    if expected == "integer" and isinstance(value, bool):
        ok = False
    return None if ok else f"{where} must be {'an' if expected[0] in 'aeiou' else 'a'} {expected}"


def first_error(value: Any, schema: dict[str, Any], where: str = "body") -> str | None:
    """The first way `value` breaks `schema`, as a sentence naming the field; None if it fits."""
    problem = _type_error(value, schema, where)
    if problem or value is None:
        return problem
    if isinstance(value, dict):
        return _object_error(value, schema, where)
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return (
                f"{where} must not be empty"
                if schema["minLength"] == 1
                else f"{where} must be at least {schema['minLength']} characters"
            )
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"{where} must be at most {schema['maxLength']} characters"
        if _NOT_TEXT.search(value):  # no database stores these: a store error for all its batch
            return (f"{where} holds a character that is not text (a NUL, or half of a character "
                    "such as an emoji cut in two); send whole UTF-8 text")
        if "pattern" in schema and not _pattern(schema["pattern"]).search(value):
            rule = schema.get("x-rule") or f"must match the pattern {schema['pattern']}"
            return f"{where} {rule}"
    if isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{where} must be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{where} must be at most {schema['maximum']}"
    return None


def _object_error(value: dict[str, Any], schema: dict[str, Any], where: str) -> str | None:
    properties: dict[str, Any] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            return f"{where}.{name} is required"
    for name, item in value.items():
        if name not in properties:
            if schema.get("additionalProperties", True) is False:
                return f"{where}.{name} is not a known field"
            continue
        problem = first_error(item, properties[name], f"{where}.{name}")
        if problem:
            return problem
    return None
