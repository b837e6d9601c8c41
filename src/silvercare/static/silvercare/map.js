// The indicators map (Leaflet) from the JSON the map page embeds; the counts and the table
// of communities outside every service circle carry the same facts without it. Without a
// tile URL the map is drawn on a plain background (nothing is fetched from elsewhere).
// Colours are in map.css, keyed by each shape's class. Names go into tooltips as text,
// never as HTML.
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("map");
  var data = document.getElementById("map-layers");
  var config = document.getElementById("map-config");
  if (!target || !data || !config || typeof L === "undefined") { return; }
  var layers = JSON.parse(data.textContent);
  var conf = JSON.parse(config.textContent);
  var labels = conf.labels;
  if (!layers.bounds) { return; }

  var map = L.map(target, {
    zoomControl: false, zoomSnap: 0.25, attributionControl: Boolean(conf.tiles)
  });
  L.control.zoom({ zoomInTitle: labels.zoom_in, zoomOutTitle: labels.zoom_out }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  if (conf.tiles) {
    map.attributionControl.setPrefix(false);
    L.tileLayer(conf.tiles, { attribution: conf.attribution, maxZoom: 19 }).addTo(map);
  }

  function tip(title, lines) {
    var box = document.createElement("span");
    var strong = document.createElement("strong");
    strong.textContent = title;
    box.appendChild(strong);
    lines.forEach(function (line) {
      if (!line) { return; }
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(line));
    });
    return box;
  }

  function dot(row, className, radius, lines) {
    return L.circleMarker([row.lat, row.lon], { radius: radius, className: className })
      .bindTooltip(tip(row.name, lines));
  }

  // Bottom to top: the circles, the communities, then the places themselves (service points
  // last, so that one at the same spot as a rental point shows).
  var circles = L.layerGroup();
  var places = L.layerGroup();
  var communities = L.layerGroup();
  function circle(row) {
    circles.addLayer(L.circle([row.lat, row.lon], {
      radius: layers.radius_m, className: "map-circle", interactive: false
    }));
  }
  layers.rental_points.forEach(function (row) {
    places.addLayer(dot(row, "map-rental", 7, [labels.rental_point]));
  });
  layers.facilities.forEach(function (row) {
    if (row.service) { circle(row); }
    places.addLayer(dot(row, row.service ? "map-service" : "map-other", 8, [row.kind_label]));
  });
  layers.beyond.forEach(function (row) {
    circles.addLayer(L.circle([row.lat, row.lon], {
      radius: layers.radius_m, className: "map-circle map-beyond", interactive: false
    }));
  });
  layers.canteens.forEach(function (row) {
    circle(row);
    places.addLayer(dot(row, "map-canteen", 8, [labels.canteen]));
  });
  layers.communities.forEach(function (row) {
    if (row.lat === null || row.lon === null) { return; }
    var lines = [row.street, row.inside ? labels.inside : labels.outside];
    if (!row.inside && row.nearest_m !== null) {
      lines.push(labels.nearest.replace("%(km)s", (row.nearest_m / 1000).toFixed(1)));
    }
    communities.addLayer(dot(row, row.inside ? "map-inside" : "map-outside",
      row.inside ? 5 : 7, lines));
  });
  circles.addTo(map);
  communities.addTo(map);
  places.addTo(map);
  // The area's places with a circle's radius around them, so circles on the edge show whole.
  var span = 2 * layers.radius_m;
  var view = L.latLngBounds(layers.bounds)
    .extend(L.latLng(layers.bounds[0]).toBounds(span))
    .extend(L.latLng(layers.bounds[1]).toBounds(span));
  map.fitBounds(view, { padding: [8, 8], maxZoom: 16 });
  target.setAttribute("data-drawn", "true");
});
