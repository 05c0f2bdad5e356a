"""``retold serve``: the JSON API and web UI over one index (``retold.web.app.create_app``).

Needs the ``web`` extra (FastAPI, uvicorn); nothing here is imported by the rest of retold.
"""
