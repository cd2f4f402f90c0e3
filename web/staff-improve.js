/* The Improve view: each unanswered group and each "not helpful" vote of the tenant, with the matcher's
   three best entries and their scores, and one click to act on it — "means this entry" (a phrasing
   draft in the question's language), "new entry" (the Edit view's form, prefilled) or "ignore".
   What is handled leaves the list. */
(function () {
  "use strict";
  var D = window.StaffDom, C = window.StaffCuration;
  var h = D.h, clear = D.clear, when = D.when, plural = D.plural;
  var App = function () { return window.StaffApp; };
  var LANG_NAMES = { fr: "French", en: "English" };
  var seq = 0;

  function load(tenant, target, status) {
    var mine = ++seq;
    App().setStatus(status, "Loading…");
    Promise.all([C.send("GET", tenant, "improve"), C.entries(tenant)]).then(function (got) {
      if (mine !== seq) return;
      render(tenant, got[0].items || [], got[1].languages || ["fr", "en"], target, status);
    }, App().failed(status));
  }

  function render(tenant, items, languages, target, status) {
    clear(target);
    count(status, items.length, tenant);
    if (!items.length) return;
    var list = h("ol", { class: "improve-list" });
    items.forEach(function (item) { list.appendChild(card(tenant, item, languages, status)); });
    target.appendChild(list);
  }
  function count(status, n, tenant, said) {
    var left = n ? plural(n, "question") + " to look at for " + App().tenantName(tenant) + "."
      : "Nothing left to improve for " + App().tenantName(tenant) + ": every question is handled.";
    App().setStatus(status, (said ? said + " " : "") + left);
  }

  /** What a change made from this item carries: the group or the vote it handles. */
  function handles(item) { return item.kind === "unanswered" ? { unanswered: [item.group] } : { feedback: [item.feedback] }; }
  function textOf(item) { return item.kind === "unanswered" ? item.question : item.message; }
  function entryId(tenant, intent) {
    var prefix = tenant + ".";
    return String(intent).indexOf(prefix) === 0 ? String(intent).slice(prefix.length) : String(intent);
  }

  function card(tenant, item, languages, listStatus) {
    var known = item.lang || (item.languages || [])[0];
    var langSelect = null, note = h("p", { class: "card-status", role: "status", "aria-live": "polite" });
    var id = item.kind + "-" + (item.group || item.feedback);
    var title = h("h3", { class: "improve-question", id: id + "-title", tabindex: "-1", lang: known || null, text: textOf(item) });
    var li = h("li", { class: "improve-item" });
    var parts = [h("div", { class: "improve-head" }, item.kind === "unanswered" ? [
      h("span", { class: "pill", text: "Unanswered" }),
      h("span", { class: "muted small", text: "asked " + plural(item.count || 1, "time") + " · " +
        (item.languages || []).join(", ").toUpperCase() + " · last " + when(item.last) })
    ] : [
      h("span", { class: "pill pill-no", text: "Not helpful" }),
      h("span", { class: "muted small", text: "voted " + when(item.created) })
    ]), title];
    if (item.kind === "unhelpful") {
      parts.push(h("div", { class: "said" }, [h("p", { class: "label", text: "The assistant answered" }),
        h("p", { class: "answer", text: item.answer || "—" })]));
      if (item.comment) parts.push(h("p", null, [h("span", { class: "label", text: "Comment: " }), item.comment]));
    }
    var examples = (item.examples || []).filter(function (e) { return e !== item.question; });
    if (examples.length) {
      parts.push(h("details", { class: "examples" }, [h("summary", { text: "Other wordings (" + examples.length + ")" }),
        D.list(examples)]));
    }
    if (!known) {  // a vote does not say its language: staff choose it
      langSelect = h("select", { id: id + "-lang" }, languages.map(function (l) {
        return h("option", { value: l, text: LANG_NAMES[l] || l.toUpperCase() });
      }));
      parts.push(h("div", { class: "field inline-field" }, [h("label", { for: id + "-lang", text: "The question's language" }), langSelect]));
    }
    var lang = function () { return langSelect ? langSelect.value : known; };
    var done = function (said) { handled(li, listStatus, tenant, said); };
    var candidates = item.candidates || [];
    parts.push(h("h4", { text: candidates.length ? "Closest entries" : "No entry comes close" }));
    if (candidates.length) {
      parts.push(h("ol", { class: "candidates" }, candidates.map(function (c, rank) {
        var entry = entryId(tenant, c.intent);
        var mean = h("button", { type: "button", class: "btn btn-small improve-means" + (rank ? " btn-quiet" : ""), text: "Means this entry",
          "aria-describedby": id + "-title" });
        mean.addEventListener("click", function () {
          var change = Object.assign({ kind: "phrasing", entry: entry, lang: lang(), text: textOf(item) }, handles(item));
          act(mean, note, C.post(tenant, change), function (made) {
            done("Added as a " + change.lang.toUpperCase() + " phrasing of " + (c.question ? C.quote(c.question) : entry) +
              " (draft " + made.id + "). Publish to put it in service.");
          });
        });
        return h("li", { class: "candidate" }, [
          h("div", { class: "candidate-text" }, [
            h("p", { class: "question", text: c.question || entry }), h("code", { class: "entry-id", text: entry }),
            C.scores(c)]),
          mean
        ]);
      })));
    }
    var create = h("button", { type: "button", class: "btn btn-quiet btn-small improve-new", text: "New entry",
      "aria-describedby": id + "-title" });
    create.addEventListener("click", function () {
      C.view("edit").create({ lang: lang(), question: textOf(item), handles: handles(item) });
    });
    var ignore = h("button", { type: "button", class: "btn btn-quiet btn-small improve-ignore", text: "Ignore",
      "aria-describedby": id + "-title" });
    ignore.addEventListener("click", function () {
      var body = item.kind === "unanswered" ? { group: item.group } : { feedback: item.feedback };
      act(ignore, note, C.send("POST", tenant, "improve/ignore", body), function () { done("Ignored " + C.quote(textOf(item)) + "."); });
    });
    parts.push(h("div", { class: "improve-actions" }, [create, ignore]), note);
    li.appendChild(h("article", { class: "improve-card", "aria-labelledby": id + "-title" }, parts));
    return li;
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
