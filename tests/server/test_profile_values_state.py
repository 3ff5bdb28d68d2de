"""Profile values set through the admin route are ordinary DynamoDB records: a `--state` file
keeps them (the main table the route made included), and a restart serves them again."""
from mls_mock import Store, create_app
from mls_mock.persistence import StateFile
from mls_mock.profile_data import profile_of


def test_profile_values_survive_a_restart(tmp_path):
    path = tmp_path / "state.db"
    store, state = Store(), StateFile(path)
    state.attach(store)
    store.create("profiles", {"profile_id": "default", "tables": ["user-profile-main"]})
    client = create_app(store).test_client()

    answer = client.put("/_mock/profile_values",
                        json={"profile_id": "default", "kind": "user", "target_id": "u1", "values": {"age": 31}})
    state.close()

    assert answer.status_code == 200 and answer.get_json()["results"] == {"age": 31}
    again, reopened = Store(), StateFile(path)
    assert reopened.attach(again) is True
    assert profile_of(again, "default", "user", "u1") == {"age": 31}
    assert again.get_dynamodb_table("user-profile-main")["items"] == [{"user_id": "u1", "age": 31}]
    reopened.close()
