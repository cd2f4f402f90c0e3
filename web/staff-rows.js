/* How the staff console shows the back office's rows and a request's detail: elements built from
   server data, always as text. ``tenantName(id)`` gives a tenant's name. */
(function () {
  "use strict";
  var D = window.StaffDom;
  var h = D.h, when = D.when, plural = D.plural, td = D.td, list = D.list, yesNo = D.yesNo, pair = D.pair,
      flat = D.flat;

  function unansweredRow(row, tenantName) {
    return h("tr", { "data-group": row.id }, [
      td(row.count, "num"), td(tenantName(row.tenant)), td(row.question, "wide"),
      td((row.languages || []).join(", ").toUpperCase()), td((row.reasons || []).join(", ")),
      td(list(row.examples), "wide"), td(when(row.last), "nowrap")
    ]);
  }

  /** A request with its payload, the notices it sent and the conversation it refers to. */
  function requestDetail(row, tenantName) {
    var notices = row.notices || [];
    return h("div", { class: "detail-card" }, [
      h("h3", { text: row.reference }),
      h("dl", { class: "meta" }, [
        ["Tenant", tenantName(row.tenant)], ["Kind", row.kind], ["Status", row.status], ["Created", when(row.created)],
        ["Language", (row.lang || "").toUpperCase()], ["Session", row.session_id]
      ].map(pair).reduce(flat, [])),
      h("h4", { text: "Payload" }),
      payload(row.payload || {}),
      h("h4", { text: "Notices (" + notices.length + ")" }),
      notices.length ? h("div", { class: "notices" }, notices.map(notice)) : h("p", { class: "muted", text: "No notice was sent." }),
      conversation(row.transcript || [], row.transcript_turns || 0)
    ]);
  }
  /** The conversation a request refers to: its last turns (the server sends 200 at most). */
  function conversation(turns, total) {
    if (!total) return null;
    var title = "Conversation (" + plural(total, "turn") + (turns.length < total ? ", the last " + turns.length + " shown" : "") + ")";
    return h("div", null, [h("h4", { text: title }), h("ol", { class: "transcript", start: String(total - turns.length + 1) },
      turns.map(function (turn) {
        return h("li", null, [
          turn.user ? h("p", null, [h("strong", { text: "Visitor: " }), turn.user]) : null,
          turn.assistant ? h("p", null, [h("strong", { text: "Assistant: " }), turn.assistant]) : null
        ]);
      }))]);
  }
  function payload(data) {
    return h("dl", { class: "meta" }, Object.keys(data).map(function (key) {
      var value = data[key];
      if (value !== null && typeof value === "object") {
        return [h("dt", { text: key }), h("dd", null, h("pre", { text: JSON.stringify(value, null, 2) }))];
      }
      return pair([key, value]);
    }).reduce(flat, []));
  }
  function notice(n) {
    return h("article", { class: "notice-card" }, [
      h("p", { class: "notice-subject", text: n.subject }),
      h("p", { class: "muted small", text: "To " + (n.recipient || "—") + " · " + when(n.created) }),
      h("pre", { class: "body", text: n.body })
    ]);
  }

  function mailItem(m, tenantName) {
    return h("details", { class: "mail" }, [
      h("summary", null, [
        h("span", { class: "mail-subject", text: m.subject }),
        h("span", { class: "muted small", text: "to " + (m.recipient || "—") + " · " + tenantName(m.tenant) + " · " + when(m.created) })
      ]),
      h("p", { class: "muted small", text: "Message " + m.id + (m.reference ? " · " + m.reference : "") }),
      h("pre", { class: "body", text: m.body })
    ]);
  }

  function ledgerRow(r, tenantName) {
    return h("tr", null, [
      td(h("code", { text: r.account })), td(tenantName(r.tenant)), td(r.seats, "num"), td(r.subscription),
      td(yesNo(r.active)), td(yesNo(r.eligible)), td(r.allowance, "num"), td(r.used, "num"),
      td(r.remaining, "num" + (r.remaining === 0 ? " is-zero" : "")), td(r.year_start, "nowrap"), td(r.renewal, "nowrap")
    ]);
  }

  window.StaffRows = { unansweredRow: unansweredRow, requestDetail: requestDetail, mailItem: mailItem,
                       ledgerRow: ledgerRow };
})();
