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
  /** when(iso) as its date and its time, each kept on one line when the column is narrow. */
  function stamp(iso) {
    var text = when(iso), at = text.indexOf(" ");
    return at < 0 ? text : h("span", null, [h("span", { class: "nowrap", text: text.slice(0, at) }), " ",
                                           h("span", { class: "nowrap", text: text.slice(at + 1) })]);
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /** An empty table (in a frame that scrolls) with its caption and column headings; rows go in with addRow. */
  function table(caption, headers) {
    return h("div", { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
      h("table", null, [
        h("caption", { class: "visually-hidden", text: caption }),
        h("thead", null, h("tr", null, headers.map(function (name) { return h("th", { scope: "col", text: name }); }))),
        h("tbody")
      ]));
  }
  /** A row appended to a table's body: each cell labelled with its column's heading (read on a phone,
      where rows are cards), and a heading aligned as its column's numbers are. */
  function addRow(tbody, tr) {
    var heads = tbody.parentNode.tHead.rows[0].cells;
    [].forEach.call(tr.cells, function (cell, i) {
      if (!heads[i]) return;
      cell.setAttribute("data-label", heads[i].textContent);
      if (cell.classList.contains("num")) heads[i].classList.add("num");
    });
    return tbody.appendChild(tr);
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
  /** A source as a person reads it: its title (else document — section — question), a link when its
      url is a web address (http or https, never javascript: or data:). */
  function source(src) {
    var text = src.title || [src.document, src.section, src.question].filter(Boolean).join(" — ");
    if (typeof src.url !== "string" || !/^https?:\/\//i.test(src.url)) return document.createTextNode(text);
    return h("a", { href: src.url, target: "_blank", rel: "noopener noreferrer", text: text });
  }

  /** Copy text to the clipboard (a hidden text area where the Clipboard API is unavailable); then
      focus ``focusBack``. */
  function copy(text, focusBack) {
    function fallback() {
      var area = h("textarea", { readonly: true, "aria-hidden": "true", class: "offscreen" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (focusBack) focusBack.focus();
      return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
    }
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text).catch(fallback);
    return fallback();
  }

  window.StaffDom = { h: h, clear: clear, when: when, stamp: stamp, plural: plural, table: table, td: td, list: list,
                      yesNo: yesNo, pair: pair, flat: flat, source: source, addRow: addRow, copy: copy };
})();
