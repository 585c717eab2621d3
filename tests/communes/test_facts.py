"""Steps 1-2, issue 11: dates inside the PAC period, refused next to the field, nothing saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from communes.records import AwarenessSession, Training
from tests.communes.test_awareness_views import grid_data, url
from tests.communes.test_training_views import PEOPLE, training_data

pytestmark = pytest.mark.django_db
OUTSIDE = "Cette date est en dehors de la période du PAC 2022-2027."


@pytest.mark.parametrize("date", ["2021-12-31", "2020-06-15"])
def test_an_awareness_session_outside_the_pac_period_is_refused(client_for, editor, cycle, date):
    response = client_for(editor).post(
        url("communes:awareness_create", cycle), grid_data(date=date)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"] == [OUTSIDE]
    assert not AwarenessSession.objects.exists()


def test_the_first_and_last_days_of_the_period_are_inside(client_for, editor, cycle):
    client = client_for(editor)
    for date in ("2022-01-01", "2022-12-31"):
        assert (
            client.post(url("communes:awareness_create", cycle), grid_data(date=date)).status_code
            == 302
        )
    assert AwarenessSession.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"start_date": "2021-12-30", "end_date": "2021-12-31"}, "start_date"),
        ({"start_date": "2021-12-31", "end_date": "2022-01-01"}, "start_date"),
    ],
)
def test_a_training_outside_the_pac_period_is_refused(client_for, editor, cycle, fields, field):
    response = client_for(editor).post(
        url("communes:training_create", cycle), training_data(PEOPLE[:1], **fields)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [OUTSIDE]
    assert not Training.objects.exists()


@pytest.mark.parametrize("date", [datetime.date(2019, 5, 1), datetime.date(2028, 1, 1)])
def test_the_model_refuses_it_too(cycle, date):
    """Services and the admin validate through the model, not only the form."""
    session = AwarenessSession(
        cycle=cycle, date=date, place="X", format="workshop", facilitator="Y"
    )
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict == {"date": [OUTSIDE]}
    training = Training(
        cycle=cycle, title="T", start_date=date, end_date=date, days=1, trainer="X", place="Y"
    )
    with pytest.raises(ValidationError) as error:
        training.full_clean()
    assert set(error.value.message_dict) == {"start_date", "end_date"}
