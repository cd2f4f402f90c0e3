/* The Improve view: each open group of the tenant's unanswered questions ("not helpful" votes join
   them), with the matcher's three best entries and their scores, and one click to act on it —
   "means this entry" (a phrasing draft in the question's language), "new entry" (the Edit view's
   form, prefilled) or "ignore". What is handled leaves the list. */
(function () {
  "use strict";
  var D = window.StaffDom, C = window.StaffCuration;
  var h = D.h, clear = D.clear, when = D.when, plural = D.plural;
  var App = function () { return window.StaffApp; };
  var seq = 0, entries = [];

  function load(tenant, target, status) {
    var mine = ++seq;
    App().setStatus(status, "Loading…");
    Promise.all([C.send("GET", tenant, "improve"), C.entries(tenant)]).then(function (got) {
      if (mine !== seq) return;
      entries = (got[1].items || []).filter(function (e) { return e.state !== "retired"; }).map(function (e) {
        var text = e.question[(got[1].languages || [])[0]] || e.question[Object.keys(e.question)[0]] || "";
        return { id: e.id, label: text + " (" + e.id + ")" };
      });
      render(tenant, got[0].items || [], target, status);
    }, App().failed(status));
  }

  function render(tenant, items, target, status) {
    clear(target);
    count(status, items.length, tenant);
    if (!items.length) return;
    var list = h("ol", { class: "improve-list" });
    items.forEach(function (item) { list.appendChild(card(tenant, item, status)); });
    target.appendChild(list);
  }
  function count(status, n, tenant, said) {
    var left = n ? plural(n, "question") + " to look at for " + App().tenantName(tenant) + "."
      : "Nothing left to improve for " + App().tenantName(tenant) + ": every question is handled.";
    App().setStatus(status, (said ? said + " " : "") + left);
  }

  var REASONS = { fallback: ["Unanswered", "pill"], not_helpful: ["Not helpful", "pill pill-no"] };

  function card(tenant, group, listStatus) {
    var id = "group-" + group.group, lang = group.lang || (group.languages || [])[0];
    var note = h("p", { class: "card-status", role: "status", "aria-live": "polite" });
    var title = h("h3", { class: "improve-question", id: id + "-title", tabindex: "-1", lang: lang || null, text: group.question });
    var li = h("li", { class: "improve-item", "data-group": group.group });
    var reasons = (group.reasons && group.reasons.length ? group.reasons : ["fallback"]).filter(function (r) { return REASONS[r]; });
    var parts = [h("div", { class: "improve-head" }, reasons.map(function (r) {
      return h("span", { class: REASONS[r][1], text: REASONS[r][0] });
    }).concat([h("span", { class: "muted small", text: "asked " + plural(group.count || 1, "time") + " · " +
      (group.languages || []).join(", ").toUpperCase() + " · last " + when(group.last) })])), title];
    var examples = (group.examples || []).filter(function (e) { return e !== group.question; });
    if (examples.length) {
      parts.push(h("details", { class: "examples" }, [h("summary", { text: "Other wordings (" + examples.length + ")" }),
        D.list(examples)]));
    }
    var done = function (said) { handled(li, listStatus, tenant, said); };
    var candidates = group.candidates || [];
    parts.push(h("h4", { text: candidates.length ? "Closest entries" : "No entry comes close" }));
    if (candidates.length) {
      parts.push(h("ol", { class: "candidates" }, candidates.map(function (c, rank) {
        var mean = h("button", { type: "button", class: "btn btn-small improve-means" + (rank ? " btn-quiet" : ""),
          text: "Means this entry", "aria-describedby": id + "-title" });
        mean.addEventListener("click", function () {
          var change = { kind: "phrasing", entry: c.intent, lang: lang, text: group.question, unanswered: [group.group] };
          act(mean, note, C.post(tenant, change), function (made) {
            done("Added as a " + String(lang).toUpperCase() + " phrasing of " + (c.question ? C.quote(c.question) : c.intent) +
              " (draft " + made.id + "). Publish to put it in service.");
          });
        });
        return h("li", { class: "candidate" }, [
          h("div", { class: "candidate-text" }, [
            h("p", { class: "question", text: c.question || c.intent }), h("code", { class: "entry-id", text: c.intent }),
            C.scores(c)]),
          mean
        ]);
      })));
    }
    parts.push(otherEntry(tenant, group, lang, id, note, done));
    var create = h("button", { type: "button", class: "btn btn-quiet btn-small improve-new", text: "New entry",
      "aria-describedby": id + "-title" });
    create.addEventListener("click", function () {
      C.view("edit").create({ lang: lang, question: group.question, handles: { unanswered: [group.group] } });
    });
    var ignore = h("button", { type: "button", class: "btn btn-quiet btn-small improve-ignore", text: "Ignore",
      "aria-describedby": id + "-title" });
    ignore.addEventListener("click", function () {
      act(ignore, note, C.send("POST", tenant, "improve/ignore", { group: group.group }), function () {
        done("Ignored " + C.quote(group.question) + ": it does not come back.");
      });
    });
    parts.push(h("div", { class: "improve-actions" }, [create, ignore]), note);
    li.appendChild(h("article", { class: "improve-card", "aria-labelledby": id + "-title" }, parts));
    return li;
  }

  /** When the right entry is not among the three: any entry of the tenant, chosen from a list. */
  function otherEntry(tenant, group, lang, id, note, done) {
    var select = h("select", { id: id + "-other", class: "improve-other" }, [h("option", { value: "", text: "Choose an entry…" })]
      .concat(entries.map(function (e) { return h("option", { value: e.id, text: e.label }); })));
    var add = h("button", { type: "button", class: "btn btn-quiet btn-small improve-other-add", text: "Means this entry",
      "aria-describedby": id + "-title" });
    add.addEventListener("click", function () {
      if (!select.value) {
        App().setStatus(note, "Choose the entry it means first.", true);
        return select.focus();
      }
      var change = { kind: "phrasing", entry: select.value, lang: lang, text: group.question, unanswered: [group.group] };
      act(add, note, C.post(tenant, change), function (made) {
        done("Added as a " + String(lang).toUpperCase() + " phrasing of " + select.value + " (draft " + made.id +
          "). Publish to put it in service.");
      });
    });
    return h("div", { class: "field other-entry" }, [h("label", { for: id + "-other", text: "Or another entry" }),
      h("div", { class: "inline-add" }, [select, add])]);
  }

  function act(button, note, promise, then) {
    button.disabled = true;
    App().setStatus(note, "Saving…");
    promise.then(then, function (error) {
      button.disabled = false;
      App().failed(note)(error);
    });
  }

  /** The item leaves the list; focus goes to the next one's question (else the previous, else the status). */
  function handled(li, status, tenant, said) {
    var next = li.nextElementSibling || li.previousElementSibling, list = li.parentNode;
    list.removeChild(li);
    count(status, list.children.length, tenant, said);
    if (!list.children.length) list.parentNode.removeChild(list);
    if (next) next.querySelector(".improve-question").focus();
    else status.focus();
  }

  C.register("improve", { load: load });
})();
