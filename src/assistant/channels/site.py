"""The embeddable widget (web/widget.js, web/widget.css) and a demo site: one plausible vendor
page per tenant with the widget embedded, French by default, English with ?lang=en."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_from_directory

WEB = Path(__file__).resolve().parents[3] / "web"
blueprint = Blueprint("site", __name__, template_folder=str(WEB / "templates"))
ASSETS = {"widget.js", "widget.css", "staff.js", "staff-dom.js", "staff-rows.js", "staff.css", "site.css", "site.js"}
ASSETS |= {"staff-charts.js", "staff-stats.js", "staff-stats.css"}  # the staff page's Stats tab
ASSETS |= {
    "staff-curate.js",
    "staff-improve.js",
    "staff-try.js",
    "staff-edit.js",
    "staff-curate.css",
}  # Improve, Try, Edit


def tenants():
    return current_app.extensions["assistant"].tenants


@blueprint.get("/")
def index():
    return render_template("index.html", tenants=list(tenants().values()))


@blueprint.get("/demo/<tenant>")
def demo(tenant):
    if tenant not in tenants():
        abort(404, description="Unknown tenant.")
    lang = "en" if request.args.get("lang") == "en" else "fr"
    return render_template("demo.html", tenant=tenants()[tenant], lang=lang)


@blueprint.get("/<name>")
def asset(name):
    if name not in ASSETS:
        abort(404, description="Not found.")
    response = send_from_directory(WEB, name, max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"  # the widget is embedded on vendors' sites
    return response
