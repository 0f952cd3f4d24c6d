"""Asset registration on /api/v1/assets (OVERSIGHT §9), documented in OpenAPI.

The holder's staff create, edit, submit, resubmit and cancel; the authority registers (the platform's code and
date), returns and cancels; auditors read. Writing needs a read-write token. The schemas are
portal/assets/schemas.py; another agency's asset is 404."""
from __future__ import annotations

from ..accounts import roles
from ..assets import register, services
from ..assets import schemas as s
from .cases import load_body, token_required
from .routes import load_args, route

TAG = "assets"
ID = {"asset_id": "The asset's number."}
READ = (401, 403, 404)
WRITE = (401, 403, 404, 409, 422)


def _out(asset, user) -> dict:
    out = s.AssetOut().dump(asset)
    out["actions"] = services.allowed_actions(asset, user)
    return out


@route("/assets", summary="The assets the caller reads", tag=TAG, response=s.AssetListOut, errors=(401, 403),
       auth=True)
@token_required(*roles.CONSOLE_VIEWERS)
def assets(user):
    """The holder's staff: their agency's assets; the authority and auditors: all."""
    return {"results": [_out(a, user) for a in services.visible(user)]}


@route("/assets", method="post", summary="Describe an asset of the caller's agency (a draft)", tag=TAG,
       body=s.AssetIn, response=s.AssetOut, errors=WRITE, auth=True)
@token_required(*roles.AGENCY_STAFF, write=True)
def create_asset(user):
    """Published entries of the caller's agency, by code; volume, frequency, level and types follow them."""
    return _out(services.create(load_body(s.AssetIn), user), user), 201


@route("/assets/register", summary="The register of assets of the authority's level", tag=TAG,
       query=s.RegisterQuery, response=s.AssetListOut, errors=(401, 403, 422), auth=True)
@token_required(*roles.OVERSEERS)
def asset_register(user):
    """Registered assets (also those awaiting a change registration); `level` keeps holders of one level."""
    return {"results": [_out(a, user) for a in register.entries(load_args(s.RegisterQuery)["level"])]}


@route("/assets/<int:asset_id>", summary="One asset", tag=TAG, response=s.AssetOut, errors=READ, auth=True,
       path_params=ID)
@token_required(*roles.CONSOLE_VIEWERS)
def asset(user, asset_id: int):
    """The holder's staff, the authority and auditors read it, with the steps the caller may take."""
    return _out(services.get(asset_id, user), user)


@route("/assets/<int:asset_id>", method="post", summary="Edit a draft asset or one needing a change", tag=TAG,
       body=s.AssetIn, response=s.AssetOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*roles.AGENCY_STAFF, write=True)
def update_asset(user, asset_id: int):
    return _out(services.update(services.get(asset_id, user), load_body(s.AssetIn), user), user), 201


@route("/assets/<int:asset_id>/act", method="post", summary="Submit, register, return, resubmit or cancel",
       tag=TAG, body=s.AssetActionIn, response=s.AssetOut, errors=WRITE, auth=True, path_params=ID)
@token_required(*roles.STAFF, write=True)
def act_on_asset(user, asset_id: int):
    """register (the authority) needs registration_code and registered_on; return and cancel need a reason."""
    a = services.get(asset_id, user)
    return _out(services.act(a, load_body(s.AssetActionIn), user), user), 201
