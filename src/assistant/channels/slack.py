"""Placeholder until the slack webhook lands."""
from flask import Blueprint

blueprint = Blueprint("slack", __name__)
