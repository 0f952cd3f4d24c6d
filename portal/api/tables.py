"""Derived tables on /api/v1: a file's columns and their profile, and the agency's column types."""
from __future__ import annotations

from ..accounts import roles
from ..caller import signed_in_user
from ..tables import services
from ..tables.schemas import ColumnTypesIn, TableOut
from .cases import load_body, token_required
from .routes import route

ID = {"resource_id": "The resource's id."}


@route("/resources/<resource_id>/table", summary="A file's columns and their profile", tag="resources",
       response=TableOut, errors=(403, 404, 451), path_params=ID)
def resource_table(resource_id: str):
    """The typed columns of a tabular file and a profile of each (empty cells, distinct values, min/max, most
    frequent values, a histogram for numbers and dates), under the download's rules: a conditional entry's
    file to a grant holder's token only, 451 while the entry is suspended; 404 until the table is derived."""
    return TableOut().dump(services.readable_table(resource_id, signed_in_user(), "api")[1])


@route("/resources/<resource_id>/column-types", method="post", summary="Set the types of a file's columns",
       tag="resources", body=ColumnTypesIn, response=TableOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=ID)
@token_required(*roles.STAFF, write=True)
def set_column_types(user, resource_id: str):
    """Staff of the entry's agency set column types; the current version is read anew with them (state
    pending). A cell that does not read as the set type makes the table fail, naming its row and column."""
    args = load_body(ColumnTypesIn)
    table = services.set_types_of_resource(resource_id, args["types"], user)
    return TableOut().dump(table), 201
