/* The Edit view: the tenant's entries as its drafts leave them, searchable, each marked when it lacks a
   language; an entry opens with its languages side by side, the facts its answers name with their
   values, and its phrasings. Saving makes a draft ("edit", "entry", "phrasing" or "retire"); the
   server's refusal is shown next to the field it names. */
(function () {
  "use strict";
  var D = window.StaffDom, C = window.StaffCuration;
  var h = D.h, clear = D.clear, plural = D.plural;
  var App = function () { return window.StaffApp; };
  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var LANG_NAMES = { fr: "French", en: "English" };
  var state = { tenant: "", items: [], languages: [], open: null, pending: null, seq: 0 };
  var search = $("#entry-search"), filter = $("#entry-filter"), newButton = $("#entry-new");
  var listNode = $("#entry-list"), editor = $("#entry-editor"), status = $("#panel-edit > .status");

  function load(tenant, target, statusNode, then) {
    var mine = ++state.seq;
    App().setStatus(statusNode, "Loading the entries…");
    C.entries(tenant).then(function (got) {
      if (mine !== state.seq) return;
      var same = state.tenant === tenant;
      state.tenant = tenant;
      state.items = got.items || [];
      state.languages = got.languages || ["fr", "en"];
      topics();
      renderList();
      var pending = state.pending;
      state.pending = null;
      if (pending && pending.create) showForm(null, pending.create);
      else if (pending && pending.entry) openEntry(pending.entry, pending.field);
      else if (same && state.open && byId(state.open)) showForm(byId(state.open));
      else closeForm();
      if (then) then();
    }, App().failed(statusNode));
  }
  function byId(id) { return state.items.filter(function (e) { return e.id === id; })[0]; }
  function reload(then) { C.entries(state.tenant, true); load(state.tenant, null, status, then); }

  // -- the list -----------------------------------------------------------------------------------------

  function fold(text) { return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function matches(entry, words, show) {
    if (show === "missing" && !(entry.missing || []).length) return false;
    if (show === "drafted" && (!entry.state || entry.state === "published")) return false;
    if (show === "retired" && entry.state !== "retired") return false;
    var hay = fold([entry.id, entry.topic].concat(values(entry.question), values(entry.answer)).join(" "));
    return words.every(function (w) { return hay.indexOf(w) >= 0; });
  }
  function values(texts) { return Object.keys(texts || {}).map(function (k) { return texts[k]; }); }
  function firstText(texts) {
    var lang = state.languages.filter(function (l) { return texts && texts[l]; })[0];
    return lang ? texts[lang] : "";
  }

  function renderList() {
    var words = fold(search.value).split(/\s+/).filter(Boolean), show = filter.value;
    var shown = state.items.filter(function (e) { return matches(e, words, show); });
    var missing = state.items.filter(function (e) { return (e.missing || []).length && e.state !== "retired"; }).length;
    App().setStatus(status, plural(shown.length, "entry").replace("entrys", "entries") + " shown of " + state.items.length +
      (missing ? "; " + missing + " lack a language." : "."));
    clear(listNode).appendChild(h("ul", { class: "entry-list" }, shown.map(function (e) {
      var pick = h("button", { type: "button", class: "entry-pick", "aria-current": e.id === state.open ? "true" : null,
        "aria-controls": "entry-editor" }, [
        h("span", { class: "entry-pick-question", text: firstText(e.question) || e.id }),
        h("span", { class: "entry-pick-meta" }, [
          h("code", { class: "entry-id", text: e.id }), h("span", { class: "topic", text: e.topic }),
          e.state && e.state !== "published" ? h("span", { class: "pill state-" + e.state, text: e.state }) : null,
          (e.missing || []).length ? h("span", { class: "pill pill-missing",
            text: "no " + e.missing.map(function (l) { return l.toUpperCase(); }).join(", ") }) : null
        ])
      ]);
      pick.addEventListener("click", function () { openEntry(e.id); });
      return h("li", null, pick);
    })));
  }
  function topics() {
    var seen = {};
    state.items.forEach(function (e) { if (e.topic) seen[e.topic] = true; });
    clear($("#entry-topics")).appendChild(document.createDocumentFragment());
    Object.keys(seen).sort().forEach(function (t) { $("#entry-topics").appendChild(h("option", { value: t })); });
  }
  search.addEventListener("input", renderList);
  filter.addEventListener("change", renderList);
  newButton.addEventListener("click", function () { showForm(null, {}); });

  // -- the form: one entry, its languages side by side ------------------------------------------------

  function openEntry(id, field) {
    var entry = byId(id);
    if (!entry) return App().setStatus(status, "No entry " + id + " in " + App().tenantName(state.tenant) + ".", true);
    showForm(entry);
    if (field) markField(field, "The check named this field.");
  }
  function closeForm() {
    state.open = null;
    clear(editor);
    editor.hidden = true;
  }

  /** The form for ``entry``, or for a new entry when it is null (``prefill``: {lang, question, handles}). */
  function showForm(entry, prefill) {
    prefill = prefill || {};
    state.open = entry ? entry.id : null;
    [].forEach.call(listNode.querySelectorAll(".entry-pick"), function (b) { b.removeAttribute("aria-current"); });
    var current = entry && [].filter.call(listNode.querySelectorAll(".entry-pick"), function (b) {
      return $(".entry-id", b).textContent === entry.id; })[0];
    if (current) current.setAttribute("aria-current", "true");
    var retired = entry && entry.state === "retired";
    var form = h("form", { class: "entry-form", novalidate: true, "aria-labelledby": "entry-title" });
    var title = entry ? "Edit “" + (firstText(entry.question) || entry.id) + "”" : "New entry";
    form.appendChild(h("div", { class: "entry-form-head" }, [
      h("h3", { id: "entry-title", tabindex: "-1", text: title }),
      h("button", { type: "button", class: "btn btn-quiet btn-small entry-close", text: "Close", onclick: closeForm })
    ]));
    if (entry) {
      form.appendChild(h("p", { class: "muted small entry-about" }, [h("code", { text: entry.id }),
        " · " + (entry.source ? "from " + (entry.title || "the FAQ") : "written by staff" + (entry.title ? " · cited as " + entry.title : "")),
        entry.state && entry.state !== "published" ? " · " + entry.state + " in the drafts" : ""]));
    } else if (prefill.question) {
      form.appendChild(h("p", { class: "muted small", text: "From a visitor's question: publishing this entry answers it." }));
    }
    if (retired) form.appendChild(h("p", { class: "notice notice-info", text: "Retired in the drafts: once published, visitors no longer get this answer." }));
    form.appendChild(field("topic", "Topic", h("input", { id: "entry-topic", name: "topic", list: "entry-topics",
      autocomplete: "off", value: entry ? entry.topic : (prefill.topic || "") })));
    form.appendChild(h("div", { class: "entry-langs" }, state.languages.map(function (lang) {
      return languageColumn(entry, lang, prefill);
    })));
    if (entry && (entry.facts || []).length) form.appendChild(facts(entry.facts));
    form.appendChild(h("p", { class: "form-error", id: "entry-form-error", role: "alert", hidden: true }));
    var save = h("button", { type: "submit", class: "btn entry-save", text: entry ? "Save as draft" : "Add the entry as a draft",
      disabled: retired || null });
    var actions = h("div", { class: "entry-actions" }, [save]);
    if (entry && !retired) actions.appendChild(retireControl(entry));
    form.appendChild(actions);
    form.appendChild(h("p", { class: "card-status entry-status", role: "status", "aria-live": "polite" }));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form, entry, prefill, save);
    });
    clear(editor).appendChild(form);
    editor.hidden = false;
    var first = !entry && prefill.lang ? $("[name='answer." + prefill.lang + "']", form) : $("#entry-title", form);
    (first || $("#entry-title", form)).focus();
    return form;
  }

  function field(name, label, input) {
    input.setAttribute("data-field", name);
    input.setAttribute("aria-describedby", "err-" + name.replace(".", "-"));
    return h("div", { class: "field entry-field" }, [h("label", { for: input.id, text: label }), input,
      h("p", { class: "field-error", id: "err-" + name.replace(".", "-"), hidden: true })]);
  }
  function languageColumn(entry, lang, prefill) {
    var name = LANG_NAMES[lang] || lang.toUpperCase();
    var question = entry ? (entry.question || {})[lang] || "" : (prefill.lang === lang ? prefill.question || "" : "");
    var answer = h("textarea", { id: "entry-answer-" + lang, name: "answer." + lang, rows: "7", lang: lang });
    answer.value = entry ? (entry.answer || {})[lang] || "" : "";
    var lacking = entry && (entry.missing || []).indexOf(lang) >= 0;
    var column = h("fieldset", { class: "entry-lang" + (lacking ? " is-missing" : ""), lang: lang }, [
      h("legend", { text: name + " (" + lang.toUpperCase() + ")" }),
      lacking ? h("p", { class: "missing-note", text: "No " + name + " text yet: " + name +
        "-speaking visitors get the answer in another language until it is written." }) : null,
      field("question." + lang, "Question", oneLine(h("textarea", { id: "entry-question-" + lang, name: "question." + lang,
        rows: "2", lang: lang, class: "question-text" }), question)),
      field("answer." + lang, "Answer", answer)
    ]);
    if (entry && entry.state !== "new") column.appendChild(phrasings(entry, lang));
    return column;
  }

  /** A question's box: two lines tall, so that it is read whole, but one line of text (Enter saves). */
  function oneLine(area, value) {
    area.value = value;
    area.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      if (area.form) area.form.requestSubmit();
    });
    return area;
  }

  /** The facts an entry's answers name, with their values: {name} in an answer shows the value. */
  function facts(list) {
    return h("section", { class: "entry-facts", "aria-labelledby": "entry-facts-title" }, [
      h("h4", { id: "entry-facts-title", text: "Facts in its answers" }),
      h("p", { class: "muted small", text: "Write {name} in an answer to show the value; the value itself is changed in the tenant's facts by a developer." }),
      h("dl", { class: "meta" }, list.map(function (f) {
        return [h("dt", null, h("code", { text: "{" + f.name + "}" })), h("dd", { text: factValue(f) })];
      }).reduce(D.flat, []))
    ]);
  }
  function factValue(f) {
    var unit = f.unit && f.unit !== "none" ? " " + f.unit : "";
    if (f.bands && f.bands.length) {
      return f.bands.map(function (b) {
        var range = b.max == null ? b.min + "+" : b.min + "–" + b.max;
        return range + (f.per ? " " + f.per : "") + ": " + b.value + unit;
      }).join("; ");
    }
    return f.value == null ? "—" : f.value + unit;
  }

  function phrasings(entry, lang) {
    var name = LANG_NAMES[lang] || lang.toUpperCase();
    var list = (entry.phrasings || {})[lang] || [];
    var id = "phrasing-" + lang, input = h("input", { id: id, name: "text", autocomplete: "off", lang: lang,
      "aria-describedby": id + "-error" });
    var add = h("button", { type: "button", class: "btn btn-quiet btn-small", text: "Add" });
    var error = h("p", { class: "field-error", id: id + "-error", hidden: true });
    add.addEventListener("click", function () {
      setError(input, error, "");
      add.disabled = true;
      C.post(state.tenant, { kind: "phrasing", entry: entry.id, lang: lang, text: input.value }).then(function (made) {
        said("Phrasing " + C.quote(made.change.text) + " added as draft " + made.id + ".");
        reload(function () { var again = $("#" + id); if (again) again.focus(); });
      }, function (e) {
        add.disabled = false;
        if (e && (e.auth || e.aborted)) return;
        setError(input, error, e.message);
      });
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); add.click(); }
    });
    return h("details", { class: "phrasings" }, [
      h("summary", { text: "Phrasings (" + list.length + ")" }),
      list.length ? h("ul", { class: "plain phrasing-list", tabindex: "0", "aria-label": name + " phrasings" },
        list.map(function (p) { return h("li", { text: p }); })) : h("p", { class: "muted small", text: "None yet: only the question." }),
      h("label", { for: id, text: "Another way visitors ask it" }),
      h("div", { class: "inline-add" }, [input, add]), error
    ]);
  }

  function retireControl(entry) {
    var wrap = h("div", { class: "retire" });
    var ask = h("button", { type: "button", class: "btn btn-quiet entry-retire", text: "Retire entry" });
    var confirm = h("div", { class: "retire-confirm", hidden: true, role: "group", "aria-label": "Confirm retiring" }, [
      h("p", { text: "Retire it? Once published, visitors no longer get this answer." }),
      h("button", { type: "button", class: "btn btn-danger entry-retire-yes", text: "Retire" }),
      h("button", { type: "button", class: "btn btn-quiet", text: "Keep it" })
    ]);
    var buttons = confirm.querySelectorAll("button");
    ask.addEventListener("click", function () { ask.hidden = true; confirm.hidden = false; buttons[0].focus(); });
    buttons[1].addEventListener("click", function () { confirm.hidden = true; ask.hidden = false; ask.focus(); });
    buttons[0].addEventListener("click", function () {
      buttons[0].disabled = true;
      C.post(state.tenant, { kind: "retire", entry: entry.id }).then(function (made) {
        reload(function () { said("Retired in draft " + made.id + ": publish to take it out of service."); });
      }, function (e) {
        buttons[0].disabled = false;
        formError(e);
      });
    });
    wrap.appendChild(ask);
    wrap.appendChild(confirm);
    return wrap;
  }

  // -- saving ---------------------------------------------------------------------------------------------

  function texts(form, kind, entry) {
    var out = {}, any = false;
    state.languages.forEach(function (lang) {
      var value = $("[name='" + kind + "." + lang + "']", form).value.trim();
      var before = entry ? (entry[kind] || {})[lang] || "" : "";
      if (entry ? value !== before : value) { out[lang] = value; any = true; }
    });
    return any ? out : null;
  }
  function submit(form, entry, prefill, save) {
    clearErrors(form);
    var topic = $("[name='topic']", form).value.trim(), change;
    if (entry) {
      change = { kind: "edit", entry: entry.id };
      var q = texts(form, "question", entry), a = texts(form, "answer", entry);
      if (q) change.question = q;
      if (a) change.answer = a;
      if (topic !== (entry.topic || "")) change.topic = topic;
      if (!q && !a && change.topic === undefined) return said("Nothing changed.");
    } else {
      change = Object.assign({ kind: "entry", topic: topic, question: texts(form, "question") || {},
        answer: texts(form, "answer") || {} }, prefill.handles || {});
      // a language written half (a question without its answer) is sent as it is: the server names what is missing
      Object.keys(change.question).forEach(function (l) { if (!(l in change.answer)) change.answer[l] = ""; });
      Object.keys(change.answer).forEach(function (l) { if (!(l in change.question)) change.question[l] = ""; });
    }
    save.disabled = true;
    C.post(state.tenant, change).then(function (made) {
      var id = entry ? entry.id : made.change && made.change.entry;
      state.pending = id ? { entry: id } : null;
      reload(function () {
        said((entry ? "Saved" : "Entry " + (id || "") + " added") + " as draft " + made.id + ": publish to put it in service.");
      });
    }, function (e) {
      save.disabled = false;
      formError(e, change);
    });
  }

  function said(text) {
    var node = $(".entry-status", editor);
    if (node) App().setStatus(node, text); else App().setStatus(status, text);
  }
  function clearErrors(form) {
    [].forEach.call(form.querySelectorAll(".field-error"), function (p) { p.hidden = true; p.textContent = ""; });
    [].forEach.call(form.querySelectorAll("[aria-invalid]"), function (n) { n.removeAttribute("aria-invalid"); });
    var top = $("#entry-form-error", form);
    top.hidden = true;
  }
  function setError(input, node, message) {
    node.textContent = message;
    node.hidden = !message;
    if (message) { input.setAttribute("aria-invalid", "true"); input.focus(); } else input.removeAttribute("aria-invalid");
  }
  /** The field a refusal names: "question.fr", "question" (its first language written), "fr" (the
      language's empty or longest text), "topic"… */
  function fieldFor(name, change) {
    if (!name) return null;
    var form = $(".entry-form", editor), exact = $("[data-field='" + name + "']", form);
    if (exact) return exact;
    var inputs = [].slice.call(form.querySelectorAll("[data-field]"));
    var of = function (prefix) { return inputs.filter(function (i) { return i.getAttribute("data-field").indexOf(prefix) === 0; }); };
    if (name === "question" || name === "answer") {
      var given = change && change[name] ? Object.keys(change[name]) : [];
      return of(name + ".").filter(function (i) { return !given.length || given.indexOf(i.lang) >= 0; })[0] || of(name + ".")[0];
    }
    if (state.languages.indexOf(name) >= 0) {
      var pair = of("question." + name).concat(of("answer." + name));
      return pair.filter(function (i) { return !i.value.trim(); })[0] ||
        pair.sort(function (a, b) { return b.value.length - a.value.length; })[0];
    }
    if (name === "entry") return $("#entry-title", form);
    return null;
  }
  function markField(name, message, change) {
    var input = fieldFor(name, change), form = $(".entry-form", editor);
    var node = input && input.getAttribute("aria-describedby") && document.getElementById(input.getAttribute("aria-describedby"));
    if (node && node.classList.contains("field-error")) return setError(input, node, message);
    var top = $("#entry-form-error", form);
    top.textContent = message;
    top.hidden = false;
    if (input) input.focus();
  }
  function formError(e, change) {
    if (e && (e.auth || e.aborted)) return;
    var form = $(".entry-form", editor);
    if (!form) return App().failed(status)(e);
    markField(e.field || "", (e && e.message) || "Something went wrong.", change);
  }

  C.register("edit", {
    load: function (tenant, target, statusNode) { load(tenant, target, statusNode); },
    /** Opens the Edit view on a new entry's form, prefilled ({lang, question, handles}). */
    create: function (prefill) { state.pending = { create: prefill }; App().show("edit"); },
    /** Opens the Edit view on an entry, the field named marked. */
    open: function (id, fieldName) { state.pending = { entry: id, field: fieldName }; App().show("edit"); }
  });
})();
