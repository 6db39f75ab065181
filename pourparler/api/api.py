"""The REST API under /api/v1/: one django-ninja instance gathering every app's router.

Each domain app that has an ``api.py`` with a ``router`` is added, in ``INSTALLED_APPS``
order (the same convention as ``profile.py`` for the shared pages): a new app joins the
API by writing its ``api.py``, nothing here changes. The OpenAPI 3 schema is at
``/api/v1/openapi.json`` and the interactive docs at ``/api/v1/docs``, both behind the
same wall as the operations (a token or a session with both factors). The docs page
uses django-ninja's bundled Swagger UI files, served from our own static files: no CDN,
and no inline script (the page passes the CSP).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import json
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI, Router, Swagger
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from pourparler.api.auth import API_AUTH, TokenAuth
from pourparler.api.resources import InvalidInput, _messages
from pourparler.core.services import RecordGone
from pourparler.core.twofactor import fully_signed_in

DESCRIPTION = """\
The records of Pourparler, for scripts and other systems. Every call acts as one member
of staff and sees and changes exactly what that person may on the pages: the same read
path, the same services, the same audit trail.

Authenticate with a personal token (`pourparler token create USERNAME`) sent as
`Authorization: Bearer <token>`, or with the browser session of a user signed in with
both factors (changes then need the `X-CSRFToken` header). Lists take `limit` and
`offset`; a change names the `version` it was made against and a stale one is a 409
carrying the record as it now stands. See docs/api.md.
"""


class StrictParser(Parser):
    """Parse JSON bodies, refusing text no database can store (NUL, lone surrogates), and
    query strings, refusing a single-valued parameter given more than once."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        _check_strings(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        """Read query parameters; one given several times that takes a single value is
        passed on as a list, so it is refused (422) instead of silently taking the last."""
        result: dict[str, Any] = {}
        for key in data:
            values = data.getlist(key)
            result[key] = values if key in list_fields or len(values) > 1 else values[0]
        return result


def _check_strings(value: Any) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL character in the body")
        value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)


class PourparlerAPI(NinjaAPI):
    """NinjaAPI whose every answer stays out of caches (it may hold confidential text)."""

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        _no_store(response)
        return response

    def create_temporal_response(self, request: HttpRequest) -> HttpResponse:
        response = super().create_temporal_response(request)
        _no_store(response)
        return response

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The schema, saying of each optional query parameter that it may be left out,
        not that it may be null (a query string has no null)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query":
                        _without_null(parameter["schema"])
        return schema


def _without_null(schema: dict[str, Any]) -> None:
    branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
    if "anyOf" in schema and len(branches) == 1:
        del schema["anyOf"]
        schema.update(branches[0])


def _no_store(response: HttpResponse) -> None:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)


def docs_wall(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let only a user signed in with both factors, or a valid token, read the schema."""

    @functools.wraps(view)
    def walled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not fully_signed_in(getattr(request, "user", None)):
            try:
                user = TokenAuth()(request)
            except AuthenticationError:
                user = None
            if user is None:
                return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return walled


api = PourparlerAPI(
    title="Pourparler API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=API_AUTH,
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_decorator=docs_wall,
    parser=StrictParser(),
)


def _json(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Say which field is wrong as ``["body", "name"]``, as for the services' refusals."""
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc", ()))
        if loc[:2] == ["body", "payload"]:
            loc = ["body", *loc[2:]]
        errors.append({**error, "loc": loc})
    return _json(request, 422, errors)


@api.exception_handler(InvalidInput)
def _invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return _json(request, 422, exc.as_list())


@api.exception_handler(DjangoValidationError)
def _invalid_record(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _json(request, 422, InvalidInput(_messages(exc)).as_list())


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, 404, "Not found.")


@api.exception_handler(RecordGone)
def _gone(request: HttpRequest, exc: RecordGone) -> HttpResponse:
    return _json(request, 404, "Not found: the record was deleted meanwhile.")


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _json(request, 401, "Sign in: send a valid token as 'Authorization: Bearer …'.")
    response["WWW-Authenticate"] = 'Bearer realm="pourparler"'
    return response


def app_routers() -> list[Router]:
    """Return the ``router`` of every project app that has an ``api.py``."""
    routers = []
    for config in apps.get_app_configs():
        if not config.name.startswith("pourparler.") or config.name == "pourparler.api":
            continue
        name = f"{config.name}.api"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        routers.append(module.router)
    return routers


for _router in app_routers():
    api.add_router("", _router)
