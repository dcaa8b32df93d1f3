/* Client-side builders for the Idlib map's data layers.
 *
 * Layers arrive as GeoJSON with plain-data properties; popups, tooltips and the legend are
 * built here with DOM nodes and textContent, so no text from the data is ever parsed as HTML.
 * Links are created only for http(s) URLs and open in a new tab without an opener.
 */
(function (global) {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
  }

  /* A popup from {title, rows: [[label, value], ...], link: {href, text}, note}. */
  function popupContent(popup) {
    var root = el("div", "idlib-popup");
    root.appendChild(el("div", "idlib-popup-title", popup.title));
    var table = el("table", "idlib-popup-rows");
    (popup.rows || []).forEach(function (row) {
      if (row[1] === null || row[1] === undefined || row[1] === "") { return; }
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      tr.appendChild(el("td", null, row[1]));
      table.appendChild(tr);
    });
    root.appendChild(table);
    if (popup.note) { root.appendChild(el("div", "idlib-popup-note", popup.note)); }
    var links = popup.links || [];
    links.forEach(function (link) {
      var href = safeHref(link.href);
      var line = el("div", "idlib-popup-source");
      if (href) {
        var a = el("a", null, link.text || href);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        line.appendChild(a);
      } else {
        line.textContent = link.text || "";
      }
      root.appendChild(line);
    });
    return root;
  }

  function bindText(layer, props, options) {
    if (props.popup) {
      layer.bindPopup(function () { return popupContent(props.popup); }, { maxWidth: 340, autoPanPaddingTopLeft: [10, 150] });
    }
    if (props.label) {
      // Labels shown from a zoom level are drawn by IdlibMap.zoomLabels as plain div markers;
      // the feature itself keeps a hover tooltip.
      var permanent = props.minZoom === undefined && Boolean(options.permanentLabels);
      if (props.minZoom !== undefined) { layer.labelMinZoom = props.minZoom; layer.labelText = props.label; }
      layer.bindTooltip(el("span", null, props.label), {
        permanent: permanent,
        direction: permanent ? "right" : "auto",
        className: permanent ? "idlib-label" : "",
        offset: permanent ? [6, 0] : [0, 0]
      });
    }
  }

  var registry = {};

  function register(options, layer) {
    if (options.name) { registry[options.name] = layer; }
    return layer;
  }

  /* Points drawn as circle markers; style per feature in properties.style. */
  function points(data, options) {
    options = options || {};
    return register(options, L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, feature.properties.style || options.style || {});
      },
      onEachFeature: function (feature, layer) { bindText(layer, feature.properties, options); }
    }));
  }

  /* Lines and polygons; style per feature in properties.style. */
  function shapes(data, options) {
    options = options || {};
    return register(options, L.geoJSON(data, {
      pane: options.pane || "overlayPane",
      style: function (feature) { return feature.properties.style || options.style || {}; },
      onEachFeature: function (feature, layer) { bindText(layer, feature.properties, options); }
    }));
  }

  /* An analyst's layer (layers/user_layers.py): points as circles, lines, polygons. A
   * feature with validFrom/validTo (ISO days) is shown only while the incident filter's end
   * date lies between them, both days included; an empty date leaves that end open. */
  function userLayer(data, options) {
    options = options || {};
    var group = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, feature.properties.style); },
      style: function (feature) { return feature.properties.style; },
      onEachFeature: function (feature, layer) { bindText(layer, feature.properties, options); }
    });
    var members = group.getLayers();
    function update(state) {
      var data = api.incidentData, end = data && data.set.n ? data.isoDay(state.to) : null;
      members.forEach(function (layer) {
        var p = layer.feature.properties;
        var valid = end === null || ((!p.validFrom || p.validFrom <= end) && (!p.validTo || end <= p.validTo));
        if (valid && !group.hasLayer(layer)) { group.addLayer(layer); }
        if (!valid && group.hasLayer(layer)) { group.removeLayer(layer); }
      });
      group.shownOn = end;
    }
    if (options.dated && api.incidentData) {
      var days = [];
      members.forEach(function (layer) {
        var p = layer.feature.properties;
        [p.validFrom, p.validTo].forEach(function (iso) { if (iso) { days.push(api.incidentData.dayOf(iso)); } });
      });
      if (days.length && api.incidentData.set.n) {
        api.incidentData.extendRange(Math.min.apply(null, days), Math.max.apply(null, days));
      }
      api.incidentData.onChange(update);
      update(api.incidentData.state);
    }
    return register(options, group);
  }

  /* A legend control from [{label, color, fill, shape, layer}] entries and notes. */
  function legend(map, title, entries, notes) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", "idlib-legend leaflet-bar");
      box.appendChild(el("div", "idlib-legend-title", title));
      entries.forEach(function (entry) {
        var row = el("div", "idlib-legend-row");
        if (entry.layer) { row.dataset.layer = entry.layer; }
        var shape = entry.shape || "box", swatch;
        if (shape === "note") {
          row.className += " idlib-legend-note-row";
          row.appendChild(el("span", null, entry.label));
          box.appendChild(row);
          return;
        }
        if (shape.indexOf("inc-") === 0) {
          swatch = el("span", "idlib-inc idlib-" + shape + " idlib-swatch-inline" + (entry.hollow ? " idlib-inc-hollow" : ""));
          var dot = el("span"); dot.style.background = entry.color; swatch.appendChild(dot);
        } else {
          swatch = el("span", "idlib-swatch idlib-swatch-" + shape);
          swatch.style.background = entry.fill || entry.color;
          swatch.style.borderColor = entry.color;
        }
        row.appendChild(swatch);
        row.appendChild(el("span", null, entry.label));
        box.appendChild(row);
      });
      (notes || []).forEach(function (note) { box.appendChild(el("div", "idlib-legend-note", note)); });
      return box;
    };
    return control.addTo(map);
  }

  /* Add plain-text attributions (escaped here) to the map's attribution control. */
  function attribution(map, texts) {
    texts.forEach(function (text) {
      map.attributionControl.addAttribution(el("span", null, text).outerHTML);
    });
  }

  /* The page's map and its data layers by name, for scripts and tests. */
  var api = { points: points, shapes: shapes, userLayer: userLayer, legend: legend,
              attribution: attribution, popupContent: popupContent, layers: registry, map: null,
              el: el, registerLayer: register };
  /* The data of a layer, from its JSON block in the page (layers/clientside.py). */
  api.pageData = function (id) {
    return JSON.parse(document.getElementById(id).textContent);
  };
  /* The given [[south, west], [north, east]] extended to every incident. */
  api.viewBounds = function (bounds) {
    var out = L.latLngBounds(bounds), incidents = api.incidentData;
    if (incidents && incidents.set.n) { out.extend(incidents.set.bounds); }
    return out;
  };
  api.setMap = function (map) {
    api.map = map;
    // The map starts without a view (layers/compose.py) and the page's last steps fit it. Should
    // a layer's script fail before that, the map still opens, at the corridor, once the
    // page's script has stopped.
    setTimeout(function () { if (!map._loaded) { map.setView(map.options.center, 10); } }, 0);
    // Base-map vectors (the offline OCHA base) draw below every overlay.
    map.createPane("idlibBase").style.zIndex = 250;
    // Place labels sit above the shapes and below the markers, which stay clickable.
    var labels = map.createPane("idlibLabels");
    labels.style.zIndex = 450;
    labels.style.pointerEvents = "none";
  };
  global.IdlibMap = api;
})(window);
