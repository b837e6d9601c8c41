from __future__ import annotations

import uuid
from typing import Any

import pytest

from silvercare.accounts.roles import Perm
from silvercare.common.errors import NotFound
from silvercare.common.selectors import one_visible
from silvercare.common.testing import make_elder
from silvercare.elders.models import Elder


def test_one_visible_finds_in_scope_and_answers_the_same_for_missing_malformed_and_elsewhere(
    worker: Any, other_worker: Any
) -> None:
    other = other_worker
    elder = make_elder(worker)
    mine = Elder.objects.visible_to(worker, Perm.ELDERS_VIEW)
    theirs = Elder.objects.visible_to(other, Perm.ELDERS_VIEW)

    assert one_visible(mine, str(elder.pk)) == elder
    for queryset, key in [
        (theirs, elder.pk),
        (mine, uuid.uuid4()),
        (mine, "not-a-uuid"),
        (mine, None),
    ]:
        with pytest.raises(NotFound):
            one_visible(queryset, key)
