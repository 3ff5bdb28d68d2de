"""StatusClient against the AB API (GET /api/v1/data_status/{s3,batch,dynamodb}), through the
real client only. Statuses are MLS's monitoring, read-only over the API: a test sets them
with mls_factory, the store or a seed."""
import pytest
from sktmls.data_status import BatchStatus, DynamoDBStatus, S3Status

from support import client_error

DAYS = [{"date": f"2025-07-{day}", "status": "success"} for day in (20, 19, 18, 17, 16)]
JOBS = [{"name": "tworld_home_reco_batch", "description": "T world 홈 배너 배치 추론"}]


def test_nothing_set_lists_no_tables_and_every_batch_status_empty(mls_status_client):
    assert mls_status_client.list_s3_status() == []
    assert mls_status_client.list_dynamodb_status() == []
    batch = mls_status_client.list_batch_status()
    assert [(b.job_status, b.jobs) for b in batch] == [("running", []), ("success", []), ("fail", [])]
    assert all(isinstance(b, BatchStatus) for b in batch)
    for job_status in ("running", "success", "fail"):
        assert mls_status_client.get_batch_status(job_status).get() == {"job_status": job_status, "jobs": []}


def test_s3_status_lists_and_gets_each_table(mls_status_client, mls_mock):
    mls_mock.store.set_data_status("s3", "mls_home_reco", DAYS)
    mls_mock.store.set_data_status("s3", "mls_cart_reco", DAYS[:2])

    listed = mls_status_client.list_s3_status()

    assert all(isinstance(s, S3Status) for s in listed)
    assert [s.get() for s in listed] == [
        {"table": "mls_home_reco", "daily_status": DAYS},
        {"table": "mls_cart_reco", "daily_status": DAYS[:2]},
    ]
    got = mls_status_client.get_s3_status(table="mls_cart_reco")
    assert isinstance(got, S3Status) and (got.table, got.daily_status) == ("mls_cart_reco", DAYS[:2])


def test_a_table_without_status_is_the_clients_404(mls_status_client, mls_mock):
    mls_mock.store.set_data_status("s3", "mls_home_reco", DAYS)
    mls_mock.store.set_data_status("dynamodb", "mls_home_reco", DAYS)

    assert client_error(mls_status_client.get_s3_status, table="mls_other").code == 404
    assert client_error(mls_status_client.get_dynamodb_status, table="mls_other").code == 404


def test_dynamodb_status_lists_and_gets_each_table(mls_mock, mls_status_client, mls_factory):
    made = mls_factory.data_status("dynamodb", "mls_home_reco_v100")
    other = mls_factory.data_status("dynamodb", "mls_home_reco_v110", status=[{"date": "2025-07-21", "status": "loading"}])

    assert isinstance(made, DynamoDBStatus) and len(made.status) == 5
    assert [s.get() for s in mls_status_client.list_dynamodb_status()] == [made.get(), other.get()]
    got = mls_status_client.get_dynamodb_status(table="mls_home_reco_v110")
    assert isinstance(got, DynamoDBStatus) and got.get() == {"table": "mls_home_reco_v110", "status": other.status}
    assert mls_status_client.list_s3_status() == []  # the sources are apart


def test_batch_status_by_job_status(mls_mock, mls_status_client, mls_factory):
    succeeded = mls_factory.data_status("batch", "success", status=JOBS)
    failed = mls_factory.data_status("batch", "fail")

    assert isinstance(succeeded, BatchStatus) and succeeded.get() == {"job_status": "success", "jobs": JOBS}
    assert mls_status_client.get_batch_status(job_status="success").get() == succeeded.get()
    assert mls_status_client.get_batch_status(job_status="fail").jobs == failed.jobs and len(failed.jobs) == 2
    assert mls_status_client.get_batch_status(job_status="running").jobs == []
    assert [b.job_status for b in mls_status_client.list_batch_status()] == ["running", "success", "fail"]


def test_an_undocumented_job_status_is_refused_by_the_client(mls_status_client, mls_mock):
    with pytest.raises(AssertionError):
        mls_status_client.get_batch_status(job_status="queued")
    assert len(mls_mock.calls) == 0  # the client refused before sending


def test_setting_again_replaces_and_deleting_removes(mls_status_client, mls_mock):
    mls_mock.store.set_data_status("s3", "mls_home_reco", DAYS)
    mls_mock.store.set_data_status("s3", "mls_home_reco", DAYS[:1])
    assert mls_status_client.get_s3_status("mls_home_reco").daily_status == DAYS[:1]

    mls_mock.store.delete_data_status("s3", "mls_home_reco")
    assert mls_status_client.list_s3_status() == []


@pytest.mark.parametrize(
    "source, name, status, field",
    [
        ("s3", "t", DAYS + DAYS[:1], "status"),  # "최근 5일간": five days at most
        ("dynamodb", "t", ["success"], "status"),
        ("batch", "queued", JOBS, "name"),
        ("gcs", "t", DAYS, "source"),
        ("s3", "", DAYS, "name"),
    ],
)
def test_a_bad_status_is_refused_naming_the_field_and_changes_nothing(mls_mock, source, name, status, field):
    from mls_mock.errors import FieldError

    mls_mock.store.set_data_status("s3", "kept", DAYS)
    before = mls_mock.store.dump()

    with pytest.raises(FieldError) as refused:
        mls_mock.store.set_data_status(source, name, status)

    assert refused.value.field == field
    assert mls_mock.store.dump() == before


@pytest.mark.mls_seed(
    {
        "data_status": [
            {"source": "s3", "name": "mls_seeded", "status": DAYS[:3]},
            {"source": "batch", "name": "running", "status": JOBS},
        ]
    }
)
def test_seeded_statuses_are_read(mls_status_client):
    assert mls_status_client.get_s3_status("mls_seeded").daily_status == DAYS[:3]
    assert mls_status_client.get_batch_status("running").jobs == JOBS
