/* Curation on the staff page: what the Improve, Try and Edit views share — the tenant they work on,
   its entries as its drafts leave them, posting a change, and the drafts bar (drafts, Publish, the
   versions and Rollback) at the top of each. Views register themselves with StaffCuration.register;
   staff.js loads each as a window.StaffTabs entry when its tab opens or the tenant changes. */
(function () {
  "use strict";
  var D = window.StaffDom;
  var h = D.h, clear = D.clear, when = D.when, plural = D.plural;
  var App = function () { return window.StaffApp; };
  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var views = {};
  var state = { entries: {}, known: {}, drafts: [], versions: [], publishing: false, tick: 0, seq: 0 };
  var bar = $("#drafts");

  // Each curation view is a tab in a file of its own, which staff.js loads as it loads Stats.
  function register(view, spec) {
    views[view] = spec;
    window.StaffTabs = window.StaffTabs || {};
    window.StaffTabs[view] = { load: function () { load(view); } };
  }
  function path(tenant, rest) { return "knowledge/" + encodeURIComponent(tenant) + "/" + rest; }
  function send(method, tenant, rest, body) {
    return App().api(path(tenant, rest), null, { method: method, body: body === undefined ? (method === "GET" ? undefined : {}) : body });
  }
  function say(node, text, error) { App().setStatus(node, text, error); }

  /** Opens a curation view: the drafts bar moves to its top, then the view loads for the tenant chosen
      (or says that one must be chosen). */
  function load(view) {
    var panel = $("#panel-" + view), tenant = App().tenant(), slot = $(".curation-slot", panel);
    if (bar.parentNode !== slot) {  // the lists folded when the bar moves to another view
      toggle(draftsToggle, draftsList, false);
      toggle(versionsToggle, versionsList, false);
      slot.appendChild(bar);
    }
    var target = $("#view-" + view), status = $(":scope > .status", panel);
    bar.hidden = target.hidden = !tenant;
    $$(".needs-tenant", panel).forEach(function (node) { node.hidden = !!tenant; });
    $$(".needs-tenant-form", panel).forEach(function (node) { node.hidden = !tenant; });
    if (!tenant) return say(status, "");
    refreshBar(tenant);
    views[view].load(tenant, target, status);
  }
  function $$(selector, root) { return [].slice.call((root || document).querySelectorAll(selector)); }

  // -- the tenant's entries, as its drafts leave them (kept until a change is made) ---------------------

  function entries(tenant, fresh) {
    if (fresh || !state.entries[tenant]) {
      state.entries[tenant] = send("GET", tenant, "entries").then(function (got) {
        state.known[tenant] = got;
        return got;
      });
      state.entries[tenant].catch(function () { delete state.entries[tenant]; });
    }
    return state.entries[tenant];
  }
  /** An entry as staff know it: its question (in ``lang`` when it has one) and its id. */
  function entryTitle(tenant, id, lang) {
    var known = state.known[tenant];
    var entry = known && known.items.filter(function (e) { return e.id === id; })[0];
    lang = entry && ((entry.question || {})[lang] ? lang : Object.keys(entry.question || {})[0]);
    return entry && lang ? "“" + entry.question[lang] + "” (" + id + ")" : id;
  }

  /** POSTs one change; resolves with the server's {id, change}. The drafts bar and the entries follow. */
  function post(tenant, change) {
    return send("POST", tenant, "changes", change).then(function (made) {
      changed(tenant);
      return made;
    });
  }
  function changed(tenant) {
    delete state.entries[tenant];
    refreshBar(tenant);
  }

  // -- a change as a person reads it --------------------------------------------------------------------

  function quote(text) { return "“" + text + "”"; }
  function langsOf(texts) { return Object.keys(texts || {}).map(function (l) { return l.toUpperCase(); }).join(", "); }
  function describe(tenant, c) {
    switch (c.kind) {
      case "phrasing": return "Phrasing (" + String(c.lang).toUpperCase() + ") " + quote(c.text) + " for " + entryTitle(tenant, c.entry, c.lang);
      case "entry": {
        var lang = Object.keys(c.question || {})[0];
        return "New entry " + (lang ? quote(c.question[lang]) : "") + (c.entry ? " (" + c.entry + ")" : "") +
          " in " + (langsOf(c.question) || "—");
      }
      case "edit": {
        var parts = [];
        if (c.question) parts.push("question " + langsOf(c.question));
        if (c.answer) parts.push("answer " + langsOf(c.answer));
        if (c.topic) parts.push("topic " + c.topic);
        return "Edit " + entryTitle(tenant, c.entry) + ": " + (parts.join("; ") || "—");
      }
      case "retire": return "Retire " + entryTitle(tenant, c.entry);
      case "synonym": return "Synonym (" + String(c.lang).toUpperCase() + ") " + quote(c.text) + " means " + quote(c.canonical);
      default: return c.kind;
    }
  }
  function byline(c) {
    return [c.author ? "by " + c.author : "", c.created ? when(c.created) : ""].filter(Boolean).join(" · ");
  }

  // -- the drafts bar -------------------------------------------------------------------------------------

  var countNode = $(".drafts-count", bar), publishButton = $(".drafts-publish", bar), barStatus = $(".drafts-status", bar);
  var draftsToggle = $(".drafts-toggle", bar), versionsToggle = $(".versions-toggle", bar);
  var draftsList = $("#drafts-list"), versionsList = $("#versions-list"), problemsBox = $(".drafts-problems", bar);
  var progress = $(".publishing", bar), progressText = $(".publishing-text", bar);

  function refreshBar(tenant) {
    var seq = ++state.seq;
    return Promise.all([send("GET", tenant, "changes"), send("GET", tenant, "versions")]).then(function (got) {
      if (seq !== state.seq) return;
      state.drafts = got[0].items || [];
      state.versions = got[1].items || [];
      renderBar(tenant);
    }, App().failed(barStatus));
  }
  function renderBar(tenant) {
    var n = state.drafts.length, live = state.versions.filter(function (v) { return v.live; })[0];
    countNode.textContent = (n ? plural(n, "draft") + " not yet published" : "No drafts") +
      (live ? " · version " + live.version + " is live" : "");
    publishButton.disabled = state.publishing || !n;
    draftsToggle.disabled = !n;
    if (!n) toggle(draftsToggle, draftsList, false);
    draftsToggle.textContent = draftsList.hidden ? "Show drafts" : "Hide drafts";
    versionsToggle.textContent = versionsList.hidden ? "Versions (" + state.versions.length + ")" : "Hide versions";
    renderDrafts(tenant);
    renderVersions(tenant);
  }
  function toggle(button, region, open) {
    region.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  draftsToggle.addEventListener("click", function () {
    toggle(draftsToggle, draftsList, draftsList.hidden);
    renderBar(App().tenant());
  });
  versionsToggle.addEventListener("click", function () {
    toggle(versionsToggle, versionsList, versionsList.hidden);
    renderBar(App().tenant());
  });

  function renderDrafts(tenant) {
    clear(draftsList).appendChild(h("ol", { class: "change-list" }, state.drafts.map(function (c) {
      var discard = h("button", { type: "button", class: "btn btn-quiet btn-small", text: "Discard",
        "aria-label": "Discard draft " + c.id + ": " + describe(tenant, c) });
      discard.addEventListener("click", function () { discardDraft(tenant, c, discard); });
      return h("li", { class: "change" }, [
        h("div", { class: "change-text" }, [h("p", { text: describe(tenant, c) }),
          h("p", { class: "muted small", text: "Draft " + c.id + (byline(c) ? " · " + byline(c) : "") })]),
        discard
      ]);
    })));
  }
  function discardDraft(tenant, c, button) {
    button.disabled = true;
    send("DELETE", tenant, "changes/" + encodeURIComponent(c.id)).then(function () {
      say(barStatus, "Draft " + c.id + " discarded.");
      changed(tenant);
      draftsToggle.focus();
    }, function (error) {
      button.disabled = false;
      App().failed(barStatus)(error);
    });
  }

  /** What a version added to the one before it (a version lists every change it is made of). */
  function added(v, before) {
    var had = {};
    ((before && before.changes) || []).forEach(function (c) { if (c.id != null) had[c.id] = true; });
    return (v.changes || []).filter(function (c) { return c.id == null || !had[c.id]; });
  }
  function renderVersions(tenant) {
    clear(versionsList).appendChild(h("ol", { class: "version-list" }, state.versions.map(function (v, i) {
      var changes = v.rollback_of != null ? [] : added(v, state.versions[i + 1]);
      var meta = v.version === 0 && !v.created ? ["the tenant's files, as reviewed"] : [
        v.created ? when(v.created) : "", v.author ? "by " + v.author : "",
        v.rollback_of != null ? "back to version " + v.rollback_of : plural(changes.length, "change")];
      var head = h("div", { class: "version-head" }, [
        h("strong", { text: "Version " + v.version }),
        v.live ? h("span", { class: "pill pill-ok", text: "live" }) : null,
        h("span", { class: "muted small", text: meta.filter(Boolean).join(" · ") })
      ]);
      if (!v.live) {
        var back = h("button", { type: "button", class: "btn btn-quiet btn-small version-rollback",
          text: "Roll back to version " + v.version });
        back.addEventListener("click", function () { rollback(tenant, v.version); });
        head.appendChild(back);
      }
      return h("li", { class: "version" }, [head, changes.length ? h("details", null, [
        h("summary", { text: "What changed" }),
        h("ul", { class: "plain" }, changes.map(function (c) { return h("li", { text: describe(tenant, c) }); }))
      ]) : null]);
    })));
  }

  // -- publish and rollback: a few seconds, shown as they pass -----------------------------------------

  function busy(on, label) {
    state.publishing = on;
    progress.hidden = !on;
    publishButton.disabled = on || !state.drafts.length;
    [].forEach.call($$(".version-rollback", bar), function (b) { b.disabled = on; });
    clearInterval(state.tick);
    if (!on) return;
    var start = Date.now();
    var show = function () { progressText.textContent = label + " " + Math.floor((Date.now() - start) / 1000) + " s"; };
    show();
    state.tick = setInterval(show, 500);
  }
  function published(tenant, what) {
    return function (result) {
      say(barStatus, what + ": version " + result.version + " is live for " + App().tenantName(tenant) +
        " (" + Number(result.seconds || 0).toFixed(1) + " s).");
      changed(tenant);
      var current = document.querySelector(".staff-tab[aria-selected='true']");
      if (current && current.dataset.view === "improve") views.improve.load(tenant, $("#view-improve"), $("#panel-improve > .status"));
    };
  }
  publishButton.addEventListener("click", function () {
    var tenant = App().tenant();
    if (!tenant || state.publishing) return;
    problemsBox.hidden = true;
    say(barStatus, "Publishing " + plural(state.drafts.length, "draft") + ": checking, then training the model…");
    busy(true, "Publishing…");
    send("POST", tenant, "publish").then(published(tenant, "Published"), function (error) {
      if (error && error.status === 422) return showProblems(tenant, error);
      if (error && error.status === 409) return say(barStatus, "There is nothing to publish: no drafts.", true);
      App().failed(barStatus)(error);
    }).then(function () { busy(false); });
  });
  function rollback(tenant, version) {
    if (state.publishing) return;
    problemsBox.hidden = true;
    say(barStatus, "Rolling back to version " + version + "…");
    busy(true, "Rolling back…");
    send("POST", tenant, "rollback", { version: version }).then(published(tenant, "Rolled back to version " + version),
      App().failed(barStatus)).then(function () { busy(false); versionsToggle.focus(); });
  }
  /** A 422: nothing was published; each problem by entry and field, with a way to the entry. */
  function showProblems(tenant, error) {
    var body = error.body || {}, problems = (body.error && body.error.problems) || [];
    say(barStatus, "Nothing was published: " + plural(problems.length, "problem") + " to fix first.", true);
    clear(problemsBox).appendChild(h("ul", { class: "problems" }, problems.map(function (p) {
      var where = [p.entry, p.field].filter(Boolean).join(" · ");
      var item = h("li", null, [where ? h("code", { text: where }) : null, where ? ": " : "", p.message]);
      if (p.entry && views.edit) {
        var open = h("button", { type: "button", class: "link", text: "Edit this entry" });
        open.addEventListener("click", function () { views.edit.open(p.entry, p.field); });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(open);
      }
      return item;
    })));
    problemsBox.hidden = false;
  }

  // -- what the views share ---------------------------------------------------------------------------

  /** A matcher's scores, as numbers with a small gauge for the confidence. */
  function scores(c) {
    var n = function (x) { return x == null ? "—" : Number(x).toFixed(2); };
    return h("span", { class: "scores" }, [
      h("meter", { min: "0", max: "1", value: String(Math.max(0, Math.min(1, Number(c.confidence) || 0))),
        "aria-hidden": "true", class: "score-meter" }),
      h("span", { text: "confidence " + n(c.confidence) }),
      h("span", { text: "similarity " + n(c.similarity) }),
      h("span", { text: "probability " + n(c.probability) })
    ]);
  }

  window.StaffCuration = { register: register, load: load, view: function (name) { return views[name]; }, send: send, post: post, entries: entries,
    changed: changed, describe: describe, scores: scores, quote: quote };
})();
