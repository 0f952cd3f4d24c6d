"""The authority's review of a submission on /api/v1/reviews: what the privacy scan found, and the approval with the
confirmations the review checks ask for (catalog.checks). Approving needs a read-write token of the authority; the
input schema is catalog.schemas.ApprovalIn, the review page's decision form reads the same."""
from __future__ import annotations

from ..accounts import roles
from ..catalog import review as reviews
from ..catalog import schemas as s
from .cases import load_body, token_required
from .routes import route

TAG = "review"
ID = {"review_id": "The submission's review number."}


def _out(r) -> dict:
    return s.ReviewDecisionOut().dump({"id": r.id, "dataset_id": r.dataset_id, "state": r.state,
                                       "decided_at": r.decided_at, "privacy": reviews.privacy_findings(r),
                                       "confirmations": [c.field for c in reviews.at_decision(r)]})


@route("/reviews/<int:review_id>", summary="A submission under review: the privacy scan's findings", tag=TAG,
       response=s.ReviewDecisionOut, errors=(401, 403, 404), auth=True, path_params=ID)
@token_required(*roles.OVERSEERS)
def review_status(user, review_id: int):
    """The review's state, the columns of its files that look like personal information (masked examples) and the
    confirmations its approval asks for."""
    return _out(reviews.get_review(review_id))


@route("/reviews/<int:review_id>/approve", method="post", summary="Approve and publish a submission", tag=TAG,
       body=s.ApprovalIn, response=s.ReviewDecisionOut, errors=(401, 403, 404, 409, 422), auth=True,
       path_params=ID)
@token_required(*roles.AUTHORITY, write=True)
def approve_review(user, review_id: int):
    """The authority publishes the entry; the reviews on record, and `privacy_confirmation` given when the entry is
    unconditionally open and a file looks like it holds personal information (422 naming the field otherwise)."""
    r = reviews.get_review(review_id)
    data = load_body(s.ApprovalIn)
    reviews.approve(r, user, data["comment"], data)
    return _out(r), 201
