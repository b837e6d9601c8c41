import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from silvercare.accounts.models import User
from silvercare.demo.city import DEMO_NAMES, DEMO_PASSWORD, DEMO_USERS
from silvercare.elders.models import Elder
from silvercare.elders.selectors import elder_age
from silvercare.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_builds_a_city_and_is_idempotent() -> None:
    out = io.StringIO()
    call_command("demo", "--elders", "400", stdout=out)
    assert "Demo city ready: 400 elders created" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()
    assert Region.objects.filter(is_demo=True, level=4).count() == 20
    assert Region.objects.filter(is_demo=True, level=5).count() == 100
    assert User.objects.filter(username__in=[u for u, _r, _g in DEMO_USERS]).count() == len(
        DEMO_USERS
    )
    ages = [elder_age(e) for e in Elder.objects.all()]
    assert min(ages) >= 60 and max(ages) <= 106
    # A realistic pyramid: more people in their sixties than in their eighties.
    assert sum(60 <= a < 70 for a in ages) > sum(80 <= a < 90 for a in ages) > 0
    first = sorted(Elder.objects.values_list("id_number_hash", flat=True))
    call_command("demo", "--elders", "400", stdout=io.StringIO())
    assert sorted(Elder.objects.values_list("id_number_hash", flat=True)) == first
    quiet = io.StringIO()
    call_command("demo", "--if-empty", stdout=quiet)
    assert "left as it is" in quiet.getvalue()


def test_demo_users_can_sign_in_and_see_only_their_area() -> None:
    call_command("demo", "--elders", "300", stdout=io.StringIO())
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": "community_worker", "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )
    body = client.get("/api/v1/elders/?page_size=200").json()
    assert body["count"] > 0
    assert all(item["region_code"].startswith("440304001") for item in body["items"])
    city = Client()
    city.post("/accounts/login/", {"username": "civil_affairs", "password": DEMO_PASSWORD})
    assert city.get("/api/v1/elders/").json()["count"] == Elder.objects.count()


def test_demo_people_have_chinese_names_on_pages_and_reports() -> None:
    call_command("demo", "--elders", "30", stdout=io.StringIO())
    for username, _role, _region in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.display_name == DEMO_NAMES[username]
        assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", str(user)), str(user)  # as the PDF names them
    client = Client()
    client.post("/accounts/login/", {"username": "assessor", "password": DEMO_PASSWORD})
    home = client.get("/").content.decode()
    assert DEMO_NAMES["assessor"] in home
    assert "Assessor" not in home  # the old English name


def test_a_city_built_with_the_old_english_names_is_renamed() -> None:
    call_command("demo", "--elders", "10", stdout=io.StringIO())
    User.objects.filter(username="community_worker").update(display_name="Community Worker")
    User.objects.filter(username="sysadmin").update(display_name="王主任")  # renamed by hand
    call_command("demo", "--if-empty", stdout=io.StringIO())
    assert User.objects.get(username="community_worker").display_name == "林晓红"
    assert User.objects.get(username="sysadmin").display_name == "王主任"
