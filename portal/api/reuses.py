"""Reuses (利用成果) and ratings on /api/v1: the published reuses (public), submitting one (a data user's
read-write token; multipart with an optional `image` part, or JSON without one), rating an entry and reading
its comments (public)."""
from __future__ import annotations

from flask import request

from ..accounts import roles
from ..fields import form_files
from ..pagecache import cached
from ..reuses import ratings, services
from ..reuses import schemas as rs
from .cases import load_body, token_required
from .routes import load_args, paged, route

SLUG = {"slug": "The entry's slug (or its id)."}


@route("/reuses", summary="Published reuses", tag="reuses", query=rs.ReuseListIn, response=rs.ReusePageOut,
       errors=(422,))
def reuses():
    """Apps, visualisations, papers and news stories built with public entries, checked by the data authority;
    newest first, by theme (its slug), kind or entry. Only the display name each submitter chose is given."""
    def render():
        args = load_args(rs.ReuseListIn)
        page = services.showcase(args["theme"], args["kind"], args["dataset"], args["page"], args["per_page"])
        page.results = [services.out(r) for r in page.results]
        return rs.ReusePageOut().dump(paged(page))
    return cached(render)


@route("/reuses", method="post", summary="Submit a reuse", tag="reuses", body=rs.ReuseIn,
       files={"image": "An optional PNG or JPEG image of at most 2 MB (its metadata is removed)."},
       response=rs.ReuseOut, errors=(401, 403, 413, 422), auth=True)
@token_required(*roles.RATERS, write=True)
def submit_reuse(user):
    """Submit a reuse with the public entries it uses; it is shown once the data authority has published it
    (state pending until then). Data users only; a file that is not a PNG or JPEG image is refused (422) and
    nothing is stored."""
    args = load_body(rs.ReuseIn)
    image = next(iter(form_files(request.files, "image")), None)
    return rs.ReuseOut().dump(services.out(services.submit(args, image, user))), 201


@route("/datasets/<slug>/rating", method="post", summary="Rate an entry", tag="ratings", body=rs.RatingIn,
       response=rs.RatingOut, errors=(401, 403, 404, 409, 422), auth=True, path_params=SLUG)
@token_required(*roles.RATERS, write=True)
def rate(user, slug: str):
    """Rate a public entry from 1 to 5 with an optional short comment; rating again changes the caller's one
    rating. Data users only."""
    ds = ratings.entry(slug)
    r = ratings.rate(ds, load_body(rs.RatingIn), user)
    average, count, _reused = ratings.summary(ds)
    return rs.RatingOut().dump({"dataset": ds.slug, "score": r.score, "comment": r.comment,
                                "display_name": r.display_name, "average": average, "count": count}), 201


@route("/datasets/<slug>/comments", summary="An entry's ratings and comments", tag="ratings",
       query=rs.CommentListIn, response=rs.CommentPageOut, errors=(404, 422), path_params=SLUG)
def comments(slug: str):
    """The average rating, the number of ratings, and the comments shown on the entry's page (newest first),
    each with the agency's answer; hidden comments are left out."""
    def render():
        ds = ratings.entry(slug)
        args = load_args(rs.CommentListIn)
        average, count, _reused = ratings.summary(ds)
        page = ratings.comments(ds, args["page"], args["per_page"])
        page.results = [ratings.comment_out(r) for r in page.results]
        return rs.CommentPageOut().dump(paged(page, average=average, count=count))
    return cached(render)
