#!/usr/bin/env bash
# `make run`: the development web server and a task worker, stopped together.
# Ctrl+C stops both; if the web server stops for any other reason, the worker goes with it.
set -u
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}

# The worker runs in its own session (setsid), so that one signal to its process group reaches
# its autoreloader and the child that does the work, and Ctrl+C goes to the web server alone.
setsid "$PY" manage.py worker &
worker=$!
stop_worker() {
    kill -TERM -- "-$worker" 2>/dev/null
    wait "$worker" 2>/dev/null
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" manage.py runserver "127.0.0.1:$PORT"
