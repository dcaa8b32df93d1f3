/* Incidents drawn client-side from compact columnar data, with filters, clusters and a heat map.
 *
 * The page holds every incident once, as parallel arrays (see layers/incidents.py for the
 * encoding). Markers are made for the incidents that pass the filters; popups and tooltips
 * are built on demand from the arrays with DOM nodes and textContent, never as HTML.
 * Time and type filters drive the clustered markers, the heat map and the count together.
 */
(function (IdlibMap) {
  "use strict";

  var DAY_MS = 86400000;

  function decode(data) {
    var n = data.n, lat = new Float64Array(n), lon = new Float64Array(n), day = new Int32Array(n);
    var accLat = 0, accLon = 0, accDay = 0;
    for (var i = 0; i < n; i++) {  // coordinates and days are delta-encoded in store order
      accLat += data.lat[i]; accLon += data.lon[i]; accDay += data.day[i];
      lat[i] = data.lat0 + accLat / data.scale;
      lon[i] = data.lon0 + accLon / data.scale;
      day[i] = accDay;
    }
    return { n: n, lat: lat, lon: lon, day: day, data: data };
  }

  function isoDay(days, epoch) {
    return new Date(epoch + days * DAY_MS).toISOString().slice(0, 10);
  }

  function dayOf(iso, epoch) {
    return Math.round((Date.parse(iso + "T00:00:00Z") - epoch) / DAY_MS);
  }

  function text(data, column, i) {
    var index = data[column][i];
    return index < 0 ? "" : data.strings[index];
  }

  function count(value) { return value < 0 ? "not reported" : String(value); }

  /* The popup of incident i as the plain data IdlibMap.popupContent expects. */
  function popupData(set, i) {
    var d = set.data, type = d.types[d.type[i]];
    var flags = d.flags[i], tp = flags % 3, gp = Math.floor(flags / 3) % 3;
    var side = Math.floor(flags / 9) % 4, certainty = Math.floor(flags / 36) % 3, phase = Math.floor(flags / 108);
    var actors = [text(d, "actor1", i), text(d, "actor2", i)].filter(Boolean).join(" vs ");
    var admin = text(d, "admin", i);
    return {
      title: type.label + " – " + text(d, "location", i),
      rows: [
        ["Date", isoDay(set.day[i], d.epoch) + d.timePrecision[tp]],
        ["Type", type.acled],
        ["Place", text(d, "location", i) + " (" + d.geoPrecision[gp] + ")"],
        ["Admin area", admin],
        ["Killed", count(d.killed[i])],
        ["Injured", count(d.injured[i])],
        ["Actors", actors],
        ["Corridor", d.sides[side] + "; inside: " + d.certainties[certainty]],
        ["Distance to M4", (d.dist[i] / 10).toFixed(1) + " km"],
        ["6 Mar 2020 ceasefire", d.phases[phase]],
        ["ID", text(d, "id", i)]
      ],
      note: text(d, "notes", i),
      links: [{ href: text(d, "url", i), text: "Source: " + text(d, "source", i) }]
    };
  }

  function tooltipNode(set, i) {
    var d = set.data, node = document.createElement("span");
    node.textContent = isoDay(set.day[i], d.epoch) + " · " + d.types[d.type[i]].label + " · " + text(d, "location", i);
    return node;
  }

  var iconCache = {};
  function iconFor(type, size) {
    var key = type.key + size;
    if (!iconCache[key]) {
      iconCache[key] = L.divIcon({
        className: "idlib-inc idlib-inc-" + type.key,
        iconSize: [size, size],
        html: "<span style=\"background:" + type.color + "\"></span>"  // fixed markup, no data
      });
    }
    return iconCache[key];
  }

  function markerSize(killed, injured) {
    var casualties = Math.max(killed, 0) + Math.max(injured, 0);
    return casualties >= 20 ? 22 : casualties >= 5 ? 18 : casualties >= 1 ? 15 : 12;
  }

  /* The incident layer: a cluster group whose content follows the shared filter state. */
  function incidents(data, options) {
    var set = decode(data);
    var group = L.markerClusterGroup({
      chunkedLoading: true, spiderfyOnMaxZoom: true, showCoverageOnHover: false,
      maxClusterRadius: 45
    });
    var markers = new Array(set.n);
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

    function marker(i) {
      if (!markers[i]) {
        var type = data.types[data.type[i]];
        var m = L.marker([set.lat[i], set.lon[i]], { icon: iconFor(type, markerSize(data.killed[i], data.injured[i])) });
        m.incidentIndex = i;
        markers[i] = m;
      }
      return markers[i];
    }

    function apply() {
      var visible = [];
      for (var i = 0; i < set.n; i++) {
        if (set.day[i] >= state.from && set.day[i] <= state.to && state.types[data.type[i]]) { visible.push(i); }
      }
      state.visible = visible;
      group.clearLayers();
      group.addLayers(visible.map(marker));
      listeners.forEach(function (fn) { fn(state); });
    }

    // Popups and tooltips are bound on first use, through the group's events: binding them
    // up front for every marker costs seconds at 100,000 incidents.
    function bindOnDemand(m) {
      if (!m.getPopup()) {
        var i = m.incidentIndex;
        m.bindPopup(function () { return IdlibMap.popupContent(popupData(set, i)); }, { maxWidth: 360 });
        m.bindTooltip(function () { return tooltipNode(set, i); }, { direction: "top" });
      }
      return m;
    }
    group.on("mouseover", function (e) { if (!e.layer.getTooltip()) { bindOnDemand(e.layer).openTooltip(); } });
    group.on("click", function (e) { if (!e.layer.getPopup()) { bindOnDemand(e.layer).openPopup(); } });

    var api = {
      set: set, state: state, group: group, bindOnDemand: bindOnDemand,
      setFilter: function (filter) {
        if (filter.from !== undefined) { state.from = Math.max(state.min, filter.from); }
        if (filter.to !== undefined) { state.to = Math.min(state.max, filter.to); }
        if (filter.types) { state.types = filter.types.slice(); }
        apply();
      },
      onChange: function (fn) { listeners.push(fn); },
      inView: function (bounds) {
        var inside = 0;
        state.visible.forEach(function (i) { if (bounds.contains([set.lat[i], set.lon[i]])) { inside++; } });
        return inside;
      },
      markerFor: function (i) { return bindOnDemand(marker(i)); },
      indexOf: function (id) {
        for (var i = 0; i < set.n; i++) { if (text(data, "id", i) === id) { return i; } }
        return -1;
      },
      isoDay: function (days) { return isoDay(days, data.epoch); },
      dayOf: function (iso) { return dayOf(iso, data.epoch); }
    };
    group.incidents = api;
    IdlibMap.incidentData = api;
    apply();
    if (options && options.name) { IdlibMap.layers[options.name] = group; }
    return group;
  }

  /* Incident density from the same filtered set. */
  function incidentHeat(_data, options) {
    var source = IdlibMap.incidentData;
    var heat = L.heatLayer([], { radius: 18, blur: 15, maxZoom: 12, minOpacity: 0.3 });
    function update(state) {
      heat.setLatLngs(state.visible.map(function (i) { return [source.set.lat[i], source.set.lon[i], 1]; }));
    }
    source.onChange(update);
    update(source.state);
    if (options && options.name) { IdlibMap.layers[options.name] = heat; }
    return heat;
  }

  IdlibMap.incidents = incidents;
  IdlibMap.incidentHeat = incidentHeat;
  IdlibMap.incidentPopupData = popupData;
})(window.IdlibMap);
