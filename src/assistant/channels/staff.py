"""The staff page: answer lookup and the back office, over the staff API (token login)."""

from flask import Blueprint, render_template

from .headers import for_staff
from .site import WEB

blueprint = Blueprint("staff_page", __name__, template_folder=str(WEB / "templates"))


@blueprint.get("/staff")
@for_staff
def page():
    return render_template("staff.html")
