import pytest
from django.test import Client

from silvercare.common.testing import client_for

pytestmark = pytest.mark.django_db


def test_chinese_by_default_english_on_request(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    chinese = client.get("/elders/").content.decode()
    assert '<html lang="zh-Hans">' in chinese
    assert "老年人" in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/elders/"})
    english = client.get("/elders/").content.decode()
    assert '<html lang="en">' in english
    assert "Elders" in english and "老年人" not in english.split("<main")[1].split("</main>")[0]


def test_api_errors_follow_the_language(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    body = {
        "name": "x",
        "id_number": "123",
        "region_code": "440304001001",
        "hukou_type": "local_urban",
        "living_situation": "spouse",
    }
    zh = client.post("/api/v1/elders/", body, content_type="application/json").json()
    en = Client(HTTP_ACCEPT_LANGUAGE="en")
    en.force_login(worker)
    english = en.post("/api/v1/elders/", body, content_type="application/json").json()
    assert zh["errors"][0]["code"] == english["errors"][0]["code"] == "id_number_length"
    assert zh["errors"][0]["message"] != english["errors"][0]["message"]
    assert "18" in english["errors"][0]["message"]
