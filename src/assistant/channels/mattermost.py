"""Placeholder until the mattermost webhook lands."""
from flask import Blueprint

blueprint = Blueprint("mattermost", __name__)
