/* The staff console's Stats tab: what the assistant did over a range of days (GET /api/v1/stats), as
   figures, SVG charts whose numbers are also in tables, and CSV downloads. It registers itself as
   window.StaffTabs.stats; staff.js calls its load(context) with the API and the chosen tenant.
   Everything from the server is set as text. */
(function () {
  "use strict";
  var D = window.StaffDom, C = window.StaffCharts;
  var h = D.h, clear = D.clear, td = D.td;
  var $ = function (selector) { return document.querySelector(selector); };
  var fromInput = $("#stats-from"), toInput = $("#stats-to"), bySelect = $("#stats-by"), view = $("#view-stats");
  var OUTCOMES = [  // how the messages were answered, bottom of a column to top
    { key: "answered", name: "Answered", cls: "is-answered" },
    { key: "clarified", name: "Clarified", cls: "is-clarified" },
    { key: "fallen_back", name: "Fallen back", cls: "is-fallback" },
    { key: "other", name: "Other", cls: "is-other" }
  ];
  var LANGUAGES = { fr: "French", en: "English", es: "Spanish" };
  var state = { context: null, data: null, tenant: "", seq: 0, charts: [], width: 0 };

  // -- words and numbers --------------------------------------------------------------------------------

  function day(iso, withYear) {
    var parts = String(iso).split("-").map(Number);
    return new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])).toLocaleDateString("en-GB",
      { day: "numeric", month: "short", year: withYear ? "numeric" : undefined, timeZone: "UTC" });
  }
  function span(period) { return period.start === period.end ? day(period.start) : day(period.start) + "–" + day(period.end); }
  function percent(share) { return share == null ? "—" : (Math.round(share * 1000) / 10).toLocaleString("en") + " %"; }
  function count(n) { return Number(n || 0).toLocaleString("en"); }
  function words(key) { var text = String(key).replace(/_/g, " "); return text.charAt(0).toUpperCase() + text.slice(1); }
  /** D.table's table in a frame of its own: these stay tables on a phone (few columns, or a frame that
      scrolls sideways), where the other tabs' rows become cards. */
  function statsTable(caption, headers) {
    var wrap = D.table(caption, headers);
    wrap.className = "stats-table";
    return wrap;
  }
  /** A count with its bar, ``fraction`` of the largest: the figure first, aligned with the others. */
  function counted(n, fraction) {
    return h("span", { class: "share" }, [h("span", { class: "share-figure", text: count(n) }), C.bar(fraction)]);
  }
  function per(data) { return data.by === "week" ? "week" : "day"; }
  function scope(data) {
    return data.tenants.length === 1 ? state.context.tenantName(data.tenants[0])
      : data.tenants.length ? "All tenants" : "No tenant";
  }

  // -- loading ------------------------------------------------------------------------------------------

  /** The numbers for the context's tenant over the form's days (the server's last 30 days at first). */
  function load(context) {
    var seq = ++state.seq, params = new URLSearchParams({ by: bySelect.value });
    state.context = context;
    if (fromInput.value) params.set("from", fromInput.value);
    if (toInput.value) params.set("to", toInput.value);
    if (context.tenant) params.set("tenant", context.tenant);
    context.setStatus(context.status, "Loading…");
    context.api("stats?" + params.toString()).then(function (data) {
      if (seq !== state.seq) return;  // a newer load replaces this one
      state.data = data;
      state.tenant = context.tenant;
      fromInput.value = data.from;
      toInput.value = data.to;
      render(data);
      context.setStatus(context.status, scope(data) + ", " + day(data.from, true) + " to " + day(data.to, true) +
        ", a row a " + per(data) + ".");
    }, function (error) {
      if (seq !== state.seq || (error && (error.auth || error.aborted))) return;
      var shown = state.data ? " The numbers below are still those of " + day(state.data.from, true) + " to " +
        day(state.data.to, true) + "." : "";
      context.setStatus(context.status, ((error && error.message) || "Something went wrong.") + shown, true);
    });
  }
  function reload(event) {
    if (event) event.preventDefault();
    if (state.context) load(state.context);
  }
  // The days are read when "Show" is pressed (a date typed digit by digit passes through years like
  // 0002); a row a day or a week is shown at once.
  $("#stats-form").addEventListener("submit", reload);
  bySelect.addEventListener("change", reload);

  // -- CSV ----------------------------------------------------------------------------------------------

  /** One table of the numbers shown, as a CSV file: fetched with the token, saved from a Blob. */
  function download(table, button) {
    var data = state.data, context = state.context;
    if (!data) return;
    var params = new URLSearchParams({ from: data.from, to: data.to, by: data.by, format: "csv", table: table });
    if (state.tenant) params.set("tenant", state.tenant);
    var name = ["stats", state.tenant || "all", data.from, data.to, table].join("-") + ".csv";
    button.disabled = true;
    fetch("/api/v1/stats?" + params.toString(), { headers: { Authorization: "Bearer " + context.token() } })
      .then(function (response) {
        if (response.status === 401) { context.signOut("The token was refused. Please sign in again."); return null; }
        if (!response.ok) throw new Error("The server answered " + response.status + ".");
        return response.blob();
      })
      .then(function (blob) {
        if (!blob) return;
        var url = URL.createObjectURL(blob), link = h("a", { href: url, download: name, class: "offscreen" });
        document.body.appendChild(link);
        link.click();
        document.body.removeChild(link);
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
        context.setStatus(context.status, name + " downloaded.");
      }, function (error) {
        context.setStatus(context.status, error && error.message ? error.message
          : "The server cannot be reached. Check the connection and try again.", true);
      })
      .then(function () { button.disabled = false; });
  }
  function csvButton(table, label) {
    var button = h("button", { type: "button", class: "btn btn-quiet btn-small staff-stats-csv", "data-table": table,
                               text: label });
    button.addEventListener("click", function () { download(table, button); });
    return button;
  }

  // -- the view -----------------------------------------------------------------------------------------

  function render(data) {
    clear(view);
    state.charts = [];
    view.appendChild(figures(data.totals));
    view.appendChild(outcomes(data));
    view.appendChild(conversations(data));
    view.appendChild(h("div", { class: "stats-pair" }, [
      shares("Requests by kind", "Kind", "Requests", data.totals.requests_by_kind, words, "No request in this range."),
      shares("Languages", "Language", "Messages", data.totals.languages, function (code) {
        return (LANGUAGES[code] || code.toUpperCase()) + " (" + code.toUpperCase() + ")";
      }, "No message in this range.")
    ]));
    view.appendChild(topEntries(data));
    view.appendChild(topUnanswered(data));
    drawCharts();
  }

  function figures(t) {
    var items = [
      ["Conversations", count(t.conversations), "begun in the range"],
      ["Messages", count(t.messages), "from visitors"],
      ["Answered", percent(t.answered_share), count(t.answered) + " messages"],
      ["Clarified", percent(t.clarified_share), count(t.clarified) + " messages"],
      ["Fallen back", percent(t.fallen_back_share), count(t.fallen_back) + " messages"],
      ["Helpful", percent(t.helpful_rate), count(t.helpful) + " of " + D.plural(t.votes, "vote")],
      ["Requests", count(t.requests), "to the back ends"]
    ];
    return h("dl", { class: "stats-figures" }, items.map(function (item) {
      return h("div", { class: "stats-figure" }, [h("dt", { text: item[0] }), h("dd", null, [
        h("span", { class: "stats-value", text: item[1] }), h("span", { class: "stats-note", text: item[2] })])]);
    }));
  }

  /** A titled block: heading, the chart's box, a legend, and the numbers in a table. */
  function block(title, kids) {
    return h("section", { class: "stats-block" }, [h("h3", { text: title })].concat(kids));
  }
  function chart(spec) {
    var host = h("div", { class: "chart-box" });
    state.charts.push({ host: host, spec: spec });
    return host;
  }
  function drawCharts() {
    state.width = view.clientWidth;
    state.charts.forEach(function (c) { C.columns(clear(c.host), c.spec); });
  }

  function outcomes(data) {
    var periods = data.periods, t = data.totals;
    var spec = {
      label: "Messages per " + per(data) + ", by how they were answered: " + OUTCOMES.map(function (o) {
        return o.name.toLowerCase() + " " + count(t[o.key]);
      }).join(", ") + ", of " + count(t.messages) + ". The table below holds each " + per(data) + "'s numbers.",
      periods: periods.map(function (p) { return day(p.start); }),
      tips: periods.map(function (p) {
        return span(p) + ": " + D.plural(p.messages, "message") + " — " + OUTCOMES.map(function (o) {
          return count(p[o.key]) + " " + o.name.toLowerCase();
        }).join(", ");
      }),
      series: OUTCOMES.map(function (o) {
        return { cls: o.cls, values: periods.map(function (p) { return p[o.key]; }) };
      })
    };
    var legend = h("ul", { class: "legend" }, OUTCOMES.map(function (o) {
      return h("li", null, [h("span", { class: "swatch " + o.cls, "aria-hidden": "true" }),
        o.name + " " + percent(t[o.key + "_share"])]);
    }));
    var none = t.messages ? null : h("p", { class: "muted", text: "No visitor wrote in this range: every " + per(data) +
      " is at zero." });
    return block("Messages per " + per(data) + ", by outcome", [none, chart(spec), legend, partialWeeks(data), periodTable(data),
      h("p", { class: "stats-actions" }, csvButton("periods", "Download CSV: a row a " + per(data)))]);
  }

  function conversations(data) {
    var periods = data.periods;
    var spec = {
      label: "Conversations begun per " + per(data) + ": " + count(data.totals.conversations) + " in all.",
      periods: periods.map(function (p) { return day(p.start); }),
      tips: periods.map(function (p) { return span(p) + ": " + D.plural(p.conversations, "conversation"); }),
      series: [{ cls: "is-conversations", values: periods.map(function (p) { return p.conversations; }) }]
    };
    return block("Conversations per " + per(data), [chart(spec)]);
  }

  /** Weeks cut by the range hold fewer days, and their columns are shorter for it: said under the chart. */
  function partialWeeks(data) {
    var cut = data.by === "week" ? data.periods.filter(function (p) {
      return (Date.parse(p.end) - Date.parse(p.start)) / 86400000 < 6;
    }) : [];
    if (!cut.length) return null;
    return h("p", { class: "muted small stats-note-line", text: "Weeks run Monday to Sunday; " +
      cut.map(span).join(" and ") + " " + (cut.length > 1 ? "are" : "is") + " only the part inside the range." });
  }

  /** Each period's numbers, folded away under the chart (what a screen reader reads instead of it). */
  function periodTable(data) {
    var table = statsTable("Numbers per " + per(data), [data.by === "week" ? "Week" : "Day", "Conversations", "Messages",
      "Answered", "Clarified", "Fallen back", "Other", "Helpful votes", "Requests"]);
    data.periods.forEach(function (p) {
      D.addRow(table.querySelector("tbody"), h("tr", null, [
        td(span(p), "nowrap"), td(count(p.conversations), "num"), td(count(p.messages), "num"),
        td(count(p.answered), "num"), td(count(p.clarified), "num"), td(count(p.fallen_back), "num"),
        td(count(p.other), "num"), td(count(p.helpful) + " / " + count(p.votes), "num"), td(count(p.requests), "num")
      ]));
    });
    return h("details", { class: "stats-numbers" }, [
      h("summary", { text: "The numbers, a row a " + per(data) }),
      table
    ]);
  }

  /** Counts by key (a kind, a language) with each one's share of their sum. */
  function shares(title, keyName, countName, counts, name, empty) {
    var keys = Object.keys(counts || {}), sum = keys.reduce(function (s, k) { return s + counts[k]; }, 0);
    if (!sum) return block(title, [h("p", { class: "muted", text: empty })]);
    var table = statsTable(title, [keyName, countName, "Share"]);
    keys.sort(function (a, b) { return counts[b] - counts[a]; }).forEach(function (key) {
      D.addRow(table.querySelector("tbody"), h("tr", null, [
        td(name(key)), td(count(counts[key]), "num"),
        td(h("span", { class: "share" }, [h("span", { class: "share-figure", text: percent(counts[key] / sum) }),
                                         C.bar(counts[key] / sum)]), "bar")
      ]));
    });
    return block(title, [table]);
  }

  function topEntries(data) {
    var rows = data.top_entries, many = data.tenants.length > 1;
    if (!rows.length) return block("Entries answered most", [h("p", { class: "muted", text: "No answer in this range." })]);
    var most = rows[0].count, table = statsTable("Entries answered most", ["Entry", "Answers"]);
    rows.forEach(function (row) {
      D.addRow(table.querySelector("tbody"), h("tr", null, [
        td(h("span", null, [h("span", { class: "entry-question", text: row.question || row.entry }),
                           h("code", { class: "entry-id", text: row.tenant + "." + row.entry }),
                           many ? h("span", { class: "stats-tenant", text: state.context.tenantName(row.tenant) }) : null])),
        td(counted(row.count, row.count / most), "bar")
      ]));
    });
    return block("Entries answered most", [table, h("p", { class: "stats-actions" }, csvButton("entries", "Download CSV: top entries"))]);
  }

  function topUnanswered(data) {
    var rows = data.top_unanswered, many = data.tenants.length > 1;
    if (!rows.length) {
      return block("Questions left unanswered most", [h("p", { class: "muted", text: "No unanswered question in this range." })]);
    }
    var most = rows[0].count;
    var table = statsTable("Questions left unanswered most", ["Question", "Asked", "Last asked"]);
    rows.forEach(function (row) {
      D.addRow(table.querySelector("tbody"), h("tr", null, [
        td(h("span", null, [h("span", { class: "unanswered-question", text: row.question }),
                           many ? h("span", { class: "stats-tenant", text: state.context.tenantName(row.tenant) }) : null])),
        td(counted(row.count, row.count / most), "bar"), td(D.stamp(row.last), "last")
      ]));
    });
    return block("Questions left unanswered most", [table, h("p", { class: "stats-actions" }, csvButton("unanswered", "Download CSV: top questions"))]);
  }

  // Charts are drawn at their box's width: drawn again when it changes (a phone turned, a window resized).
  var timer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (state.data && !view.closest("[hidden]") && view.clientWidth !== state.width) drawCharts();
    }, 150);
  });

  window.StaffTabs = window.StaffTabs || {};
  window.StaffTabs.stats = { load: load };
})();
