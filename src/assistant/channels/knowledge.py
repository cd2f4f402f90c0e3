"""The curation API under /api/v1/knowledge/<tenant>/: drafts, publish, versions, rollback, try,
the questions to improve and the entries as drafts leave them (curation/). Staff only; a scoped
token curates its own tenants."""

from flask import Blueprint, current_app, g, jsonify, request

from ..curation import drafts, improving, publishing, trying
from ..curation.building import InvalidKnowledge
from ..curation.changes import ChangeError, Knowledge, checked
from ..curation.entries import draft_knowledge, entry_rows
from .api import MAX_LIMIT, TENANT, assistant, body, language_list, staff_only, text_field
from .http_errors import ApiError

blueprint = Blueprint("knowledge", __name__, url_prefix="/api/v1/knowledge")


def curation():
    """This process's knowledge (files and builds) and its Live switcher (app.py)."""
    return current_app.extensions["live"]


def curated(tenant: str) -> str:
    """The tenant of the URL, if it exists and the token may curate it."""
    if not TENANT.fullmatch(tenant) or tenant not in assistant().tenants:
        raise ApiError(404, "unknown_tenant", f"Unknown tenant; tenants: {', '.join(sorted(assistant().tenants))}.")
    if tenant not in g.scope:
        raise ApiError(403, "forbidden_tenant", "This staff token does not give access to this tenant.")
    return tenant


def as_it_will_be(tenant: str):
    """The tenant as published and as its drafts leave it (curation.entries.draft_knowledge)."""
    store = assistant().store
    return draft_knowledge(
        curation().knowledge, tenant, drafts.live(store, tenant).changes, drafts.drafts(store, tenant)
    )


@blueprint.post("/<tenant>/changes")
@staff_only
def add_change(tenant):
    tenant = curated(tenant)
    _, draft = as_it_will_be(tenant)
    try:
        change = checked(body(request), Knowledge(draft.tenant, frozenset(draft.tenant.entries)))
        kept = drafts.add(assistant().store, tenant, change, g.staff)
    except ChangeError as error:
        return jsonify({"error": "invalid_change", "field": error.field, "message": str(error)}), 400
    except drafts.TooManyDrafts as error:
        raise ApiError(409, "too_many_drafts", str(error)) from None
    return jsonify({"id": kept["id"], "change": kept}), 201


@blueprint.get("/<tenant>/changes")
@staff_only
def list_changes(tenant):
    return jsonify({"items": drafts.drafts(assistant().store, curated(tenant))})


@blueprint.delete("/<tenant>/changes/<int:change_id>")
@staff_only
def discard_change(tenant, change_id):
    if not drafts.discard(assistant().store, curated(tenant), change_id):
        raise ApiError(404, "unknown_change", "No draft of this tenant has this id.")
    return "", 204


@blueprint.post("/<tenant>/publish")
@staff_only
def publish(tenant):
    tenant = curated(tenant)
    try:
        done = publishing.publish(curation().knowledge, assistant().store, tenant, g.staff)
    except publishing.NothingToPublish as error:
        raise ApiError(409, "nothing_to_publish", str(error)) from None
    except InvalidKnowledge as error:
        return jsonify(
            {
                "error": "invalid_knowledge",
                "message": "Nothing was published: the drafts break these rules.",
                "problems": [vars(p) for p in error.problems],
            }
        ), 422
    curation().refresh()  # this worker at once; the others before their next request
    return jsonify({"version": done.version, "seconds": round(done.seconds, 2)})


@blueprint.get("/<tenant>/versions")
@staff_only
def versions(tenant):
    found = drafts.versions(assistant().store, curated(tenant))
    live = found[0].version
    return jsonify({"items": [{**v.as_dict(), "live": v.version == live} for v in found[:MAX_LIMIT]]})


@blueprint.post("/<tenant>/rollback")
@staff_only
def rollback(tenant):
    tenant = curated(tenant)
    number = body(request).get("version")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise ApiError(400, "invalid_version", "'version' must be a version number (0: the tenant's files).")
    try:
        done = publishing.rollback(curation().knowledge, assistant().store, tenant, number, g.staff)
    except publishing.UnknownVersion as error:
        raise ApiError(404, "unknown_version", str(error)) from None
    except InvalidKnowledge as error:  # the files changed under that version
        return jsonify(
            {"error": "invalid_knowledge", "message": str(error), "problems": [vars(p) for p in error.problems]}
        ), 422
    curation().refresh()
    return jsonify({"version": done.version, "seconds": round(done.seconds, 2)})


@blueprint.post("/<tenant>/try")
@staff_only
def try_message(tenant):
    tenant = curated(tenant)
    data = body(request)
    message = text_field(data, "message")
    if not message.strip() or len(message) > 2000:
        raise ApiError(400, "invalid_message", "'message' must hold a message of at most 2000 characters.")
    lang = text_field(data, "lang", required=False)
    languages = assistant().tenants[tenant].languages
    if lang is not None and lang not in languages:
        raise ApiError(
            400, "invalid_lang", f"'lang' must be one of the tenant's languages: {language_list(languages)}."
        )
    served = assistant()
    published = trying.explain(served, tenant, message, lang)
    pending = drafts.drafts(served.store, tenant)
    draft = None
    if pending:
        try:
            draft = trying.explain(curation().drafts_assistant(tenant, pending), tenant, message, lang)
        except InvalidKnowledge as error:
            draft = {"error": "invalid_knowledge", "problems": [vars(p) for p in error.problems]}
    return jsonify({"published": published, "draft": draft})


@blueprint.get("/<tenant>/improve")
@staff_only
def improve(tenant):
    return jsonify({"items": improving.improvements(assistant(), curated(tenant))})


@blueprint.post("/<tenant>/improve/ignore")
@staff_only
def ignore(tenant):
    tenant = curated(tenant)
    group = body(request).get("group")
    if not isinstance(group, int) or isinstance(group, bool):
        raise ApiError(400, "invalid_group", "'group' must be the id of an unanswered group.")
    if not drafts.ignore(assistant().store, tenant, group=group):
        raise ApiError(404, "unknown_group", "No unanswered group of this tenant has this id.")
    return "", 204


@blueprint.get("/<tenant>/entries")
@staff_only
def entries(tenant):
    tenant = curated(tenant)
    published, draft = as_it_will_be(tenant)
    return jsonify({"items": entry_rows(published, draft), "languages": draft.tenant.languages})
