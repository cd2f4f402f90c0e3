"""The assistant's application with its reply computed in advance: every chat request gets the same
reply, without reading the message or saving the conversation. `http_load.py` serves it like the
assistant, to show what the chat endpoint costs around `Assistant.reply` (reading and checking the
request, the rate limit, writing the JSON), and so how much of the chat/floor ratio is left to the
reply itself. For the benchmark only."""

from assistant.channels import create_app

app = create_app()
_assistant = app.extensions["assistant"]
_reply = _assistant.reply("exo", None, "how long are backups kept?")
_assistant.reply = lambda *args, **kwargs: _reply
