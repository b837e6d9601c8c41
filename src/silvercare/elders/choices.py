from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class HukouType(models.TextChoices):
    LOCAL_URBAN = "local_urban", _("Local urban hukou")
    LOCAL_RURAL = "local_rural", _("Local rural hukou")
    NON_LOCAL = "non_local", _("Non-local hukou")


class LivingSituation(models.TextChoices):
    ALONE = "alone", _("Lives alone")
    SPOUSE = "spouse", _("With spouse only")
    CHILDREN = "children", _("With children")
    OTHERS = "others", _("With other relatives or carers")
    INSTITUTION = "institution", _("In a care institution")


class ElderStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Category(models.TextChoices):
    """Policy categories. ``advanced_age`` (80+) is derived from the birth date."""

    ADVANCED_AGE = "advanced_age", _("Advanced age (80+)")
    DISABLED = "disabled", _("Disabled")
    LIVING_ALONE = "living_alone", _("Living alone")
    EMPTY_NEST = "empty_nest", _("Empty nest")
    ECON_DIFFICULT = "econ_difficult", _("Economically difficult / extreme poverty")
    SPECIAL_FP_FAMILY = "special_fp_family", _("Special family-planning family")
    RURAL_LEFT_BEHIND = "rural_left_behind", _("Rural left-behind")


STORED_CATEGORIES = [c for c in Category if c != Category.ADVANCED_AGE]
ADVANCED_AGE_YEARS = 80


class Relationship(models.TextChoices):
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    GRANDCHILD = "grandchild", _("Grandchild")
    SIBLING = "sibling", _("Sibling")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    NEIGHBOUR = "neighbour", _("Neighbour")
    CARER = "carer", _("Carer")
    COMMUNITY = "community", _("Community worker")
    OTHER = "other", _("Other")


class ConsentPurpose(models.TextChoices):
    MONITORING = "monitoring", _("Monitoring")
    DATA_SHARING = "data_sharing", _("Data sharing")
    PHOTOS = "photos", _("Photos")
