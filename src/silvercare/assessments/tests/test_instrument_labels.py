"""Issue 8, point 3: the booking form names every instrument in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from silvercare.assessments.choices import InstrumentChoice
from silvercare.assessments.instruments import get_instrument
from silvercare.common.testing import COMMUNITY_A1, client_for, make_assessor, make_elder

pytestmark = pytest.mark.django_db


def test_the_booking_form_names_the_instruments_in_chinese(worker: Any) -> None:
    make_assessor()
    elder = make_elder(worker, COMMUNITY_A1)
    html = client_for(worker).get(f"/assessments/book/{elder.pk}/").content.decode()

    for english in ("Barthel Index", "Lawton IADL", "Instrumental Activities"):
        assert english not in html
    with translation.override("zh-hans"):
        for choice in InstrumentChoice:
            assert f'<option value="{choice.value}"' in html
            assert str(choice.label) in html
        assert "Barthel指数（日常生活活动能力）" in html
        assert "Lawton工具性日常生活活动能力量表" in html


def test_the_booking_form_names_them_in_english_on_request(worker: Any) -> None:
    make_assessor()
    elder = make_elder(worker, COMMUNITY_A1)
    client = client_for(worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/assessments/book/{elder.pk}/").content.decode()
    assert "Barthel Index (activities of daily living)" in html
    assert "老年人能力评估规范" not in html


def test_every_choice_is_an_instrument_the_scorer_knows() -> None:
    for choice in InstrumentChoice:
        assert get_instrument(choice.value) is not None
