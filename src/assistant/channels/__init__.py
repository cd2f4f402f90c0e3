"""The channels: one Flask application whose blueprints are thin adapters over ``Assistant.reply``."""

from .app import create_app

__all__ = ["create_app"]
