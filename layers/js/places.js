/* Places: markers by zoom from columns, and a search box that matches like the geocoder.
 *
 * The name keys below are geo/names.py written again in JavaScript (exact, normal, phonetic
 * and skeleton keys, the query readings, one-slip typos); tests/browser/test_place_search.py
 * runs them on every gazetteer name in Chromium and compares them with Python's.
 */
(function (IdlibMap) {
  "use strict";
  var el = IdlibMap.el;

  // ---- geo/names.py ------------------------------------------------------------------
  var ARABIC_LETTER = /[\u0621-\u064A\u0671-\u06D3]/;
  var ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
  var ARABIC_MAP = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": "" };
  var APOSTROPHES = /['\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4\u2032\u02b9\u2035]/g;
  var NON_WORD = /[^\p{L}\p{N}_]+/gu;
  var CONTROL = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
  var TURKISH_MARKERS = /[ıİğĞ]/;
  var TURKISH_MAP = { "ş": "sh", "Ş": "Sh", "ç": "ch", "Ç": "Ch", "c": "j", "C": "J", "ğ": "gh", "Ğ": "Gh", "ı": "i", "İ": "I" };
  var ARTICLES = new Set(["al", "el", "il", "ul", "a", "as", "ash", "ad", "adh", "ar", "at", "ath",
    "az", "an", "es", "esh", "ed", "er", "et", "ez", "en", "i"]);
  var GENERIC_WORDS = {
    kafr: ["kafr", "kfar", "kafer", "kefer", "kfr", "kefr", "kafar", "kfer", "kufr", "kefir"],
    ain: ["ain", "ayn", "ein", "ayin", "eyn", "ayn", "aine", "ayun", "uyun"],
    tal: ["tal", "tell", "tall", "tel", "til", "tel"],
    jabal: ["jabal", "jebel", "jabl", "jbel", "djebel", "jebal", "mount", "mt", "jabel", "cebel"],
    deir: ["deir", "dayr", "dair", "der", "deyr"],
    maarat: ["maarat", "maarrat", "maaret", "marat", "maarret", "marrat", "maarrit", "mearat"],
    sheikh: ["sheikh", "shaykh", "sheik", "shaikh", "sheykh", "shekh", "cheikh", "sheyh", "seyh"],
    khirbat: ["khirbat", "khirbet", "kherbet", "khirbeh", "khurbat", "kherbat"],
    beit: ["beit", "bayt", "bait", "beyt"],
    qalat: ["qalat", "qalaat", "kalaat", "qalaa", "kalat"],
    umm: ["umm", "um", "om", "omm"],
    abu: ["abu", "abou", "abo"],
    jisr: ["jisr", "jesr", "jsr", "cisr"],
    khan: ["khan", "han"],
    tahtani: ["tahtani", "tahtaniyah", "lower"],
    fawqani: ["fawqani", "fouqani", "fawqaniyah", "upper"]
  };
  var CANONICAL = {};
  Object.keys(GENERIC_WORDS).forEach(function (canon) {
    GENERIC_WORDS[canon].forEach(function (variant) { CANONICAL[variant] = canon; });
  });
  var GENERIC = new Set(Object.keys(GENERIC_WORDS).concat(["nahr", "sahl", "wadi", "tall", "ras",
    "bab", "burj", "mazraat", "qasr", "hamam", "zor", "sabil"]));
  var END = "(?![\\p{L}\\p{N}_])";
  var CONSONANT_RULES = [
    [new RegExp("(?<![aeiou])i(?:yah|yeh|ya|ye|ah|eh|a)" + END, "gu"), "Y"],
    [new RegExp("(?<=[a-z])[ae]h" + END, "gu"), "a"],
    [/kh/g, "h"], [/gh/g, "g"], [/dh|th(?=[aeiou])/g, "z"], [/th/g, "t"], [/sch|sh|ch/g, "s"],
    [/ph/g, "f"], [/[qgck]/g, "k"], [/v/g, "w"], [/p/g, "b"], [/mb/g, "nb"]
  ];
  var VOWEL_RULES = [[/ou|oo|aw|ow|o/g, "u"], [/ee|ei|ey|ie|e/g, "i"], [/(?<=.)y/gu, "i"]];
  var VOWELS = /[aeiouwyY]/g;
  var DOUBLED = /(.)\1+/gu;

  function isArabic(text) { return ARABIC_LETTER.test(text); }
  function splitWords(text) { return text.split(/\s+/).filter(Boolean); }
  function clean(text) { return splitWords(String(text).replace(CONTROL, " ")).join(" "); }
  function translate(text, table) {
    return Array.from(text).map(function (ch) { return table[ch] !== undefined ? table[ch] : ch; }).join("");
  }
  function words(text) { return splitWords(text.replace(NON_WORD, " ").replace(/_/g, " ")).join(" "); }

  function foldLatin(text) {
    text = clean(text);
    if (TURKISH_MARKERS.test(text)) { text = translate(text, TURKISH_MAP); }
    text = text.toLowerCase().replace(/ß/g, "ss").replace(APOSTROPHES, "");
    text = text.normalize("NFKD").replace(/\p{Mn}/gu, "");
    return words(text);
  }
  function foldArabic(text) { return words(translate(clean(text).replace(ARABIC_MARKS, ""), ARABIC_MAP)); }
  function exactKey(text) { return isArabic(text) ? foldArabic(text) : foldLatin(text); }

  function normalKey(text) {
    if (isArabic(text)) {
      return splitWords(foldArabic(text)).map(function (w) {
        return w.indexOf("ال") === 0 && w.length > 3 ? w.slice(2) : w;
      }).map(function (w) {
        return w.indexOf("وال") === 0 && w.length > 4 ? w.slice(3) : w;
      }).join(" ");
    }
    var all = splitWords(foldLatin(text));
    var kept = all.filter(function (w) { return !ARTICLES.has(w); });
    if (!kept.length) { kept = all; }
    return kept.map(function (w) { return CANONICAL[w] || w; }).join(" ");
  }
  function mergeConsonants(word) {
    CONSONANT_RULES.forEach(function (rule) { word = word.replace(rule[0], rule[1]); });
    return word;
  }
  function skeletonOfNormal(norm) {
    var parts = splitWords(norm);
    if (isArabic(norm)) { return parts.join(""); }
    return parts.map(function (word) {
      var merged = mergeConsonants(word);
      var head = Array.from(merged)[0] || "", tail = merged.slice(head.length).replace(VOWELS, "");
      return ("aeiou".indexOf(head) >= 0 && head ? "a" : head) + tail + (/Y$/.test(merged) ? "Y" : "");
    }).join("").replace(DOUBLED, "$1");
  }
  function phoneticOfNormal(norm) {
    if (isArabic(norm)) { return norm; }
    return splitWords(norm).map(function (word) {
      var merged = mergeConsonants(word);
      VOWEL_RULES.forEach(function (rule) { merged = merged.replace(rule[0], rule[1]); });
      return merged.replace(DOUBLED, "$1");
    }).join(" ");
  }
  function distinctive(norm) {
    return splitWords(norm).filter(function (w) { return !GENERIC.has(w); }).join(" ");
  }
  var ARABIC_GENERIC = new Set(["كفر", "عين", "تل", "جبل", "دير", "معرة", "شيخ", "خربة", "بيت", "قلعة",
    "أم", "أبو", "جسر", "خان", "تحتاني", "فوقاني", "نهر", "سهل", "وادي", "رأس", "مزرعة"].map(foldArabic));
  function distinctivePhonetic(norm) {
    if (isArabic(norm)) {
      return splitWords(norm).filter(function (w) { return !ARABIC_GENERIC.has(w); }).join(" ");
    }
    return phoneticOfNormal(distinctive(norm));
  }
  /* [exact, normal, phonetic, skeleton] keys of a name, as geo.names computes them. */
  function keys(text) {
    var norm = normalKey(text);
    return [exactKey(text), norm, phoneticOfNormal(norm), skeletonOfNormal(norm)];
  }

  // Query readings (geo.names.query_readings).
  var TURKISH_QUERY_MARKERS = /[ıİğĞşŞçÇöÖüÜ]/;
  var TURKISH_SUFFIX = /['’](?:n?[iıuü]n|[dt][ae]n?|[dt][ae]ki|y?[ae]|y?[iıuü]|n?[ae]|l[ae]r[\p{L}\p{N}_]*)$/iu;
  var TURKISH_GLUED_ARTICLE = /^([\p{L}\p{N}_]+?[^aeiouıüö\P{L}])[uüie]([lnrstdzş])(?=\2)/iu;
  var TURKISH_FINAL_E = new RegExp("(?<=[^aeiouıüö\\P{L}])e" + END, "giu");
  var GLUED = new RegExp("^(kefer|kafer|kafr|kfar|kefr|maarret|maaret|maarat|deyr|deir|tel|tell|ain|ayn|cisr|" +
    "jisr|beit|beyt|umm|abu|ebu|kherbet|khirbat|hirbet|sheikh|seyh|şeyh)(?=[\\p{L}\\p{N}_]{3})", "iu");
  var ARABIC_PREFIXES = ["وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف", "ك"];
  var PLACE_WORDS = new Set(["city", "town", "village", "center", "centre", "downtown", "camp", "köyü",
    "kenti", "ilçesi", "beldesi", "şehri", "merkezi", "kampı", "مدينة", "بلدة", "قرية", "مركز", "مخيم"]);
  var G_FOR_J = /[gG](?![hH])/g;
  var INITIAL_C = /(?<![\p{L}\p{N}_])C(?![hH])/gu;
  /* -ian / -iyan read as the nisba -iyah (Yacoubian), as geo.names._IYAN_END. */
  var IYAN_END = /(?<=[\p{L}\p{N}_])(?<![aeiou])i?yan(?![\p{L}\p{N}_])|(?<=[\p{L}\p{N}_])(?<![aeiouy])ian(?![\p{L}\p{N}_])/giu;

  function looksTurkish(text) { return TURKISH_QUERY_MARKERS.test(text) || TURKISH_SUFFIX.test(text.trim()); }
  function readings(text) {
    var out = [];
    text = clean(text);
    if (looksTurkish(text)) {
      var base = text.replace(TURKISH_SUFFIX, "");
      out.push([base, 0.99]);
      var turkish = splitWords(translate(base, TURKISH_MAP)).map(function (w) {
        return w.replace(TURKISH_GLUED_ARTICLE, "$1 ");
      }).join(" ");
      out.push([turkish.replace(TURKISH_FINAL_E, "ah"), 0.98]);
    }
    var typed = text.replace(/(?<=[a-z])I|(?<=[A-Za-z])1/g, "l").replace(/\bAI\b|\bAI(?=-)/g, "Al");
    if (typed !== text) { out.push([typed, 0.97]); }
    [[text, 1.0]].concat(out).forEach(function (form) {
      var ws = splitWords(form[0]), glued = ws.map(function (w) { return w.replace(GLUED, "$1 "); });
      if (glued.join(" ") !== ws.join(" ")) { out.push([glued.join(" ").replace(TURKISH_FINAL_E, "ah"), 0.97 * form[1]]); }
    });
    var all = splitWords(text), kept = all.filter(function (w) {
      var low = w.toLowerCase(); return !PLACE_WORDS.has(low) && low !== "of";
    });
    if (kept.length && kept.length < all.length) { out.push([kept.join(" "), 0.97]); }
    if (!isArabic(text)) {
      if (text.search(IYAN_END) >= 0) { out.push([text.replace(IYAN_END, "iyah"), 0.95]); }
      if (/[gG](?![hH])/.test(text)) { out.push([text.replace(G_FOR_J, function (m) { return m === "g" ? "j" : "J"; }), 0.95]); }
      if (/(?<![\p{L}\p{N}_])C(?![hH])/u.test(text)) { out.push([text.replace(INITIAL_C, "J"), 0.95]); }
      return out;
    }
    var word = foldArabic(text);
    if (/[اه]$/.test(word)) { out.push([word.slice(0, -1) + (/ا$/.test(word) ? "ه" : "ا"), 0.95]); }
    if (all.length === 1) {
      ARABIC_PREFIXES.forEach(function (prefix) {
        var rest = word.slice(prefix.length);
        if (word.indexOf(prefix) === 0 && rest.length >= 3) {
          out.push([/ال$/.test(prefix) ? "ال" + rest : rest, 0.95]);
        }
      });
    }
    return out;
  }
  /* One letter added or dropped, or two neighbours swapped (geo.geocode._one_slip). */
  function oneSlip(a, b) {
    a = a.replace(/ /g, ""); b = b.replace(/ /g, "");
    if (a === b || a[0] !== b[0] || /Y$/.test(a) !== /Y$/.test(b)) { return false; }
    var i = 0;
    if (Math.abs(a.length - b.length) === 1) {
      var longer = a.length > b.length ? a : b, shorter = a.length > b.length ? b : a;
      while (i < shorter.length && shorter[i] === longer[i]) { i++; }
      return shorter.slice(i) === longer.slice(i + 1);
    }
    if (a.length !== b.length) { return false; }
    while (i < a.length && a[i] === b[i]) { i++; }
    return i + 1 < a.length && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }

  // ---- the layer ---------------------------------------------------------------------
  function popupFor(data, i) {
    var lat = data.lat[i] / data.scale, lon = data.lon[i] / data.scale;
    return IdlibMap.popupContent({
      title: data.name[i],
      rows: [
        ["Arabic", data.ar[i]],
        ["Also written", data.names[i].split("|").join(", ")],
        ["Kind", data.kinds[data.kind[i]]],
        ["Admin area", data.admins[data.admin[i]]],
        ["Position", lat.toFixed(4) + ", " + lon.toFixed(4) + " (lat, lon)"],
        ["Precision", "± " + data.prec[i].toLocaleString("en") + " m"],
        ["GeoNames id", data.gn[i]],
        ["Sources", data.sources[data.src[i]]]
      ]
    });
  }

  /* The places layer: points appear from their zoom level, labels from theirs. */
  function places(data, options) {
    var group = L.featureGroup(), renderer = L.canvas({ padding: 0.3 }), markers = [];
    /* Place i's marker, made when first shown: most places appear only zoomed in. */
    function marker(i) {
      if (markers[i]) { return markers[i]; }
      var major = data.zoom[i] === 0 || data.label[i] <= data.seedZoom;
      var made = L.circleMarker([data.lat[i] / data.scale, data.lon[i] / data.scale],
        L.extend({ renderer: renderer }, major ? data.style.major : data.style.minor));
      made.placeIndex = i;
      made.pointMinZoom = data.zoom[i];
      made.labelMinZoom = data.label[i];
      made.labelText = data.name[i];
      made.bindPopup(function () { return popupFor(data, i); }, { maxWidth: 340, autoPanPaddingTopLeft: [10, 150] });
      made.bindTooltip(el("span", null, data.name[i]));
      return (markers[i] = made);
    }
    function update() {
      var map = group._map;
      if (!map) { return; }
      var zoom = map.getZoom();
      data.zoom.forEach(function (minZoom, i) {
        if (zoom >= minZoom) {
          if (!group.hasLayer(marker(i))) { group.addLayer(markers[i]); }
        } else if (markers[i] && group.hasLayer(markers[i])) {
          group.removeLayer(markers[i]);
        }
      });
    }
    group.on("add", function () { update(); group._map.on("zoomend", update); });
    /* The search index takes about a third of a second to build: it is built when first
       wanted (the search box warms it on focus), not before the first frame. */
    var index = null;
    group.places = {
      data: data, marker: marker, update: update,
      get index() { return index || (index = buildIndex(data)); }
    };
    IdlibMap.placeKeys = keys;
    IdlibMap.placeReadings = readings;
    IdlibMap.searchPlaces = function (query) { return search(group.places, query); };
    return IdlibMap.registerLayer(options, group);
  }

  function buildIndex(data) {
    var byKey = [new Map(), new Map(), new Map(), new Map()], phonetic = [], siblings = new Map(), qualified = new Map();
    var qualifiers = new Set(["tahtani", "fawqani"].map(function (w) { return phoneticOfNormal(normalKey(w)); }));
    function add(map, key, i) { var list = map.get(key); if (!list) { map.set(key, list = []); } if (list[list.length - 1] !== i) { list.push(i); } }
    data.id.forEach(function (id, i) {
      var names = [data.name[i]].concat(data.ar[i] ? [data.ar[i]] : [], data.names[i] ? data.names[i].split("|") : []);
      names.forEach(function (name) {
        var k = keys(name);
        if (!k[1]) { return; }
        for (var t = 0; t < 4; t++) { add(byKey[t], k[t], i); }
        phonetic.push([k[2], distinctivePhonetic(k[1]), k[3], i]);
        var ws = k[2].split(" ");  /* "X Tahtani" is also found as X (geocode's _add_qualified) */
        if (ws.length > 1 && qualifiers.has(ws[ws.length - 1])) { add(qualified, ws.slice(0, -1).join(" "), i); }
      });
      add(siblings, phoneticOfNormal(normalKey(data.name[i])), i);
      if (data.ar[i]) { add(siblings, normalKey(data.ar[i]), i); }
    });
    return { byKey: byKey, phonetic: phonetic, siblings: siblings, qualified: qualified };
  }

  var TIER_SCORE = [1.0, 0.93, 0.91, 0.85];
  /* Places a query may mean, best first: [{index, score, how}] (like Gazetteer.geocode). */
  function search(places, query) {
    var data = places.data, index = places.index, best = new Map(), text = clean(String(query || ""));
    if (!/\p{L}/u.test(text)) { return []; }
    function offer(i, score, how) { var had = best.get(i); if (!had || had.score < score) { best.set(i, { index: i, score: score, how: how }); } }
    var variants = [[text, 1.0]].concat(readings(text));
    variants.slice().forEach(function (v) { if (/dh/i.test(v[0])) { variants.push([v[0].replace(/dh/gi, "d"), v[1] * 0.98]); } });
    var sameName = false;
    variants.forEach(function (v) {
      var k = keys(v[0]);
      if (!k[1]) { return; }
      for (var t = 0; t < 4; t++) {
        (index.byKey[t].get(k[t]) || []).forEach(function (i) {
          if (t < 3) { sameName = true; }
          offer(i, TIER_SCORE[t] * v[1], t === 0 ? "exact" : t === 3 ? "skeleton" : "normalised");
        });
      }
    });
    if (!sameName) {
      variants.forEach(function (v) {
        var k = keys(v[0]), arabic = isArabic(k[1]), own = distinctivePhonetic(k[1]);
        var letters = arabic ? own.length : distinctive(k[1]).replace(/ /g, "").length;
        if (!own || letters < (arabic ? 4 : 6)) { return; }
        var key = arabic ? k[3] : k[2];
        index.phonetic.forEach(function (entry) {
          var other = arabic ? entry[2] : entry[0];
          if (Math.abs(other.length - key.length) <= 1 && oneSlip(key, other) && (arabic || (entry[1] && oneSlip(own, entry[1])))) {
            offer(entry[3], 0.86 * v[1], "typo");
          }
        });
      });
    }
    Array.from(best.values()).forEach(function (m) {
      if (m.score < 0.91) { return; }
      var i = m.index, sib = [phoneticOfNormal(normalKey(data.name[i]))].concat(data.ar[i] ? [normalKey(data.ar[i])] : []);
      sib.forEach(function (key) { (index.siblings.get(key) || []).forEach(function (j) { offer(j, m.score - 0.005, m.how); }); });
    });
    Array.from(best.values()).forEach(function (m) {
      if (m.score < 0.91) { return; }
      var key = phoneticOfNormal(normalKey(data.name[m.index]));
      (index.qualified.get(key) || []).forEach(function (j) { offer(j, m.score - 0.005, m.how); });
    });
    var exact = exactKey(text);
    if (exact.length >= 2) {
      index.byKey[0].forEach(function (list, key) {
        if (key.indexOf(exact) >= 0) { list.forEach(function (i) { offer(i, 0.7, "contains"); }); }
      });
    }
    return Array.from(best.values()).sort(function (a, b) {
      return b.score - a.score || data.name[a.index].localeCompare(data.name[b.index]) || a.index - b.index;
    });
  }

  /* The search box: lists every candidate (the geocoder's rules), never guesses one. */
  function placeSearch(map, layerName) {
    var layer = IdlibMap.layers[layerName], input, list;
    IdlibMap.control(map, "topleft", function () {
      var box = el("div", "idlib-search leaflet-bar");
      input = el("input"); input.type = "search"; input.placeholder = "Find a place (any spelling)…";
      input.setAttribute("aria-label", "Find a place");
      list = el("div", "idlib-search-results");
      box.appendChild(input); box.appendChild(list);
      return box;
    });
    input.addEventListener("focus", function () { return layer.places.index; });
    input.addEventListener("input", function () {
      list.textContent = "";
      if (clean(input.value).length < 2) { return; }
      var data = layer.places.data, found = search(layer.places, input.value).slice(0, 8);
      found.forEach(function (m) {
        var i = m.index, admin = data.admins[data.admin[i]];
        var item = el("button", "idlib-search-item", data.name[i] + (admin ? " — " + admin.split(", ")[0] : ""));
        item.type = "button";
        item.title = data.kinds[data.kind[i]] + (data.ar[i] ? " · " + data.ar[i] : "");
        item.addEventListener("click", function (event) {
          // The list is emptied below, which detaches this button: stop the click here so
          // the map does not take it for a click on itself (and close the popup).
          L.DomEvent.stop(event);
          if (!map.hasLayer(layer)) { map.addLayer(layer); }
          var marker = layer.places.marker(i);
          map.setView(marker.getLatLng(), Math.max(map.getZoom(), 12));
          layer.places.update();
          if (!layer.hasLayer(marker)) { layer.addLayer(marker); }
          marker.openPopup();
          list.textContent = "";
        });
        list.appendChild(item);
      });
      if (!found.length) { list.appendChild(el("div", "idlib-search-none", "no place found")); }
    });
  }

  IdlibMap.places = places;
  IdlibMap.placeSearch = placeSearch;
})(window.IdlibMap);
