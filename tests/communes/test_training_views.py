"""Step 2 pages: permissions, the trainee formset, derived figures, fixed query counts."""

import datetime

import pytest
from django.urls import reverse

from communes import services
from communes.records import Sex, Trainee, Training
from tests.access_matrix import READ, WRITE
from tests.communes.test_awareness_models import make_training

pytestmark = pytest.mark.django_db


def url(name, cycle, **kwargs):
    return reverse(name, kwargs={"code": cycle.commune.code, "year": cycle.start_year, **kwargs})


def training_data(trainees=(), initial=0, **fields):
    """The training form with its trainee rows: (name, sex, service, days, pre, post[, id])."""
    data = {
        "title": "Genre et migration dans la planification territoriale",
        "modules": "Concepts\nCadre juridique",
        "start_date": "2022-10-25",
        "end_date": "2022-10-26",
        "days": "2",
        "trainer": "Expertise France",
        "place": "Commune d'Oujda",
        "trainees-TOTAL_FORMS": str(len(trainees)),
        "trainees-INITIAL_FORMS": str(initial),
        "trainees-MIN_NUM_FORMS": "0",
        "trainees-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for i, row in enumerate(trainees):
        name, sex, service, days, pre, post, *rest = row
        data.update(
            {
                f"trainees-{i}-name": name,
                f"trainees-{i}-sex": sex,
                f"trainees-{i}-service": service,
                f"trainees-{i}-days_attended": str(days),
                f"trainees-{i}-pre_score": "" if pre is None else str(pre),
                f"trainees-{i}-post_score": "" if post is None else str(post),
            }
        )
        if rest:
            data[f"trainees-{i}-id"] = str(rest[0])
    return data


PEOPLE = [
    ("Khadija El Amrani", "f", "Planification", 2, 40, 70),
    ("Mohamed Ziani", "m", "État civil", 1, 50, 60),
    ("Said Tahiri", "m", "Service technique", 2, None, None),
    ("", "", "", "", None, None),  # an empty extra row is ignored
]


VIEWS = {
    "communes:training_list": (False, True, {"get"}),
    "communes:training_detail": (True, True, {"get"}),
    "communes:training_create": (False, False, {"get", "post"}),
    "communes:training_edit": (True, False, {"get", "post"}),
    "communes:training_delete": (True, False, {"get", "post"}),
}


def _address(name, cycle, training):
    needs_uuid, _read, _methods = VIEWS[name]
    return url(name, cycle, **({"uuid": training.uuid} if needs_uuid else {}))


# What each page shows the users it lets in (the training of ``make_training``).
SHOWS = {
    "communes:training_list": "Genre et migration",
    "communes:training_detail": "Stagiaire 1",
    "communes:training_create": "Nouvelle formation",
    "communes:training_edit": 'value="Genre et migration"',
    "communes:training_delete": "<bdi>Genre et migration</bdi> » et ses 2 stagiaires",
}


@pytest.mark.parametrize("name", VIEWS)
def test_permissions_of_every_view(access, cycle, name):
    _uuid, read_only, methods = VIEWS[name]
    access.check(
        _address(name, cycle, make_training(cycle)),
        READ if read_only else WRITE,
        methods=tuple(sorted(methods)),
        shows=SHOWS[name],
    )


def test_editor_records_a_training_with_its_trainees(client_for, editor, cycle):
    client = client_for(editor)
    page = client.get(url("communes:training_create", cycle)).content.decode()
    assert 'name="trainees-4-name"' in page  # five empty rows without JavaScript
    assert "js/records.js" in page and "<script>" not in page
    response = client.post(url("communes:training_create", cycle), training_data(PEOPLE))
    training = Training.objects.get()
    assert response.status_code == 302
    assert response.url == url("communes:training_detail", cycle, uuid=training.uuid)
    assert sorted(training.trainees.values_list("name", flat=True)) == [
        "Khadija El Amrani",
        "Mohamed Ziani",
        "Said Tahiri",
    ]
    assert cycle.steps.get(step=2).status == "in_progress"
    listing = client.get(url("communes:training_list", cycle)).content.decode()
    # 3 trainees, 1 woman (33%), 5 days of 6 (83%), progression (30 + 10) / 2 = 20 points.
    for figure in ("33", "83", "20"):
        assert figure in listing


def test_add_a_row_keeps_what_was_typed_without_saving(client_for, editor, cycle):
    """ "Add a row" replaced "save and add more": it works without JavaScript, saves nothing."""
    client = client_for(editor)
    data = training_data(PEOPLE[:1], add_row="trainees")
    response = client.post(url("communes:training_create", cycle), data)
    assert response.status_code == 200 and not Training.objects.exists()
    page = response.content.decode()
    assert 'value="Khadija El Amrani"' in page
    total = data["trainees-TOTAL_FORMS"]
    assert f'name="trainees-{total}-name"' in page  # one more row than posted
    assert "invalid-feedback" not in page  # the empty rows are not errors


@pytest.mark.parametrize(
    ("fields", "people", "field", "message"),
    [
        ({"end_date": "2022-10-24"}, PEOPLE[:1], "end_date", "cannot come before the start"),
        ({"days": "3"}, PEOPLE[:1], "days", "there are only 2 days"),
        ({}, [("Nadia", "f", "", 2, None, 80)], "trainees-0-post_score", "needs the pre-test"),
        ({}, [("Nadia", "f", "", 3, None, None)], "trainees-0-days_attended", "lasts 2 days"),
        ({}, [("Nadia", "f", "", 2, 20, 120)], "trainees-0-post_score", "less than or equal"),
        ({"start_date": "2099-01-01", "end_date": "2099-01-02"}, [], "start_date", "year ahead"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(
    client_for, editor, cycle, fields, people, field, message
):
    client = client_for(editor)
    client.cookies["prim_language"] = "en"
    response = client.post(url("communes:training_create", cycle), training_data(people, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}"' in html
    assert not Training.objects.exists() and not Trainee.objects.exists()


def test_editing_changes_removes_and_adds_trainees(client_for, editor, cycle):
    training = make_training(cycle, by=editor)
    first, second = training.trainees.order_by("pk")
    rows = [
        ("Stagiaire 0", "f", "RH", 2, 45, 75, first.pk),
        ("Stagiaire 1", "m", "", 2, None, None, second.pk),
        ("Nouvelle stagiaire", "f", "État civil", 1, None, None),
    ]
    data = training_data(rows, initial=2, loaded_version="1", place="Hôtel de ville")
    data["trainees-1-DELETE"] = "on"
    response = client_for(editor).post(
        url("communes:training_edit", cycle, uuid=training.uuid), data
    )
    assert response.status_code == 302
    assert sorted(training.trainees.values_list("name", "service", "post_score")) == [
        ("Nouvelle stagiaire", "État civil", None),
        ("Stagiaire 0", "RH", 75),
    ]
    training.refresh_from_db()
    assert training.place == "Hôtel de ville" and training.version == 2
    assert Trainee.history.filter(history_type="-", name="Stagiaire 1").get().history_user == editor
    assert Trainee.history.filter(history_type="~", name="Stagiaire 0").get().history_user == editor


def test_two_tabs_the_second_save_is_told(client_for, editor, cycle):
    training = make_training(cycle, by=editor)
    client = client_for(editor)
    address = url("communes:training_edit", cycle, uuid=training.uuid)
    assert client.post(address, training_data(loaded_version="1", place="A")).status_code == 302
    response = client.post(
        address, training_data([("X", "m", "", 1, None, None)], loaded_version="1", place="B")
    )
    assert response.status_code == 409
    training.refresh_from_db()
    assert training.place == "A" and training.trainees.count() == 2


def test_editor_deletes_a_training(client_for, editor, cycle):
    training = make_training(cycle, by=editor)
    client = client_for(editor)
    assert (
        "Genre et migration"
        in client.get(url("communes:training_delete", cycle, uuid=training.uuid)).content.decode()
    )
    assert (
        client.post(url("communes:training_delete", cycle, uuid=training.uuid)).status_code == 302
    )
    assert not Training.objects.exists() and not Trainee.objects.exists()
    assert Trainee.history.filter(history_type="-").count() == 2


def test_a_validated_step_is_read_only(client_for, editor, coordinator, cycle):
    training = make_training(cycle, by=editor)
    services.step_submit(cycle=cycle, step=2, by=editor)
    services.step_review(cycle=cycle, step=2, by=coordinator, validate=True)
    client = client_for(editor)
    assert client.get(url("communes:training_edit", cycle, uuid=training.uuid)).status_code == 403
    assert (
        client.post(url("communes:training_delete", cycle, uuid=training.uuid)).status_code == 403
    )
    detail = client.get(url("communes:training_detail", cycle, uuid=training.uuid)).content.decode()
    assert url("communes:training_edit", cycle, uuid=training.uuid) not in detail


@pytest.mark.parametrize("size", [1, 30])
def test_list_and_detail_run_a_fixed_number_of_queries(
    client_for, editor, cycle, django_assert_num_queries, size
):
    for i in range(size):
        training = make_training(
            cycle,
            trainees=[(Sex.WOMAN, 2)] * size,
            start_date=datetime.date(2022, 10, 1) + datetime.timedelta(days=i),
            end_date=datetime.date(2022, 10, 2) + datetime.timedelta(days=i),
        )
    client = client_for(editor)
    # session + user (2) + scope (1) + cycle (1) + step status (1) + the step's summary (1)
    # + count (1) + page of trainings with their trainee aggregates (1) = 8.
    with django_assert_num_queries(8):
        listing = client.get(url("communes:training_list", cycle))
    assert listing.status_code == 200
    # The trainings, 25 a page.
    assert listing.content.decode().count("Genre et migration</a>") == min(size, 25)
    # session + user (2) + scope (1) + cycle (1) + step status (1) + training with its
    # aggregates (1) + trainees (1) = 7.
    with django_assert_num_queries(7):
        detail = client.get(url("communes:training_detail", cycle, uuid=training.uuid))
    assert detail.status_code == 200
    assert f"Stagiaire {size - 1}" in detail.content.decode()
