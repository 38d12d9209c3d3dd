"""OpenAPI plumbing: the workspace slug parameter every workspace route takes, and the
drf-spectacular post-processing hook that documents the error responses every operation can
give."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Workspace")

UNSAFE = {"post", "put", "patch", "delete"}
ERRORS = {
    "400": ("Bad input: field errors, or `non_field_errors` for the whole body.", "FieldErrors"),
    "401": ("No credentials, or a token that is not valid.", "Error"),
    "403": ("The caller's role may not do this (or a session request had no CSRF token).", "Error"),
    "404": ("Not found, or it belongs to a workspace the caller is not in.", "Error"),
    "409": ("A simultaneous change conflicts with this one; reload and retry.", "Error"),
    "412": ("`If-Match` names a version that is no longer current; fetch it again.", "Error"),
    "413": ("The request body is larger than the server accepts.", "Error"),
    "429": ("Too many requests; `Retry-After` says how many seconds to wait.", "Error"),
}


def _response(code: str) -> dict[str, Any]:
    description, component = ERRORS[code]
    content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}}
    if code == "429":
        retry_after = {"schema": {"type": "integer"}, "description": "Seconds to wait."}
        return {
            "description": description,
            "content": content,
            "headers": {"Retry-After": retry_after},
        }
    return {"description": description, "content": content}


def add_error_responses(result: dict, generator, request, public) -> dict:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    schemas["FieldErrors"] = {
        "type": "object",
        "description": "Each invalid field with its messages.",
        "additionalProperties": True,
    }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            security = operation.get("security", [])
            anonymous = not security or {} in security
            codes = ["429"]
            if not anonymous:
                codes += ["401", "403"]
            query = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            if "{" in path or "page" in query:
                codes.append("404")
            if method in UNSAFE:
                codes += ["400", "409", "413"]
            elif query:
                codes.append("400")
            if any(p["name"] == "If-Match" for p in operation.get("parameters", [])):
                codes.append("412")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, _response(code))
    return result
