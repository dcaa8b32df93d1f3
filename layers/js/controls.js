/* Map controls written for this project: incident filter (dates, play, types, count in view),
 * place search, zoom-dependent place labels, legend that follows the layers, shareable URL
 * hash, mouse position, distance measure, full screen, and the offline base-map fallback.
 * Every piece of data text reaches the page through textContent.
 */
(function (IdlibMap) {
  "use strict";

  var el = IdlibMap.el;

  function control(map, position, build) {
    var c = L.control({ position: position });
    c.onAdd = function () {
      var box = build();
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return c.addTo(map);
  }

  /* Filter incidents by date range and type; show the count in view; play through time. */
  function filterControl(map, options) {
    var api = IdlibMap.incidentData;
    if (!api) { return null; }
    var state = api.state, types = api.set.data.types;
    var box, from, to, slider, countLine, playButton, timer = null;
    control(map, "topleft", function () {
      box = el("div", "idlib-filter leaflet-bar");
      box.appendChild(el("div", "idlib-filter-title", "Incidents"));
      var dates = el("div", "idlib-filter-dates");
      from = el("input"); from.type = "date"; from.title = "from";
      to = el("input"); to.type = "date"; to.title = "to";
      [from, to].forEach(function (input) {
        input.min = api.isoDay(state.min); input.max = api.isoDay(state.max);
      });
      dates.appendChild(from); dates.appendChild(el("span", null, "–")); dates.appendChild(to);
      box.appendChild(dates);
      slider = el("input", "idlib-filter-slider"); slider.type = "range";
      slider.min = state.min; slider.max = state.max; slider.title = "show incidents up to this day";
      var playRow = el("div", "idlib-filter-play");
      playButton = el("button", null, "▶ play"); playButton.type = "button";
      playRow.appendChild(playButton); playRow.appendChild(slider);
      box.appendChild(playRow);
      var typeBox = el("div", "idlib-filter-types");
      types.forEach(function (type, index) {
        var label = el("label", "idlib-filter-type");
        var check = el("input"); check.type = "checkbox"; check.checked = state.types[index];
        check.dataset.typeIndex = String(index);
        check.addEventListener("change", function () {
          var next = state.types.slice(); next[index] = check.checked; api.setFilter({ types: next });
        });
        var swatch = el("span", "idlib-inc idlib-inc-" + type.key + " idlib-swatch-inline");
        var dot = el("span"); dot.style.background = type.color; swatch.appendChild(dot);
        label.appendChild(check); label.appendChild(swatch); label.appendChild(el("span", null, type.label));
        typeBox.appendChild(label);
      });
      box.appendChild(typeBox);
      countLine = el("div", "idlib-filter-count");
      box.appendChild(countLine);
      return box;
    });
    function fromInput() {
      var f = from.value ? api.dayOf(from.value) : state.min, t = to.value ? api.dayOf(to.value) : state.max;
      api.setFilter({ from: f, to: t });
    }
    from.addEventListener("change", fromInput);
    to.addEventListener("change", fromInput);
    slider.addEventListener("input", function () { api.setFilter({ to: Number(slider.value) }); });
    playButton.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; playButton.textContent = "▶ play"; return; }
      var step = Math.max(1, Math.round((state.max - state.min) / 60)), day = state.from;
      playButton.textContent = "❚❚ pause";
      timer = setInterval(function () {
        day = Math.min(state.max, day + step);
        api.setFilter({ to: day });
        if (day >= state.max) { clearInterval(timer); timer = null; playButton.textContent = "▶ play"; }
      }, 400);
    });
    function refresh() {
      from.value = api.isoDay(state.from); to.value = api.isoDay(state.to); slider.value = state.to;
      var layerOn = map.hasLayer(IdlibMap.layers[options.layer]);
      var inView = api.inView(map.getBounds());
      var n = function (value) { return value.toLocaleString("en-US"); };  // 100,000 not 100000
      countLine.textContent = n(inView) + " of " + n(state.visible.length) + " selected incidents in view" +
        " (" + n(api.set.n) + " in all)" + (layerOn ? "" : "; layer hidden");
      countLine.dataset.inView = String(inView);
      countLine.dataset.selected = String(state.visible.length);
    }
    api.onChange(refresh);
    map.on("moveend overlayadd overlayremove", refresh);
    refresh();
    IdlibMap.filter = { refresh: refresh };
    return api;
  }

  /* Permanent labels appear from each feature's minZoom, so the map is never buried in names. */
  function zoomLabels(map, layerName) {
    // Labels are div markers, not permanent tooltips: a tooltip measures itself when it
    // opens, and a hundred of them opening at once cost seconds of layout.
    var layer = IdlibMap.layers[layerName], labels = L.layerGroup().addTo(map), shown = new Map();
    function labelFor(l) {
      return L.marker(l.getLatLng(), {
        icon: L.divIcon({ className: "idlib-label", html: el("span", null, l.labelText), iconSize: null }),
        interactive: false, keyboard: false, pane: "idlibLabels"
      });
    }
    function update() {
      var zoom = map.getZoom(), on = map.hasLayer(layer), view = map.getBounds().pad(0.5), wanted = new Set();
      if (on) {
        layer.eachLayer(function (l) {
          if (l.labelMinZoom !== undefined && zoom >= l.labelMinZoom && view.contains(l.getLatLng())) { wanted.add(l); }
        });
      }
      shown.forEach(function (label, l) {
        if (!wanted.has(l)) { labels.removeLayer(label); shown.delete(l); }
      });
      wanted.forEach(function (l) {
        if (!shown.has(l)) { var label = labelFor(l); shown.set(l, label); labels.addLayer(label); }
      });
    }
    map.on("zoomend moveend overlayadd overlayremove", update);
    update();
  }

  /* Legend rows follow their layers: a row disappears while its layer is off. */
  function legendFollowsLayers(map) {
    function update() {
      document.querySelectorAll(".idlib-legend-row[data-layer]").forEach(function (row) {
        var layer = IdlibMap.layers[row.dataset.layer];
        row.style.display = !layer || map.hasLayer(layer) ? "" : "none";
      });
    }
    map.on("overlayadd overlayremove", update);
    update();
  }

  /* A line at the bottom left saying what the page changed for the reader (replaced each time). */
  var noticeBox = null;
  function notice(map, message) {
    if (!noticeBox) {
      control(map, "bottomleft", function () { noticeBox = el("div", "idlib-notice idlib-link-notice leaflet-bar"); return noticeBox; });
    }
    noticeBox.textContent = message;
  }

  /* #incident=ID: centre on that incident with its popup open, widening the filter if it
   * hides the incident (and saying so). */
  function openLinkedIncident(map, id) {
    var api = IdlibMap.incidentData;
    if (!api) { return; }
    api.ready.then(function () {
      var shown = api.show(id);
      if (!shown) { notice(map, "Incident " + id + " is not in this map."); return; }
      var said = { dates: "the dates", types: "its type", layer: "the incident layer" }, changed = [];
      shown.changes.forEach(function (c) { if (changed.indexOf(said[c]) < 0) { changed.push(said[c]); } });
      if (changed.length) {
        notice(map, "Filter widened to show incident " + id + " (" + api.isoDay(api.set.day[shown.index]) +
          "): " + changed.join(" and ") + " changed.");
      }
    }, function () { /* texts unavailable: the notice of incidents.js says so */ });
  }

  /* The URL hash keeps centre, zoom, visible overlays and the time/type filter, and the
   * incident whose popup is open (#incident=ID). */
  function shareableView(map) {
    var names = Object.keys(IdlibMap.layers);
    function write() {
      var api = IdlibMap.incidentData, c = map.getCenter();
      var on = names.map(function (name, i) { return map.hasLayer(IdlibMap.layers[name]) ? "1" : "0"; }).join("");
      var parts = ["z=" + map.getZoom(), "lat=" + c.lat.toFixed(5), "lon=" + c.lng.toFixed(5), "layers=" + on];
      if (api) {
        parts.push("from=" + api.isoDay(api.state.from), "to=" + api.isoDay(api.state.to));
        parts.push("types=" + api.state.types.map(function (t) { return t ? "1" : "0"; }).join(""));
      }
      if (IdlibMap.openIncident) { parts.push("incident=" + encodeURIComponent(IdlibMap.openIncident)); }
      history.replaceState(null, "", "#" + parts.join("&"));
    }
    function read(hash) {
      var params = Object.create(null);
      hash.replace(/^#/, "").split("&").forEach(function (kv) {
        var i = kv.indexOf("="); if (i <= 0) { return; }
        // A malformed escape (a link cut short, "%E0%A4%A") drops that pair only.
        try { params[kv.slice(0, i)] = decodeURIComponent(kv.slice(i + 1)); } catch (e) { /* skip */ }
      });
      if (params.layers && params.layers.length === names.length) {
        names.forEach(function (name, i) {
          var layer = IdlibMap.layers[name], want = params.layers[i] === "1";
          if (want && !map.hasLayer(layer)) { map.addLayer(layer); }
          if (!want && map.hasLayer(layer)) { map.removeLayer(layer); }
        });
      }
      var api = IdlibMap.incidentData;
      if (api && (params.from || params.to || params.types)) {
        var filter = {};
        // A day that parses to no date ("2020-13-45") is ignored: NaN would break the filter.
        var day = function (iso) {
          var value = /^\d{4}-\d\d-\d\d$/.test(iso || "") ? api.dayOf(iso) : NaN;
          return isFinite(value) ? value : undefined;
        };
        filter.from = day(params.from); filter.to = day(params.to);
        if (params.types && params.types.length === api.state.types.length) {
          filter.types = params.types.split("").map(function (t) { return t === "1"; });
        }
        api.setFilter(filter);
      }
      var lat = Number(params.lat), lon = Number(params.lon), z = Number(params.z);
      if (isFinite(lat) && isFinite(lon) && isFinite(z) && params.z) { map.setView([lat, lon], z); }
      if (params.incident) { openLinkedIncident(map, params.incident.slice(0, 200)); }
    }
    if (location.hash.length > 1) { read(location.hash); }
    map.on("moveend overlayadd overlayremove", write);
    // The map hears of a popup before its marker does (which sets IdlibMap.openIncident).
    map.on("popupopen popupclose", function () { setTimeout(write, 0); });
    if (IdlibMap.incidentData) { IdlibMap.incidentData.onChange(write); }
    // A link pasted into the address bar of an open map changes only the hash. The event
    // comes a moment later, and a pan ending meanwhile rewrites location.hash with the view
    // (write): the pasted hash is the one the event carries.
    window.addEventListener("hashchange", function (e) {
      var at = e.newURL.indexOf("#"), hash = at >= 0 ? e.newURL.slice(at) : "";
      if (hash.indexOf("incident=") >= 0) { read(hash); }
    });
  }

  function mousePosition(map) {
    var box;
    control(map, "bottomleft", function () { box = el("div", "idlib-mouse leaflet-bar", "lat, lon"); return box; });
    map.on("mousemove", function (e) {
      box.textContent = "lat " + e.latlng.lat.toFixed(5) + ", lon " + e.latlng.lng.toFixed(5);
    });
  }

  /* Click points to measure a path; geodesic (great-circle) length in km. */
  function measure(map) {
    var active = false, points = [], line = L.polyline([], { color: "#111", weight: 2, dashArray: "4 4" });
    var button, readout;
    control(map, "topleft", function () {
      var box = el("div", "idlib-measure leaflet-bar");
      button = el("a", null, "km"); button.href = "#"; button.title = "Measure a distance (click points; click again to stop)";
      button.setAttribute("role", "button");
      readout = el("span", "idlib-measure-readout");
      box.appendChild(button); box.appendChild(readout);
      return box;
    });
    button.addEventListener("click", function (e) {
      e.preventDefault();
      active = !active; points = []; line.setLatLngs([]);
      readout.textContent = active ? "click on the map" : "";
      if (active) { line.addTo(map); map.getContainer().style.cursor = "crosshair"; }
      else { map.removeLayer(line); map.getContainer().style.cursor = ""; }
    });
    map.on("click", function (e) {
      if (!active) { return; }
      points.push(e.latlng); line.setLatLngs(points);
      var metres = 0;
      for (var i = 1; i < points.length; i++) { metres += points[i - 1].distanceTo(points[i]); }
      readout.textContent = (metres / 1000).toFixed(2) + " km";
    });
  }

  function fullScreen(map) {
    var button;
    control(map, "topleft", function () {
      var box = el("div", "idlib-fullscreen leaflet-bar");
      button = el("a", null, "[ ]"); button.href = "#"; button.title = "Full screen"; button.setAttribute("role", "button");
      box.appendChild(button);
      return box;
    });
    button.addEventListener("click", function (e) {
      e.preventDefault();
      var container = map.getContainer();
      if (document.fullscreenElement) { document.exitFullscreen(); }
      else if (container.requestFullscreen) { container.requestFullscreen(); }
    });
    document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
  }

  /* When the chosen tile layer keeps failing (no network), switch to the offline base. */
  function offlineFallback(map, offlineName) {
    var offline = IdlibMap.layers[offlineName], notice;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) { return; }
      var errors = 0, loads = 0;
      layer.on("tileload", function () { loads++; });
      layer.on("tileerror", function () {
        errors++;
        if (errors >= 4 && loads === 0 && map.hasLayer(layer)) {
          map.removeLayer(layer);
          if (offline && !map.hasLayer(offline)) { map.addLayer(offline); }
          if (!notice) {
            control(map, "bottomleft", function () {
              notice = el("div", "idlib-notice leaflet-bar", "Base map tiles could not load (offline?): showing the OCHA boundaries instead.");
              return notice;
            });
          }
          if (IdlibMap.layerControl) { IdlibMap.layerControl._update(); }
        }
      });
    });
  }

  /* Headings between groups of overlays in Leaflet's layer control. */
  function groupHeadings(layerControl, groups) {
    var original = layerControl._update;
    layerControl._update = function () {
      var result = original.apply(this, arguments);
      var labels = this._overlaysList ? this._overlaysList.querySelectorAll("label") : [];
      labels.forEach(function (label) {
        var name = label.textContent.trim();
        if (groups[name]) {
          label.parentNode.insertBefore(el("div", "idlib-layer-group", groups[name]), label);
        }
      });
      return result;
    };
    layerControl._update();
    IdlibMap.layerControl = layerControl;
  }

  IdlibMap.control = control;
  IdlibMap.filterControl = filterControl;
  IdlibMap.zoomLabels = zoomLabels;
  IdlibMap.legendFollowsLayers = legendFollowsLayers;
  IdlibMap.shareableView = shareableView;
  IdlibMap.mousePosition = mousePosition;
  IdlibMap.measure = measure;
  IdlibMap.fullScreen = fullScreen;
  IdlibMap.offlineFallback = offlineFallback;
  IdlibMap.groupHeadings = groupHeadings;
  IdlibMap.notice = notice;
})(window.IdlibMap);
