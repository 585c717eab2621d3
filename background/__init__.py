"""Background jobs on Django's tasks API: one record per piece of work, coalesced, retried.

``jobs.request(key, kind=..., params=...)`` queues the work named ``key`` unless it is already
queued; ``@jobs.handler(kind)`` says what a kind of job does. See ``jobs`` for the rules.
This app imports nothing from the step apps; any of them may use it.
"""
