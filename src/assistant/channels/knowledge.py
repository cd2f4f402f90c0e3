"""The curation API under /api/v1/knowledge/<tenant>/: drafts, publish, versions, rollback, try,
the questions to improve and the entries as drafts leave them (curation/). Staff only; a scoped
token curates its own tenants."""

from flask import Blueprint, current_app, g, jsonify, request

from ..core import MAX_MESSAGE
from ..curation import drafts, improving, publishing, service, spreadsheet
from ..curation.building import InvalidKnowledge
from ..curation.changes import ChangeError
from ..curation.entries import entry_rows
from ..curation.sheetfiles import MAX_BYTES
from .api import MAX_LIMIT, TENANT, assistant, body, language_list, staff_only, text_field
from .http_errors import ApiError

blueprint = Blueprint("knowledge", __name__, url_prefix="/api/v1/knowledge")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def live():
    """This process's knowledge and the switcher that keeps it on the published versions (app.py)."""
    return current_app.extensions["live"]


def curated(tenant: str) -> str:
    """The tenant of the URL, if it exists and the token may curate it."""
    if not TENANT.fullmatch(tenant) or tenant not in assistant().tenants:
        raise ApiError(404, "unknown_tenant", f"Unknown tenant; tenants: {', '.join(sorted(assistant().tenants))}.")
    if tenant not in g.scope:
        raise ApiError(403, "forbidden_tenant", "This staff token does not give access to this tenant.")
    return tenant


def refused(error: InvalidKnowledge) -> ApiError:
    message = "Nothing was published: the knowledge would break these rules."
    return ApiError(422, "invalid_knowledge", message, problems=[vars(p) for p in error.problems])


def id_field(data: dict, name: str) -> int:
    value = data.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**31:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a whole number.")
    return value


@blueprint.post("/<tenant>/changes")
@staff_only
def add_change(tenant):
    tenant = curated(tenant)
    try:
        kept = service.add_change(live(), tenant, body(request), g.staff)
    except ChangeError as error:
        raise ApiError(400, "invalid_change", str(error), field=error.field) from None
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
    try:
        done = service.publish(live(), curated(tenant), g.staff)
    except publishing.NothingToPublish as error:
        raise ApiError(409, "nothing_to_publish", str(error)) from None
    except InvalidKnowledge as error:
        raise refused(error) from None
    return jsonify({"version": done.version, "seconds": round(done.seconds, 2)})


@blueprint.get("/<tenant>/versions")
@staff_only
def versions(tenant):
    found = drafts.versions(assistant().store, curated(tenant))
    return jsonify({"items": [{**v.as_dict(), "live": i == 0} for i, v in enumerate(found[:MAX_LIMIT])]})


@blueprint.post("/<tenant>/rollback")
@staff_only
def rollback(tenant):
    tenant = curated(tenant)
    number = id_field(body(request), "version")
    try:
        done = service.rollback(live(), tenant, number, g.staff)
    except publishing.UnknownVersion as error:
        raise ApiError(404, "unknown_version", str(error)) from None
    except InvalidKnowledge as error:  # the files changed under that version
        raise refused(error) from None
    return jsonify({"version": done.version, "seconds": round(done.seconds, 2)})


@blueprint.post("/<tenant>/try")
@staff_only
def try_message(tenant):
    tenant = curated(tenant)
    data = body(request)
    message = text_field(data, "message")
    if not message.strip() or len(message) > MAX_MESSAGE:
        raise ApiError(400, "invalid_message", f"'message' must hold a message of at most {MAX_MESSAGE} characters.")
    lang = text_field(data, "lang", required=False)
    languages = assistant().tenants[tenant].languages
    if lang is not None and lang not in languages:
        raise ApiError(
            400, "invalid_lang", f"'lang' must be one of the tenant's languages: {language_list(languages)}."
        )
    return jsonify(service.try_message(live(), tenant, message, lang))


@blueprint.get("/<tenant>/improve")
@staff_only
def improve(tenant):
    return jsonify({"items": improving.improvements(assistant(), curated(tenant))})


@blueprint.post("/<tenant>/improve/ignore")
@staff_only
def ignore(tenant):
    tenant = curated(tenant)
    if not drafts.ignore(assistant().store, tenant, group=id_field(body(request), "group")):
        raise ApiError(404, "unknown_group", "No unanswered group of this tenant has this id.")
    return "", 204


@blueprint.get("/<tenant>/entries")
@staff_only
def entries(tenant):
    published, draft = service.as_it_will_be(live(), curated(tenant))
    return jsonify({"items": entry_rows(published, draft), "languages": draft.tenant.languages})


@blueprint.get("/<tenant>/spreadsheet")
@staff_only
def spreadsheet_export(tenant):
    tenant = curated(tenant)
    form = request.args.get("format", "csv")
    separator = request.args.get("separator", ";")
    if form not in ("csv", "xlsx") or separator not in (";", ","):
        raise ApiError(400, "invalid_format", "'format' must be csv or xlsx, and 'separator' ; or ,.")
    data = service.sheet(live(), tenant, form, separator)
    mimetype = XLSX if form == "xlsx" else "text/csv"
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{tenant}-entries.{form}"'
    return response


@blueprint.post("/<tenant>/spreadsheet")
@staff_only
def spreadsheet_import(tenant):
    """A CSV or XLSX file as the body: drafts, all or none (never published)."""
    tenant = curated(tenant)
    request.max_content_length = MAX_BYTES
    kind = (request.mimetype or "").lower()
    if kind not in ("text/csv", XLSX):
        raise ApiError(415, "unsupported_type", f"Send the file as text/csv or {XLSX}.")
    data = request.get_data(cache=False)
    try:
        rows = spreadsheet.read_xlsx(data) if kind == XLSX else spreadsheet.read_csv(data)
    except spreadsheet.SheetError as error:
        raise ApiError(422, "invalid_spreadsheet", str(error), problems=[vars(error.problem)]) from None
    created, problems = service.import_sheet(live(), tenant, rows, g.staff)
    if problems:
        message = "Nothing was drafted: fix these cells and import the file again."
        raise ApiError(422, "invalid_spreadsheet", message, problems=[vars(p) for p in problems])
    return jsonify({"created": [c["id"] for c in created]}), 201
