/* Incidents drawn client-side from packed columns, clustered on a screen grid, with filters.
 *
 * The page holds every incident once, as packed integer columns and a string table (see
 * layers/incidents.py and layers/packing.py). Nothing is made per incident up front: on
 * every view change the incidents that pass the filters and fall near the view are binned
 * into cells of CELL_PX screen pixels, and one marker is drawn per cell: a cluster with its
 * count, or the incident's own symbol. Popups and tooltips are built on demand with DOM
 * nodes and textContent, never as HTML. Time and type filters drive the markers, the heat
 * map and the count together.
 */
(function (IdlibMap) {
  "use strict";

  var DAY_MS = 86400000;
  var CELL_PX = 60;          // cluster cell size on screen
  var SPIDER_MAX = 40;       // largest stack fanned out around its point; larger ones get a list
  var LIST_MAX = 50;         // incidents listed in a stack's popup
  // Long notes scroll inside; the map pans so the popup clears the title box (top left).
  var POPUP_OPTIONS = { maxWidth: 360, maxHeight: 360, autoPanPaddingTopLeft: [10, 150] };
  // Defaults of the options layers/incidents.py sends (geo.incidents.schema holds the values).
  var RADIUS_M = [1000, 5000, 25000];     // position known to ± this, by geo_precision 1-3
  var SLACK_DAYS = [0, 3, 15];            // date known to ± this, by time_precision 1-3
  var EARTH_RADIUS_M = 6371008.8;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = new Int8Array(128).fill(-1);
  for (var a = 0; a < ALPHABET.length; a++) { DIGIT[ALPHABET.charCodeAt(a)] = a; }

  /* The n integers of a packed column (layers/packing.py): base-32 digits, low first. */
  function unpack(text, n, name) {
    var out = new Int32Array(n), pos = 0, length = text.length;
    for (var i = 0; i < n; i++) {
      var value = 0, factor = 1, code;
      do {
        code = pos < length ? DIGIT[text.charCodeAt(pos++) & 127] : -1;
        if (code < 0) { throw new Error("incident column " + name + " is corrupt at value " + i); }
        value += (code & 31) * factor;
        factor *= 32;
      } while (code & 32);
      out[i] = value;
    }
    if (pos !== length) { throw new Error("incident column " + name + " has extra data"); }
    return out;
  }

  function decode(data) {
    var n = data.n, col = {};
    Object.keys(data.columns).forEach(function (name) { col[name] = unpack(data.columns[name], n, name); });
    var m = data.positions, posLat = unpack(data.posLat, m, "posLat"), posLon = unpack(data.posLon, m, "posLon");
    var lat = new Float64Array(n), lon = new Float64Array(n), day = new Int32Array(n);
    var x = new Float64Array(n), y = new Float64Array(n);  // Web Mercator, 0..1 across the world
    var acc = data.day0;
    for (var i = 0; i < n; i++) {
      var p = col.pos[i];
      acc += col.day[i];
      day[i] = acc;
      lat[i] = data.lat0 + posLat[p] / data.scale;
      lon[i] = data.lon0 + posLon[p] / data.scale;
      x[i] = (lon[i] + 180) / 360;
      var s = Math.sin(lat[i] * Math.PI / 180);
      y[i] = 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
    }
    var bounds = L.latLngBounds([]);
    if (n) {
      var south = Infinity, north = -Infinity, west = Infinity, east = -Infinity;
      for (var j = 0; j < m; j++) {
        south = Math.min(south, posLat[j]); north = Math.max(north, posLat[j]);
        west = Math.min(west, posLon[j]); east = Math.max(east, posLon[j]);
      }
      bounds = L.latLngBounds([data.lat0 + south / data.scale, data.lon0 + west / data.scale],
                              [data.lat0 + north / data.scale, data.lon0 + east / data.scale]);
    }
    return { n: n, lat: lat, lon: lon, day: day, x: x, y: y, col: col, data: data, bounds: bounds };
  }

  function isoDay(days, epoch) {
    return new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
  }

  function dayOf(iso, epoch) {
    return Math.round((Date.parse(iso + "T00:00:00Z") - epoch) / DAY_MS);
  }

  /* The string table arrives compressed (raw DEFLATE, base 64); the browser inflates it
   * off the main path. Markers and filters need no text, so they do not wait for it. */
  function inflateStrings(base64) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack the incident texts (no DecompressionStream)"));
    }
    var binary = atob(base64), bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text().then(JSON.parse);
  }

  function text(set, column, i) {
    var code = set.col[column][i];
    if (code === 0) { return ""; }
    return set.strings ? set.strings[code - 1] : "…";
  }

  function eventId(set, i) {
    var family = set.col.idFamily[i], number = set.col.idNumber[i];
    if (family === 0) { return set.strings ? set.strings[number - 1] : "…"; }
    var prefix = set.data.idFamilies[family][0], width = set.data.idFamilies[family][1];
    var digits = String(number);
    while (digits.length < width) { digits = "0" + digits; }
    return prefix + digits;
  }

  function count(value) { return value === 0 ? "not reported" : String(value - 1); }

  /* Precision codes of incident i (0-based: 0 day/at the place, 1 week/near, 2 month/region). */
  function timeCode(set, i) { return set.col.flags[i] % 3; }
  function geoCode(set, i) { return Math.floor(set.col.flags[i] / 3) % 3; }

  /* "2020-09-07", or for a week/month date the span it stands for. */
  function dateText(set, i) {
    var tp = timeCode(set, i), day = set.day[i], epoch = set.data.epoch, slack = set.slackDays[tp];
    if (!tp) { return isoDay(day, epoch); }
    return isoDay(day, epoch) + " (" + set.timeLabels[tp] + ": " + isoDay(day - slack, epoch) + " to " +
      isoDay(day + slack, epoch) + ")";
  }

  function placeText(set, i) {
    var gp = geoCode(set, i), radius = set.radiusM[gp] / 1000;
    return text(set, "location", i) + " (" + set.data.geoPrecision[gp] + ", ± " + radius + " km)";
  }

  /* A circle of radius_m metres on the sphere around [lat, lon], as a polygon: Leaflet
   * draws in Web Mercator, so the ring is computed on the ground, not as a screen radius. */
  function groundCircle(lat, lon, radiusM) {
    var ring = [], d = radiusM / EARTH_RADIUS_M, phi = lat * Math.PI / 180, lambda = lon * Math.PI / 180;
    for (var k = 0; k < 96; k++) {
      var theta = 2 * Math.PI * k / 96;
      var phi2 = Math.asin(Math.sin(phi) * Math.cos(d) + Math.cos(phi) * Math.sin(d) * Math.cos(theta));
      var lambda2 = lambda + Math.atan2(Math.sin(theta) * Math.sin(d) * Math.cos(phi),
                                        Math.cos(d) - Math.sin(phi) * Math.sin(phi2));
      ring.push([phi2 * 180 / Math.PI, lambda2 * 180 / Math.PI]);
    }
    return ring;
  }

  /* The popup of incident i as the plain data IdlibMap.popupContent expects. */
  function popupData(set, i) {
    var d = set.data, c = set.col, type = d.types[c.type[i]];
    var flags = c.flags[i];
    var side = Math.floor(flags / 9) % 4, certainty = Math.floor(flags / 36) % 3, phase = Math.floor(flags / 108);
    var actors = [text(set, "actor1", i), text(set, "actor2", i)].filter(Boolean).join(" vs ");
    return {
      title: type.label + " – " + text(set, "location", i),
      rows: [
        ["Date", dateText(set, i)],
        ["Type", text(set, "subtype", i)],
        ["Place", placeText(set, i)],
        ["Admin area", text(set, "admin", i)],
        ["Killed", count(c.killed[i])],
        ["Injured", count(c.injured[i])],
        ["Actors", actors],
        ["Corridor", d.sides[side] + "; inside: " + d.certainties[certainty]],
        ["Distance to M4", (c.dist[i] / 10).toFixed(1) + " km"],
        ["6 Mar 2020 ceasefire", d.phases[phase]],
        ["Tags", text(set, "tags", i)],
        ["ID", eventId(set, i)]
      ],
      note: text(set, "notes", i),
      links: [{ href: text(set, "url", i), text: "Source: " + text(set, "source", i) }]
    };
  }

  function summaryText(set, i) {
    return isoDay(set.day[i], set.data.epoch) + " · " + set.data.types[set.col.type[i]].label + " · " +
      text(set, "location", i);
  }

  /* The popup of incident i: its rows, and a "copy link" line that opens it elsewhere. */
  function incidentPopup(set, i) {
    var el = IdlibMap.el, root = IdlibMap.popupContent(popupData(set, i)), id = eventId(set, i);
    var line = el("div", "idlib-popup-link"), button = el("button", "idlib-copy-link", "copy link");
    var field = el("input", "idlib-link-field");
    button.type = "button";
    field.type = "text"; field.readOnly = true; field.hidden = true;
    field.setAttribute("aria-label", "link to this incident");
    button.addEventListener("click", function (event) {
      L.DomEvent.stop(event);
      var url = IdlibMap.incidentLink(id);
      field.value = url; field.hidden = false; field.select();
      var done = function () { button.textContent = "link copied"; };
      var manual = function () { button.textContent = "copy the link below (Ctrl+C)"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, manual);
      } else { manual(); }
    });
    line.appendChild(button); line.appendChild(field);
    root.insertBefore(line, root.firstChild.nextSibling);  // under the title: long popups scroll
    return root;
  }

  /* The page's address with #incident=ID: opens the map on that incident, popup open. */
  IdlibMap.incidentLink = function (id) {
    return location.href.split("#")[0] + "#incident=" + encodeURIComponent(id);
  };

  var iconCache = {};
  /* Colours come from the page's stylesheet (one rule per type): no inline style, which
   * the page's Content-Security-Policy would refuse. Hollow: the position is approximate. */
  function iconFor(type, size, hollow) {
    var key = type.key + size + (hollow ? "h" : "");
    if (!iconCache[key]) {
      iconCache[key] = L.divIcon({
        className: "idlib-inc idlib-inc-" + type.key + (hollow ? " idlib-inc-hollow" : ""),
        iconSize: [size, size],
        html: "<span></span>"  // fixed markup, no data
      });
    }
    return iconCache[key];
  }

  function markerSize(killed, injured) {
    var casualties = Math.max(killed - 1, 0) + Math.max(injured - 1, 0);
    return casualties >= 20 ? 22 : casualties >= 5 ? 18 : casualties >= 1 ? 15 : 12;
  }

  function clusterIcon(n) {
    var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    var label = n < 10000 ? String(n) : Math.round(n / 1000) + "k";
    return L.divIcon({
      className: "marker-cluster marker-cluster-" + size,
      iconSize: [40, 40],
      html: "<div><span>" + label + "</span></div>"  // a number only
    });
  }

  /* The incident layer: markers for the cells of the current view, following the filters. */
  var IncidentLayer = L.LayerGroup.extend({
    initialize: function (set) {
      L.LayerGroup.prototype.initialize.call(this);
      this._set = set;
      this._spider = L.layerGroup();
    },
    onAdd: function (map) {
      L.LayerGroup.prototype.onAdd.call(this, map);
      this._spider.addTo(map);
      map.on("moveend", this.redraw, this);
      map.on("zoomstart click", this._unspiderfy, this);
      this.redraw();
    },
    onRemove: function (map) {
      map.off("moveend", this.redraw, this);
      map.off("zoomstart click", this._unspiderfy, this);
      this._unspiderfy();
      map.removeLayer(this._spider);
      L.LayerGroup.prototype.onRemove.call(this, map);
    },

    /* Bin the selected incidents near the view into screen cells; one marker per cell. */
    cells: function (zoom, bounds) {
      var set = this._set, visible = this.visible, cell = CELL_PX / (256 * Math.pow(2, zoom));
      var south = bounds.getSouth(), north = bounds.getNorth(), west = bounds.getWest(), east = bounds.getEast();
      var byKey = new Map();
      for (var k = 0; k < visible.length; k++) {
        var i = visible[k], lat = set.lat[i], lon = set.lon[i];
        if (lat < south || lat > north || lon < west || lon > east) { continue; }
        var key = Math.floor(set.x[i] / cell) * 67108864 + Math.floor(set.y[i] / cell);
        var c = byKey.get(key);
        if (c === undefined) {
          byKey.set(key, { key: key, n: 1, first: i, lat: lat, lon: lon,
                           s: lat, w: lon, nn: lat, e: lon });
        } else {
          c.n++; c.lat += lat; c.lon += lon;
          if (lat < c.s) { c.s = lat; } if (lat > c.nn) { c.nn = lat; }
          if (lon < c.w) { c.w = lon; } if (lon > c.e) { c.e = lon; }
        }
      }
      return byKey;
    },

    redraw: function () {
      var map = this._map;
      if (!map) { return; }
      var zoom = map.getZoom(), cells = this.cells(zoom, map.getBounds().pad(0.3));
      var fresh = {}, self = this;
      cells.forEach(function (c) {
        var id = zoom + ":" + c.key + ":" + c.n + ":" + c.first;
        var marker = self._drawn && self._drawn[id];
        if (!marker) {
          if (c.n === 1) {
            marker = self.markerFor(c.first);
          } else {
            marker = L.marker([c.lat / c.n, c.lon / c.n], { icon: clusterIcon(c.n) });
            marker.on("click", function () { self._open(c, zoom); });
          }
        }
        fresh[id] = marker;
      });
      // Keep the markers that stay (an open popup stays open), swap the rest.
      var drawn = this._drawn || {};
      Object.keys(drawn).forEach(function (id) {
        if (fresh[id] === drawn[id]) { return; }
        if (drawn[id].isPopupOpen && drawn[id].isPopupOpen()) { fresh[id] = drawn[id]; return; }  // the one being read
        self.removeLayer(drawn[id]);
      });
      Object.keys(fresh).forEach(function (id) { if (!self.hasLayer(fresh[id])) { self.addLayer(fresh[id]); } });
      this._drawn = fresh;
      this.lastCellCount = cells.size;
    },

    /* A marker for incident i with its symbol; popup and tooltip are bound on first use. */
    markerFor: function (i) {
      var set = this._set, type = set.data.types[set.col.type[i]];
      var marker = L.marker([set.lat[i], set.lon[i]], {
        icon: iconFor(type, markerSize(set.col.killed[i], set.col.injured[i]), geoCode(set, i) > 0)
      });
      marker.incidentIndex = i;
      marker.bindPopup(function () { return incidentPopup(set, i); }, POPUP_OPTIONS);
      this._uncertainty(marker, i);
      marker.bindTooltip(function () {
        var node = document.createElement("span");
        node.textContent = summaryText(set, i);
        return node;
      }, { direction: "top" });
      return marker;
    },

    /* While incident i is hovered or its popup is open, draw the disc its position is
     * known within (the radius the classification allows for its geo_precision). */
    _uncertainty: function (marker, i) {
      var set = this._set, self = this, open = false;
      function show() {
        if (self._disc && self._disc.incidentIndex === i) { return; }
        hide(true);
        var type = set.data.types[set.col.type[i]];
        var map = self._map || IdlibMap.map, ring = groundCircle(set.lat[i], set.lon[i], set.radiusM[geoCode(set, i)]);
        // Zoomed in past the circle, the whole view lies inside it: a tint would say nothing.
        var covers = L.latLngBounds(ring).pad(-0.15).contains(map.getBounds());
        self._disc = L.polygon(ring, {
          color: type.color, weight: 1.5, dashArray: "4 3", fillColor: type.color,
          fillOpacity: covers ? 0 : 0.08, opacity: covers ? 0 : 1,
          interactive: false, className: "idlib-uncertainty"
        }).addTo(map);
        self._disc.incidentIndex = i;
      }
      function hide(force) {
        if (!self._disc || (!force && open && self._disc.incidentIndex === i)) { return; }
        self._disc.remove();
        self._disc = null;
      }
      marker.on("mouseover", show);
      marker.on("mouseout", function () { hide(false); });
      marker.on("popupopen", function () { open = true; IdlibMap.openIncident = eventId(set, i); show(); });
      marker.on("popupclose", function () {
        open = false;
        if (IdlibMap.openIncident === eventId(set, i)) { IdlibMap.openIncident = null; }
        if (self._disc && self._disc.incidentIndex === i) { hide(true); }
      });
    },

    /* The selected incidents in cell c at zoom z, in date order. */
    members: function (c, zoom) {
      var set = this._set, cell = CELL_PX / (256 * Math.pow(2, zoom)), out = [];
      var bounds = L.latLngBounds([c.s, c.w], [c.nn, c.e]);
      this.visible.forEach(function (i) {
        if (bounds.contains([set.lat[i], set.lon[i]]) &&
            Math.floor(set.x[i] / cell) * 67108864 + Math.floor(set.y[i] / cell) === c.key) { out.push(i); }
      });
      return out;
    },

    /* A cluster click: zoom in while that separates it; then fan it out, or list it. */
    _open: function (c, zoom) {
      var map = this._map, sameSpot = c.s === c.nn && c.w === c.e;
      if (!sameSpot && zoom < map.getMaxZoom()) {
        var target = Math.min(map.getBoundsZoom(L.latLngBounds([c.s, c.w], [c.nn, c.e]).pad(0.2)), map.getMaxZoom());
        map.setView([(c.s + c.nn) / 2, (c.w + c.e) / 2], Math.max(target, zoom + 1));
        return;
      }
      var members = this.members(c, zoom);
      if (members.length <= SPIDER_MAX) { this._spiderfy(members, [c.lat / c.n, c.lon / c.n]); } else { this._list(members, [c.lat / c.n, c.lon / c.n]); }
    },

    /* Fan a stack of incidents out around its point, with a leg to each. */
    _spiderfy: function (members, center) {
      this._unspiderfy();
      var map = this._map, origin = map.latLngToLayerPoint(center), spider = this._spider, self = this;
      members.forEach(function (i, k) {
        var angle = k * 2.4, radius = members.length <= 8 ? 30 : 18 + 6 * Math.sqrt(k + 1) * 2.2;
        var at = map.layerPointToLatLng(origin.add([radius * Math.cos(angle), radius * Math.sin(angle)]));
        spider.addLayer(L.polyline([center, at], { color: "#333", weight: 1, opacity: 0.6, interactive: false }));
        var marker = self.markerFor(i).setLatLng(at);
        spider.addLayer(marker);
      });
      this.spiderfied = members;
    },

    _unspiderfy: function () {
      this._spider.clearLayers();
      this.spiderfied = null;
    },

    /* A popup listing a stack too large to fan out; each line opens its incident. */
    _list: function (members, center) {
      var set = this._set, map = this._map, el = IdlibMap.el;
      var box = el("div", "idlib-stack");
      box.appendChild(el("div", "idlib-popup-title", members.length + " incidents at this point"));
      members.slice(0, LIST_MAX).forEach(function (i) {
        var line = el("button", "idlib-stack-item", summaryText(set, i));
        line.type = "button";
        line.addEventListener("click", function () {
          L.popup(POPUP_OPTIONS).setLatLng(center).setContent(incidentPopup(set, i)).openOn(map);
        });
        box.appendChild(line);
      });
      if (members.length > LIST_MAX) {
        box.appendChild(el("div", "idlib-popup-note",
          "… and " + (members.length - LIST_MAX) + " more: narrow the dates or types to list them."));
      }
      L.popup({ maxWidth: 360, maxHeight: 320, autoPanPaddingTopLeft: [10, 150] }).setLatLng(center).setContent(box).openOn(map);
    }
  });

  function incidents(data, options) {
    options = options || {};
    var set = decode(data);
    set.strings = null;
    set.radiusM = options.radiusM || RADIUS_M;
    set.slackDays = options.slackDays || SLACK_DAYS;
    set.timeLabels = options.timeLabels || ["", "date known to the week", "date known to the month"];
    var ready = inflateStrings(data.stringsDeflated).then(function (strings) {
      set.strings = strings;
      return api;
    }, function (error) {
      var message = "Incident texts unavailable: " + (error.message || error);
      if (IdlibMap.map) {
        var box = L.control({ position: "bottomleft" });
        box.onAdd = function () { return IdlibMap.el("div", "idlib-notice leaflet-bar", message); };
        box.addTo(IdlibMap.map);
      }
      throw error;
    });
    var layer = new IncidentLayer(set);
    var first = Infinity, last = -Infinity;
    for (var k = 0; k < set.n; k++) { first = Math.min(first, set.day[k]); last = Math.max(last, set.day[k]); }
    var state = {
      from: set.n ? first : 0,
      to: set.n ? last : 0,
      types: data.types.map(function () { return true; }),
      visible: []
    };
    state.min = state.from; state.max = state.to;
    var listeners = [];

    /* Whether incident i passes the filter: its type is on and its date range (a week or a
     * month for an imprecise date) overlaps the selected days. */
    function selects(i) {
      var slack = set.slackDays[timeCode(set, i)];
      return set.day[i] - slack <= state.to && set.day[i] + slack >= state.from && state.types[set.col.type[i]];
    }

    function apply() {
      var visible = new Int32Array(set.n), count = 0, types = state.types, type = set.col.type;
      var flags = set.col.flags, slack = set.slackDays, from = state.from, to = state.to;
      for (var i = 0; i < set.n; i++) {
        var d = set.day[i], s = slack[flags[i] % 3];
        if (d - s <= to && d + s >= from && types[type[i]]) { visible[count++] = i; }
      }
      state.visible = visible.subarray(0, count);
      layer.visible = state.visible;
      layer._unspiderfy();
      layer.redraw();
      listeners.forEach(function (fn) { fn(state); });
    }

    var api = {
      set: set, state: state, layer: layer, ready: ready,
      setFilter: function (filter) {
        if (filter.from !== undefined) { state.from = Math.max(state.min, filter.from); }
        if (filter.to !== undefined) { state.to = Math.min(state.max, filter.to); }
        if (filter.types) { state.types = filter.types.slice(); }
        apply();
      },
      onChange: function (fn) { listeners.push(fn); },
      /* Let the filter reach these days too (an analyst layer dated outside the incidents). */
      extendRange: function (fromDay, toDay) {
        if (isFinite(fromDay)) { state.min = Math.min(state.min, fromDay); }
        if (isFinite(toDay)) { state.max = Math.max(state.max, toDay); }
      },
      inView: function (bounds) {
        var inside = 0, south = bounds.getSouth(), north = bounds.getNorth(), west = bounds.getWest(), east = bounds.getEast();
        var visible = state.visible;
        for (var k = 0; k < visible.length; k++) {
          var i = visible[k], lat = set.lat[i], lon = set.lon[i];
          if (lat >= south && lat <= north && lon >= west && lon <= east) { inside++; }
        }
        return inside;
      },
      popupData: function (i) { return popupData(set, i); },
      selects: selects,
      /* Open incident `id` whatever the filter: widen the dates or turn its type on if they
       * hide it, and return what was changed (null when the id is unknown). */
      show: function (id) {
        var i = api.indexOf(id);
        if (i < 0) { return null; }
        var changes = [];
        if (!selects(i)) {
          var filter = {}, slack = set.slackDays[timeCode(set, i)];
          if (set.day[i] + slack < state.from) { filter.from = set.day[i]; changes.push("dates"); }
          if (set.day[i] - slack > state.to) { filter.to = set.day[i]; changes.push("dates"); }
          if (!state.types[set.col.type[i]]) {
            filter.types = state.types.slice(); filter.types[set.col.type[i]] = true; changes.push("types");
          }
          api.setFilter(filter);
        }
        var map = IdlibMap.map;
        if (map && !map.hasLayer(layer)) { map.addLayer(layer); changes.push("layer"); }
        api.open(i);
        return { index: i, changes: changes };
      },
      eventId: function (i) { return eventId(set, i); },
      indexOf: function (id) {
        for (var i = 0; i < set.n; i++) { if (eventId(set, i) === id) { return i; } }
        return -1;
      },
      /* Show incident i as a user finds it: zoomed in, its own marker (fanned out of a stack
       * if need be), popup open. Returns that marker. */
      open: function (i) {
        var map = layer._map;
        map.setView([set.lat[i], set.lon[i]], map.getMaxZoom(), { animate: false });
        layer.redraw();
        var found = null;
        layer.eachLayer(function (m) { if (m.incidentIndex === i) { found = m; } });
        if (!found) {
          var zoom = map.getZoom(), cells = layer.cells(zoom, map.getBounds());
          cells.forEach(function (c) {
            var members = layer.members(c, zoom);
            if (members.indexOf(i) >= 0) {
              layer._spiderfy(members.length <= SPIDER_MAX ? members : [i], [c.lat / c.n, c.lon / c.n]);
            }
          });
          layer._spider.eachLayer(function (m) { if (m.incidentIndex === i) { found = m; } });
        }
        if (found) { found.openPopup(); }
        return found;
      },
      isoDay: function (days) { return isoDay(days, data.epoch); },
      dayOf: function (iso) { return dayOf(iso, data.epoch); }
    };
    layer.incidents = api;
    IdlibMap.incidentData = api;
    apply();
    if (options && options.name) { IdlibMap.layers[options.name] = layer; }
    return layer;
  }

  /* Incident density from the same filtered set. */
  function incidentHeat(_data, options) {
    var source = IdlibMap.incidentData;
    var heat = L.heatLayer([], { radius: 18, blur: 15, maxZoom: 12, minOpacity: 0.3 });
    // Built only while the heat map is shown: it is off by default and costs a pass per change.
    function update(state) {
      if (!heat._map) { return; }
      var points = new Array(state.visible.length);
      for (var k = 0; k < points.length; k++) {
        var i = state.visible[k];
        points[k] = [source.set.lat[i], source.set.lon[i], 1];
      }
      heat.setLatLngs(points);
    }
    source.onChange(update);
    heat.on("add", function () { update(source.state); });
    if (options && options.name) { IdlibMap.layers[options.name] = heat; }
    return heat;
  }

  IdlibMap.incidents = incidents;
  IdlibMap.incidentHeat = incidentHeat;
  IdlibMap.unpack = unpack;
})(window.IdlibMap);
