"""Public data requests (数据需求) on /api/v1/data-requests: anyone reads the list and each request (the
requester never by name); an account files a request or says "me too" with a read-write API token; the data
authority routes a request, the agency it was routed to answers (403 to staff of another agency)."""
from __future__ import annotations

from ..accounts import roles
from ..accounts.models import Role
from ..datarequests import services
from ..datarequests.schemas import (DataRequestAnswerIn, DataRequestIn, DataRequestListIn, DataRequestOut,
                                    DataRequestPageOut, DataRequestRouteIn, DataRequestSupportIn)
from .cases import load_body, token_required
from .routes import load_args, paged, route

TAG = "data requests"
ID = {"request_id": "The data request's number."}


@route("/data-requests", summary="Public data requests", tag=TAG, query=DataRequestListIn,
       response=DataRequestPageOut, errors=(422,))
def list_data_requests():
    """Requests for data not open yet and their answers, newest first: words, state, agency and theme."""
    page = services.search(load_args(DataRequestListIn))
    return DataRequestPageOut().dump(paged(page, results=[services.public(r) for r in page.results]))


@route("/data-requests/<int:request_id>", summary="One data request", tag=TAG, response=DataRequestOut,
       errors=(404,), path_params=ID)
def show_data_request(request_id: int):
    """The request, its routing and answer (linked plan item or catalog entry, or the refusal's reason and legal
    basis) and every "me too" with its use case; who asked appears as a kind of account only."""
    return DataRequestOut().dump(services.public(services.get_request(request_id)))


@route("/data-requests", method="post", summary="Ask for data that is not open yet", tag=TAG, body=DataRequestIn,
       response=DataRequestOut, errors=(401, 403, 422), auth=True)
@token_required(write=True)
def file_data_request(user):
    """What, why and (optional) which agency and theme; the data authority routes it to an agency."""
    return DataRequestOut().dump(services.public(services.file_request(load_body(DataRequestIn), user))), 201


@route("/data-requests/<int:request_id>/me-too", method="post", summary="Say you need the same data", tag=TAG,
       body=DataRequestSupportIn, response=DataRequestOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=ID)
@token_required(write=True)
def support_data_request(user, request_id: int):
    """Once per account, with its own use case (409 the second time, or for the requester)."""
    r = services.get_request(request_id)
    services.add_support(r, load_body(DataRequestSupportIn), user)
    return DataRequestOut().dump(services.public(r)), 201


@route("/data-requests/<int:request_id>/route", method="post", summary="Route a data request to an agency",
       tag=TAG, body=DataRequestRouteIn, response=DataRequestOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=ID)
@token_required(*roles.AUTHORITY, write=True)
def route_data_request(user, request_id: int):
    """The data authority names the agency that answers; its answer period starts."""
    r = services.route(services.get_request(request_id), load_body(DataRequestRouteIn), user)
    return DataRequestOut().dump(services.public(r)), 201


@route("/data-requests/<int:request_id>/answer", method="post", summary="Answer a data request", tag=TAG,
       body=DataRequestAnswerIn, response=DataRequestOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=ID)
@token_required(Role.AGENCY_STAFF, write=True)
def answer_data_request(user, request_id: int):
    """The agency it was routed to accepts (plan_item or dataset) or refuses (answer and legal_basis)."""
    r = services.answer(services.get_request(request_id), load_body(DataRequestAnswerIn), user)
    return DataRequestOut().dump(services.public(r)), 201
