/* DOM helpers of the staff console: building elements and tables from server data, always as text. */
(function () {
  "use strict";

  /** An element: attrs may hold class, text, on<event> handlers and plain attributes; kids are nodes or strings. */
  function h(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (value == null || value === false) return;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else if (name.slice(0, 2) === "on") node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : value);
    });
    [].concat(kids == null ? [] : kids).forEach(function (kid) {
      if (kid == null || kid === false) return;
      node.appendChild(typeof kid === "object" ? kid : document.createTextNode(String(kid)));
    });
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function when(iso) { return iso ? String(iso).slice(0, 16).replace("T", " ") + " UTC" : "—"; }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function table(caption, headers, rows, cells) {
    return h("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
      h("table", null, [
        h("caption", { class: "visually-hidden", text: caption }),
        h("thead", null, h("tr", null, headers.map(function (name) { return h("th", { scope: "col", text: name }); }))),
        h("tbody", null, rows.map(function (row) { return cells(row); }))
      ]));
  }
  function td(value, cls) {
    return h("td", { class: cls }, typeof value === "object" && value !== null ? value : String(value == null ? "—" : value));
  }
  function list(items) {
    return h("ul", { class: "plain" }, (items || []).map(function (item) { return h("li", { text: item }); }));
  }
  function yesNo(value) { return h("span", { class: "pill " + (value ? "pill-ok" : "pill-no"), text: value ? "yes" : "no" }); }
  function pair(kv) { return [h("dt", { text: kv[0] }), h("dd", { text: kv[1] == null || kv[1] === "" ? "—" : String(kv[1]) })]; }
  function flat(all, items) { return all.concat(items); }

  window.StaffDom = { h: h, clear: clear, when: when, plural: plural, table: table, td: td, list: list,
                      yesNo: yesNo, pair: pair, flat: flat };
})();
