"""gunicorn's settings for an app server (`gunicorn -c deploy/gunicorn.conf.py`), as `assistant serve`
runs it (src/assistant/channels/serve.py): two sync workers that share the models the master loaded
once (its hooks below), a worker silent for 30 s replaced, 10 s for requests in progress on a stop
or a reload. nginx in front (deploy/nginx/assistant.conf) reads requests and responses whole, so a
sync worker is busy only while the application computes.

    gunicorn -c deploy/gunicorn.conf.py -b 10.0.0.11:8000 'assistant.channels:create_app()'

The reference cluster (`make cluster`) runs each of its app servers with this file, its address and
process id file given on the command line. Settings of the application itself (the database, Redis,
the staff tokens, trusted_proxies: 1 behind nginx) come from ASSISTANT_* variables
(docs/configuration.md).
"""

from assistant.channels.preload import on_reload, on_starting  # noqa: F401  gunicorn's hooks, by name

bind = ["127.0.0.1:8000"]
workers = 2  # one per core; more when replies wait on the database rather than compute
worker_class = "sync"
timeout = 30
graceful_timeout = 10
# Each request on one line, with the id nginx gave it (X-Request-ID) and its time in milliseconds.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}i)s'
