"""The assistant's application with each evaluation message's intents ranked in advance: a chat
request runs the whole reply (language, dialogue, answer, the conversation saved) but matching,
which it reads from a table that each worker fills on start by answering every evaluation message
once. `http_load.py` serves it to show how far the chat/floor ratio goes when matching costs
nothing, and so how much of the gap to the goal is matching's. For the benchmark only."""

from assistant.channels import create_app
from bench.reply_latency import messages

app = create_app()
_assistant = app.extensions["assistant"]
_rank = _assistant.rank
_ranked: dict = {}


def _ranked_in_advance(tenant: str, text: str, lang: str):
    key = (tenant, text, lang)
    if key not in _ranked:
        _ranked[key] = _rank(tenant, text, lang)
    return _ranked[key]


_assistant.rank = _ranked_in_advance
for _item in messages():
    _assistant.reply(_item["tenant"], None, _item["message"])
