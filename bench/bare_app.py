"""A Flask application with one trivial JSON endpoint and nothing else. `http_load.py` serves it like
the assistant, to show what gunicorn and Flask alone cost on this machine: the assistant's floor (its
own health endpoint) should be as fast, or its chat/floor ratio would be flattered by a slow floor."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/api/v1/health")
def health():
    return jsonify({"ok": True})
