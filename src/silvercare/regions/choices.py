from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    CITY = 2, _("City")
    COUNTY = 3, _("County / district")
    TOWN = 4, _("Town / street")
    COMMUNITY = 5, _("Community / village")


# How many leading digits of the 12-digit statistical code identify a region at each level.
PREFIX_LENGTH = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


def code_prefix(code: str, level: int) -> str:
    """The significant prefix of a region code: everything below it starts with it."""
    return code[: PREFIX_LENGTH[level]]
