"""The README's "Adding a resource" example, run as written: registered next to the five
real resources, it is served, refused, documented and dumped with no other change."""
import re
from pathlib import Path
from typing import Optional

import requests

from mls_mock import MLSMock, Store, openapi, validation as v
from mls_mock.store import core, schema as s
from mls_mock.store.resource import Resource

README = Path(__file__).parents[2] / "README.md"
BASE = "https://ab.stg.sktmls.com/api/v1/notes"


def test_the_toy_resource_is_one_module_and_one_line(monkeypatch):
    section = README.read_text(encoding="utf-8").split("### Adding a resource", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, flags=re.S).group(1)
    namespace = {"Resource": Resource, "s": s, "v": v, "Optional": Optional}
    exec(compile(code, "README: Adding a resource", "exec"), namespace)
    monkeypatch.setattr(core, "RESOURCES", (*core.RESOURCES, namespace["Notes"]))  # the registration line
    with MLSMock(store=Store()) as mls:
        created = requests.post(BASE, json={"name": "todo", "text": "milk"}, auth=("u", "p"))
        assert created.status_code == 201 and created.json()["results"]["user"] == "u"
        taken = requests.post(BASE, json={"name": "todo"}, auth=("u", "p"))
        assert taken.status_code == 409 and taken.json()["error"].startswith("name: ")
        assert requests.get(BASE, params={"query": "TO"}, auth=("u", "p")).json()["results"][0]["text"] == "milk"
        assert requests.put(BASE + "/1", json={"name": "done"}, auth=("u", "p")).json()["results"]["text"] == ""
        assert requests.delete(BASE + "/1", auth=("u", "p")).status_code == 200
        assert requests.get(BASE + "/1", auth=("u", "p")).status_code == 404
        document = openapi.build(mls.app.state)
        assert {"/api/v1/notes", "/api/v1/notes/{note_id}"} <= set(document["paths"])
        assert mls.store.dump()["sequences"]["notes"] == 1
