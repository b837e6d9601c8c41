"""The indicators map page: an area's service points with their 15-minute circles, rental
points, canteens and communities, drawn by Leaflet from the JSON the page embeds; the counts
and the table of communities outside every circle say the same without the map."""

from __future__ import annotations

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from silvercare.indicators import maps
from silvercare.indicators.views import _where


def _with_tile_source(request: HttpRequest, response: HttpResponse) -> HttpResponseBase:
    """Let this page, and only this page, load the configured base map's tiles."""
    source = settings.INDICATORS_MAP_TILE_SOURCE
    if not source:
        return response

    @csp_update({"img-src": [source]})
    def page(_request: HttpRequest) -> HttpResponse:
        return response

    return page(request)


@login_required
def map_page(request: HttpRequest) -> HttpResponseBase:
    region, period = _where(request)
    layers = maps.map_layers(actor=request.user, region_code=region)
    outside = [
        {
            "name": c["name"],
            "street": c["street"],
            "nearest_km": None if c["nearest_m"] is None else c["nearest_m"] / 1000,
        }
        for c in layers["communities"]
        if c["inside"] is False
    ]
    config = {
        "tiles": settings.INDICATORS_MAP_TILES,
        "attribution": settings.INDICATORS_MAP_ATTRIBUTION,
        "labels": {
            "zoom_in": _("Zoom in"),
            "zoom_out": _("Zoom out"),
            "inside": _("Inside a service circle"),
            "outside": _("Outside every service circle"),
            "nearest": _("Nearest service point: %(km)s km"),
            "rental_point": _("Rental point"),
            "canteen": _("Elder canteen"),
        },
    }
    response = render(
        request,
        "indicators/map.html",
        {
            "region": region,
            "region_name": layers["region"]["name"],
            "period": period,
            "layers": layers,
            "map_config": config,
            "counts": layers["counts"],
            "radius_m": layers["radius_m"],
            "outside": outside,
            "service_count": sum(1 for f in layers["facilities"] if f["service"]),
            "other_count": sum(1 for f in layers["facilities"] if not f["service"]),
        },
    )
    return _with_tile_source(request, response)
