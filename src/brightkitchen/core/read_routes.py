"""The read routes every kind of record has, written once: one record as JSON, and one of its stored
files (a photo with its thumbnail, or a PDF). Each app adds them to its router with one call naming its
path, model and schema; the scope, the 404 for what the caller may not see, the error answers and the
file's headers are the same for every kind.

    add_detail_route(router, "/records/samples/{sample_id}", SampleRetention, SampleOut,
                     summary="One sample", related=("canteen",))
    add_file_route(router, "/records/samples/{sample_id}/photo", SampleRetention,
                   file_field="photo", thumbnail_field="photo_thumbnail",
                   summary="The sample's photo (JPEG); ?thumbnail=true for the small one")

The view a call makes is named `name` (the operation id and the URL name `api:<name>`) and takes the
path's id under the path's own name, so the document and `reverse()` read as for a hand-written route.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Router, Schema

from brightkitchen.core import uploads
from brightkitchen.core.api import FILE_RESPONSE, ErrorOut
from brightkitchen.core.scoping import Action, get_visible_or_404

# What a read route answers besides its 200: not signed in, nothing the caller may see, an id out of range.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _path_id(path: str) -> str:
    names = re.findall(r"\{(\w+)\}", path)
    if len(names) != 1:
        raise ValueError(f"{path}: a read route names exactly one id, not {names}")
    return str(names[0])


def _view(
    name: str,
    module: str,
    id_name: str,
    body: Callable[..., Any],
    extra: Sequence[inspect.Parameter] = (),
) -> Callable[..., Any]:
    """A view `name(request, <id_name>: int, *extra)` that calls `body(request, id, **extra)`."""

    def view(request: HttpRequest, **values: Any) -> Any:
        return body(request, values.pop(id_name), **values)

    view.__name__ = view.__qualname__ = name
    view.__module__ = module
    view.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=HttpRequest),
            inspect.Parameter(id_name, inspect.Parameter.KEYWORD_ONLY, annotation=int),
            *extra,
        ]
    )
    return view


def _rows_of(source: type[Model] | Callable[[Any], QuerySet[Any]]) -> Callable[[Any], Any]:
    """The rows a user's lookup starts from: the model itself (get_visible_or_404 scopes it), or what the
    app's selector gives that user."""
    if isinstance(source, type):
        return lambda user: source
    return source


def _caller_module() -> str:
    """The module of the app that adds the route (two frames up): the operation id is module + name, as
    for a view defined there."""
    return str(sys._getframe(2).f_globals["__name__"])


def add_detail_route(
    router: Router,
    path: str,
    out: type[Schema],
    *,
    name: str,
    summary: str,
    source: type[Model] | Callable[[Any], QuerySet[Any]] | None = None,
    related: Sequence[str] = (),
    read: Callable[[HttpRequest, int], Schema] | None = None,
) -> None:
    """GET `path`: one record as `out`, if the caller may see it. Either `source` (the model, or a selector
    `f(user)` of the rows to look in) and the record is `out.of(row)`, or `read(request, id)` where the
    answer needs more than the row (its steps, its recent events)."""
    if read is None:
        if source is None:
            raise ValueError(f"{path}: give the source of the rows or a read function")
        rows_of = _rows_of(source)
        of: Callable[[Any], Schema] = out.of  # type: ignore[attr-defined]  # every Out has of(row)

        def read(request: HttpRequest, pk: int) -> Schema:
            return of(
                get_visible_or_404(rows_of(request.user), request.user, Action.VIEW, related=related, pk=pk)
            )

    elif source is not None:
        raise ValueError(f"{path}: give a source or a read function, not both")
    view = _view(name, _caller_module(), _path_id(path), read)
    router.get(path, response={200: out, **READ_ERRORS}, summary=summary)(view)


def add_file_route(
    router: Router,
    path: str,
    source: type[Model] | Callable[[Any], QuerySet[Any]],
    *,
    name: str,
    summary: str,
    file_field: str = "photo",
    thumbnail_field: str = "thumbnail",
) -> None:
    """GET `path`: the stored file `file_field` of the record with that id (`?thumbnail=true` for its
    `thumbnail_field`, where it has one), if the caller may see the record. `source` is the model, or a
    selector `f(user)` whose rows are the ones a file may come from (an attachment of a visible task)."""

    rows_of = _rows_of(source)

    def serve(request: HttpRequest, pk: int, thumbnail: bool = False) -> HttpResponseBase:
        record = get_visible_or_404(rows_of(request.user), request.user, Action.VIEW, pk=pk)
        small = getattr(record, thumbnail_field)
        return uploads.serve(small if thumbnail and small else getattr(record, file_field))

    flag = inspect.Parameter("thumbnail", inspect.Parameter.KEYWORD_ONLY, annotation=bool, default=False)
    view = _view(name, _caller_module(), _path_id(path), serve, [flag])
    router.get(path, response={200: None, **READ_ERRORS}, openapi_extra=FILE_RESPONSE, summary=summary)(view)
