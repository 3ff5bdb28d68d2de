"""The dashboard at /_mock/ui: what its pages show (`views`), how they are answered
(`render`), their templates and static files. Its routes are in `api/ui.py`."""

PREFIX = "/_mock/ui"  # where the dashboard is served
