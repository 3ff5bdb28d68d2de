"""`--state` given through a symlink or a hard link: saves land in the real file, and one
file never has two servers, whatever name each was given."""
import os

import pytest

from mls_mock import Store
from mls_mock.persistence import StateFile

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="POSIX links and locks")


@pytest.fixture
def real_file(tmp_path):
    """A state file in one directory, and a symlink to it in another."""
    (tmp_path / "data").mkdir()
    (tmp_path / "links").mkdir()
    real = tmp_path / "data" / "state.db"
    link = tmp_path / "links" / "state.db"
    link.symlink_to(real)
    return real, link


def test_saves_through_a_symlink_go_to_the_file_it_points_to(start_server, clients_at, read_state, real_file):
    real, link = real_file
    server = start_server("--state", link)
    with clients_at(server.url) as clients:
        clients.experiments.create_experiment(name="through-the-link")
    assert link.is_symlink() and link.resolve() == real  # still a link, not replaced by a copy
    assert [e["name"] for e in read_state(real)["experiments"]] == ["through-the-link"]
    assert f"leads to {real}" in server.log
    assert server.stop() == 0

    again = start_server("--state", real)  # the other name finds the same records
    assert again.admin("GET", "health").json()["results"]["records"]["experiments"] == 1


def test_a_second_server_through_a_symlink_is_refused(start_server, real_file):
    real, link = real_file
    first = start_server("--state", real)
    second = start_server("--state", link, wait=False)
    assert second.wait_exit() == 2
    assert "another mls-mock server is using this state file" in second.log
    assert first.api("POST", "experiments", json={"name": "only-one"}).json()["results"]["id"] == 1


def test_a_dangling_symlink_creates_the_file_it_points_to(start_server, read_state, real_file):
    real, link = real_file
    start_server("--state", link, "--seed", "demo")
    assert link.is_symlink() and read_state(real)["channels"]


def test_a_hard_linked_state_file_is_refused_and_left_alone(start_server, tmp_path):
    original = tmp_path / "state.db"
    state = StateFile(original)
    state.attach(Store())
    state.close()
    content = original.read_bytes()
    os.link(original, tmp_path / "other-name.db")
    refused = start_server("--state", tmp_path / "other-name.db", wait=False)
    assert refused.wait_exit() == 2
    assert "has 2 hard links" in refused.log and "a single name" in refused.log
    assert original.read_bytes() == content and not list(tmp_path.glob("*.db-*"))
    assert os.stat(original).st_nlink == 2


def test_a_symlink_loop_is_a_clear_error(start_server, tmp_path):
    loop = tmp_path / "state.db"
    loop.symlink_to(tmp_path / "state.db")
    refused = start_server("--state", loop, wait=False)
    assert refused.wait_exit() == 2
    assert "--state" in refused.log and "state.db" in refused.log
    assert "Traceback" not in refused.log
