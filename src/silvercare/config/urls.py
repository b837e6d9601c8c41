from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from silvercare.accounts import views as account_views
from silvercare.common.api import api
from silvercare.common.health import healthz

admin.site.site_header = settings.APP_NAME
admin.site.site_title = _("SilverCare back office")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", account_views.home, name="home"),
    path("accounts/", include("silvercare.accounts.urls")),
    path("elders/", include("silvercare.elders.urls")),
    path("audit/", include("silvercare.audit.urls")),
    path("regions/", include("silvercare.regions.urls")),
    path("assessments/", include("silvercare.assessments.urls")),
    path("subsidies/", include("silvercare.subsidies.urls")),
    path("monitoring/", include("silvercare.monitoring.urls")),
    path("training/", include("silvercare.training.urls")),
    path("alerts/", include("silvercare.alerts.urls")),
    path("assistive/", include("silvercare.assistive.urls")),
    path("rental/", include("silvercare.rental.urls")),
    path("care/", include("silvercare.homecare.urls")),
    path("adaptation/", include("silvercare.adaptation.urls")),
    path("industry/", include("silvercare.industry.urls")),
    path("supervision/", include("silvercare.supervision.urls")),
    path("canteens/", include("silvercare.canteens.urls")),
    path("portal/", include("silvercare.portal.urls")),
    path("indicators/", include("silvercare.indicators.urls")),
]
