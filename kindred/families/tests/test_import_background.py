"""The import as a background task: a progress page while it runs, every row checked before
anything is written, the job's end saved with its rows, nothing written when it fails."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kindred.families import importer
from kindred.families.models import Family, FamilyImport

HEADER = "Parent first name,Last name,Phone,Child first name,DOB\n"


def rows(n: int) -> str:
    return "".join(f"Pat{i},Row{i},773-555-{i:04d},Kid{i},2020-01-01\n" for i in range(n))


def upload(client, content: str) -> FamilyImport:
    response = client.post(
        reverse("families:import"), {"file": SimpleUploadedFile("f.csv", content.encode())}
    )
    assert response.status_code == 302
    return FamilyImport.objects.latest("id")


def start(client, job: FamilyImport):
    review = reverse("families:import_review", args=[job.pk])
    return client.post(
        review, {**{f"map_{k}": v for k, v in job.mapping.items()}, "action": "import"}
    )


@pytest.mark.django_db
def test_the_progress_page_refreshes_while_the_task_runs_and_answers_json(world) -> None:
    client = world.client("coordinator")
    job = upload(client, HEADER + rows(3))
    response = start(client, job)  # the task waits for the commit, which never comes here
    progress = reverse("families:import_progress", args=[job.pk])
    assert response.status_code == 302 and response["Location"] == progress
    job.refresh_from_db()
    assert job.status == "importing" and not Family.objects.exists()
    FamilyImport.objects.filter(pk=job.pk).update(progress=0.25)
    page = client.get(progress)
    html = page.content.decode()
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert '<meta http-equiv="refresh"' in html and 'value="25"' in html
    assert "import_progress.js" in html
    assert client.get(progress, {"format": "json"}).json() == {"running": True, "percent": 25}
    # The review page of a running import leads to its progress; a second click starts nothing.
    assert client.get(reverse("families:import_review", args=[job.pk]))["Location"] == progress
    assert start(client, job)["Location"] == progress
    assert job.transitions.count() == 1
    # Another program's coordinator cannot see it.
    assert world.client("outsider").get(progress).status_code == 404
    assert world.client("outsider").get(progress, {"format": "json"}).status_code == 404


@pytest.mark.django_db
def test_every_row_is_checked_before_anything_is_written(
    world, django_capture_on_commit_callbacks
) -> None:
    """Row 62 is past the preview's 50 rows: the task finds it and writes nothing."""
    client = world.client("coordinator")
    job = upload(client, HEADER + rows(60) + "Lee,Park,773-555-9999,Joon,2099-01-01\n")
    assert (
        "Only these rows are checked now"
        in client.get(reverse("families:import_review", args=[job.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        start(client, job)
    job.refresh_from_db()
    assert job.status == "uploaded" and job.error_count == 1 and job.check_errors[0][0] == 62
    assert not Family.objects.exists()
    assert [t.to_status for t in job.transitions.order_by("id")] == ["importing", "uploaded"]
    response = client.get(reverse("families:import_progress", args=[job.pk]), follow=True)
    page = response.content.decode()
    assert "Row 62" in page and "1 row has errors" in page
    assert "Import all" not in page  # fix the file, or choose other columns, first


@pytest.mark.django_db
def test_a_task_that_breaks_writes_nothing_and_says_so(
    world, django_capture_on_commit_callbacks
) -> None:
    client = world.client("coordinator")
    job = upload(client, HEADER + rows(5))
    real = importer.import_rows

    def breaks_after_writing(**kwargs):
        real(**kwargs)
        raise RuntimeError("the worker broke")

    with (
        mock.patch.object(importer, "import_rows", side_effect=breaks_after_writing),
        django_capture_on_commit_callbacks(execute=True),
    ):
        start(client, job)
    job.refresh_from_db()
    assert job.status == "failed" and bytes(job.content) == b""
    assert not Family.objects.exists()
    page = client.get(reverse("families:import_progress", args=[job.pk])).content.decode()
    assert "This import failed and nothing was imported" in page


@pytest.mark.django_db
def test_a_big_import_is_not_run_inside_the_request(world) -> None:
    """The request that starts 2,000 rows checks 50 of them and writes none."""
    client = world.client("coordinator")
    job = upload(client, HEADER + rows(2000))
    with mock.patch.object(importer, "validate", wraps=importer.validate) as validate:
        start(client, job)
    assert [len(call.kwargs["rows"]) for call in validate.call_args_list] == [50]
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_an_import_whose_task_was_lost_can_be_started_again(world) -> None:
    """The worker stopped mid-import: after FAMILY_IMPORT_STUCK_MINUTES the page says so and
    offers to start again; nothing was written, and the lost task, if it wakes, does nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from kindred.audit.models import AuditEvent
    from kindred.families import import_jobs

    client = world.client("coordinator")
    job = upload(client, HEADER + rows(3))
    start(client, job)  # its task never runs here (no commit)
    progress = reverse("families:import_progress", args=[job.pk])
    restart = reverse("families:import_restart", args=[job.pk])
    assert "Stop it and start again" not in client.get(progress).content.decode()
    # Too early: the job keeps running.
    early = client.post(restart)
    assert early.status_code == 302 and early["Location"] == progress
    job.refresh_from_db()
    assert job.status == "importing"
    assert client.get(restart).status_code == 405
    assert world.client("outsider").post(restart).status_code == 404

    job.transitions.filter(to_status="importing").update(at=timezone.now() - timedelta(minutes=31))
    page = client.get(progress).content.decode()
    assert "not finished after 30 minutes" in page and "Stop it and start again" in page
    response = client.post(restart)
    assert response.status_code == 302
    assert response["Location"] == reverse("families:import_review", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "uploaded" and bytes(job.content)  # the file is kept to start again
    assert [t.to_status for t in job.transitions.order_by("id")] == ["importing", "uploaded"]
    assert AuditEvent.objects.filter(action="families.familyimport.import_refused").exists()
    import_jobs.run(job.pk)  # the lost task wakes up
    assert not Family.objects.exists()
    # Started again, it imports.
    job.refresh_from_db()
    assert start(client, job)["Location"] == progress
    import_jobs.run(job.pk)
    job.refresh_from_db()
    assert job.status == "imported" and Family.objects.count() == 3
