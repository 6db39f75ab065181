/* The map pages of Pourparler (Leaflet, served from our static files).
 *
 * The element #map says what to draw in data-mode:
 *   overview  the areas of control, checkpoint passages, security incidents and context
 *             events of the period, each layer fetched as GeoJSON from the URLs in the
 *             page's "map-config" JSON block;
 *   area      one area's outline (the "outline" of the config);
 *   draw      a map to draw an outline on (Leaflet-Geoman): what is drawn is written, as
 *             GeoJSON, into the form's outline field (#id_outline), and an outline already
 *             in that field is drawn first, ready to edit.
 * The background is the Natural Earth country outlines served with the application, or
 * the tile server the configuration names (then the page's CSP allows that host).
 * No inline script or style: text goes in with textContent, never as HTML.
 */
(function () {
  "use strict";

  var STYLES = {
    full: { color: "#67000d", weight: 2, fillColor: "#b2182b", fillOpacity: 0.45 },
    fluid: { color: "#b2182b", weight: 2, dashArray: "6 4", fillColor: "#ef8a62", fillOpacity: 0.35 },
    influence: { color: "#2166ac", weight: 2, dashArray: "2 4", fillColor: "#67a9cf", fillOpacity: 0.25 }
  };
  var POINT_COLOURS = { passages: "#1b7837", incidents: "#762a83", events: "#333333" };
  var LAYER_ORDER = ["areas", "passages", "incidents", "events"];

  function readConfig() {
    var block = document.getElementById("map-config");
    return block ? JSON.parse(block.textContent) : {};
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function newMap(node, config) {
    var map = L.map(node, { worldCopyJump: true, minZoom: 2 }).setView([8, 20], 3);
    map.attributionControl.setPrefix(false);
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: config.tileAttribution || "", maxZoom: 18 }).addTo(map);
      return { map: map, ready: Promise.resolve(null) };
    }
    var ready = fetch(config.basemap, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          interactive: false,
          style: { color: "#8a9aa8", weight: 1, fillColor: "#f6f3ec", fillOpacity: 1 }
        });
        layer.getAttribution = function () { return "Natural Earth"; };
        layer.addTo(map);
        layer.bringToBack();
        return layer;
      })
      .catch(function () { return null; });
    return { map: map, ready: ready };
  }

  function popupFor(properties, labels) {
    var box = element("div", null, "map-popup");
    var title = properties.name || properties.title || properties.bearer || "";
    box.appendChild(element("strong", title));
    var facts = element("dl");
    function fact(term, value) {
      if (value === undefined || value === null || value === "") return;
      facts.appendChild(element("dt", term));
      facts.appendChild(element("dd", value));
    }
    if (properties.controlLabel) {
      fact(labels.areas || "Area", properties.bearer + ": " + properties.controlLabel);
      fact("", properties.startsOn + " – " + (properties.endsOn || "…"));
      var people = properties.people === null || properties.people === undefined
        ? (labels.noData || "—")
        : Number(properties.people).toLocaleString(document.documentElement.lang || undefined);
      fact(labels.people || "People", people);
      fact(labels.source || "Source", properties.sources);
      fact("", properties.caveat);
    } else {
      fact("", properties.kind);
      fact("", properties.bearer);
      fact("", properties.when);
    }
    box.appendChild(facts);
    if (properties.url) {
      var link = element("a", labels.open || "Open");
      link.href = properties.url;
      box.appendChild(link);
    }
    return box;
  }

  function overview(node, config) {
    var made = newMap(node, config);
    var map = made.map;
    var labels = config.labels || {};
    var overlays = {};
    var control = L.control.layers(null, {}, { collapsed: false, position: "bottomleft" }).addTo(map);
    var status = document.getElementById("map-status");
    var counts = {};
    var notes = [];
    var bounds = L.latLngBounds([]);
    var areaBounds = L.latLngBounds([]);

    function say() {
      if (!status) return;
      var parts = LAYER_ORDER.filter(function (n) { return n in counts; }).map(function (n) {
        return (labels[n] || n) + ": " + counts[n];
      });
      status.textContent = parts.concat(notes).join(" · ");
    }

    function load(name) {
      var url = config.layers && config.layers[name];
      if (!url) return Promise.resolve();
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          var layer = L.geoJSON(data, {
            style: function (feature) {
              // Points keep the colours pointToLayer gives them.
              if (feature.geometry.type === "Point") return {};
              return STYLES[feature.properties.control] || STYLES.full;
            },
            pointToLayer: function (feature, latlng) {
              return L.circleMarker(latlng, {
                radius: name === "events" ? 4 : 6,
                color: "#ffffff",
                weight: 1.5,
                fillColor: POINT_COLOURS[name],
                fillOpacity: 0.9
              });
            },
            onEachFeature: function (feature, item) {
              item.bindPopup(popupFor(feature.properties, labels));
            }
          });
          layer.addTo(map);
          control.addOverlay(layer, labels[name] || name);
          overlays[name] = layer;
          counts[name] = data.features.length;
          if (data.truncated) notes.push((labels[name] || name) + ": " + labels.truncated);
          if (data.features.length) {
            bounds.extend(layer.getBounds());
            if (name === "areas") areaBounds.extend(layer.getBounds());
          }
          say();
        })
        .catch(function () {
          notes.push((labels[name] || name) + ": " + (labels.failed || "failed"));
          say();
        });
    }
    // One layer after the other, the areas first: each request is small, the server is
    // not asked for four at once over a slow link, and the areas show soonest.
    var loaded = LAYER_ORDER.reduce(function (previous, name) {
      return previous.then(function () { return load(name); });
    }, Promise.resolve());
    Promise.all([loaded, made.ready]).then(function (results) {
      // Points over areas, areas over the countries.
      if (overlays.areas) overlays.areas.bringToBack();
      if (results[1]) results[1].bringToBack();
      var target = areaBounds.isValid() ? areaBounds : bounds;
      if (target.isValid()) map.fitBounds(target, { padding: [20, 20], maxZoom: 10, animate: false });
      node.setAttribute("data-loaded", "true");
    });
  }

  function area(node, config) {
    var made = newMap(node, config);
    var shape = L.geoJSON(JSON.parse(config.outline), { style: STYLES[config.control] || STYLES.full });
    shape.addTo(made.map);
    made.map.fitBounds(shape.getBounds(), { padding: [20, 20], maxZoom: 11, animate: false });
    made.ready.then(function () {
      shape.bringToFront();
      node.setAttribute("data-loaded", "true");
    });
  }

  function draw(node, config) {
    var made = newMap(node, config);
    var map = made.map;
    var field = document.getElementById("id_outline");
    var drawn = L.featureGroup().addTo(map);

    function polygonsOf(geometry) {
      if (!geometry) return [];
      if (geometry.type === "Polygon") return [geometry.coordinates];
      if (geometry.type === "MultiPolygon") return geometry.coordinates;
      return [];
    }

    function write() {
      if (!field) return;
      var polygons = [];
      drawn.eachLayer(function (layer) {
        var json = layer.toGeoJSON();
        var features = json.type === "FeatureCollection" ? json.features : [json];
        features.forEach(function (feature) {
          polygons = polygons.concat(polygonsOf(feature.geometry));
        });
      });
      if (!polygons.length) {
        field.value = "";
      } else if (polygons.length === 1) {
        field.value = JSON.stringify({ type: "Polygon", coordinates: polygons[0] });
      } else {
        field.value = JSON.stringify({ type: "MultiPolygon", coordinates: polygons });
      }
    }

    function watch(layer) {
      layer.on("pm:edit pm:dragend pm:rotateend", write);
    }

    function load() {
      drawn.clearLayers();
      if (!field || !field.value.trim()) return;
      try {
        var geometry = JSON.parse(field.value);
        polygonsOf(geometry.type === "Feature" ? geometry.geometry : geometry).forEach(function (rings) {
          var layer = L.geoJSON({ type: "Polygon", coordinates: rings }, { style: STYLES.full })
            .getLayers()[0];
          drawn.addLayer(layer);
          watch(layer);
        });
        if (drawn.getLayers().length) map.fitBounds(drawn.getBounds(), { padding: [20, 20], animate: false });
      } catch (error) {
        /* Not GeoJSON yet: the server says what is wrong when the form is sent. */
      }
    }

    // The drawing tools' titles in the page's language where Geoman has it (French,
    // Spanish); else in English.
    var lang = document.documentElement.lang;
    if (lang === "fr" || lang === "es") map.pm.setLang(lang);
    map.pm.addControls({
      position: "topleft",
      drawMarker: false,
      drawCircleMarker: false,
      drawPolyline: false,
      drawCircle: false,
      drawText: false,
      cutPolygon: false,
      rotateMode: false,
      drawPolygon: true,
      drawRectangle: true,
      editMode: true,
      dragMode: true,
      removalMode: true
    });
    // Geoman titles the box around each tool's button, not the button: the button takes
    // that title as its accessible name, or a screen reader announces "button" alone.
    Array.prototype.forEach.call(node.querySelectorAll(".leaflet-buttons-control-button"), function (button) {
      var titled = button.closest("[title]");
      if (titled && !button.getAttribute("aria-label")) button.setAttribute("aria-label", titled.getAttribute("title"));
    });
    map.pm.setGlobalOptions({ pathOptions: STYLES.full });
    map.on("pm:create", function (event) {
      drawn.addLayer(event.layer);
      watch(event.layer);
      write();
    });
    map.on("pm:remove", function (event) {
      drawn.removeLayer(event.layer);
      write();
    });
    if (field) field.addEventListener("change", load);
    load();
    made.ready.then(function () { node.setAttribute("data-loaded", "true"); });
  }

  function start() {
    var node = document.getElementById("map");
    if (!node || typeof L === "undefined") return;
    var config = readConfig();
    var mode = node.getAttribute("data-mode");
    if (mode === "overview") overview(node, config);
    else if (mode === "area") area(node, config);
    else if (mode === "draw") draw(node, config);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
