/* The Try view: a message typed as a visitor would, read by the published version and by the current
   drafts side by side — the language detected and why, the normalised tokens, the five best entries
   with their scores, the decision and the reply. Nothing is kept: no conversation, no unanswered group. */
(function () {
  "use strict";
  var D = window.StaffDom, C = window.StaffCuration;
  var h = D.h, clear = D.clear, td = D.td;
  var App = function () { return window.StaffApp; };
  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var form = $("#try-form"), message = $("#try-message"), lang = $("#try-lang"), button = $(".try-run", form);
  var results = $("#view-try"), status = $("#panel-try > .status");
  var seq = 0, last = null;

  function load(tenant) {
    if (last && last.tenant === tenant) return;  // the last try stays until another tenant is chosen
    last = null;
    clear(results);
    App().setStatus(status, "Type a message as a visitor would, then Try.");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var tenant = App().tenant(), text = message.value.trim(), mine = ++seq;
    if (!tenant) return;
    if (!text) {
      App().setStatus(status, "Type a message first.", true);
      message.focus();
      return;
    }
    button.disabled = true;
    App().setStatus(status, "Reading “" + text + "”…");
    C.send("POST", tenant, "try", { message: text, lang: lang.value || null }).then(function (got) {
      if (mine !== seq) return;
      last = { tenant: tenant, text: text };
      render(got);
      App().setStatus(status, "“" + text + "”: " + summary(got) + ".");
    }, App().failed(status)).then(function () { button.disabled = false; });
  });

  function summary(got) {
    var p = got.published && got.published.decision, d = got.draft && got.draft.decision;
    if (!got.draft) return p + " (no drafts to compare)";
    if (got.draft.problems) return p + " when published; the drafts cannot be built";
    return p === d ? p + " in both" : p + " when published, " + d + " with the drafts";
  }

  function render(got) {
    clear(results);
    results.appendChild(column("Published", "try-published", got.published, null));
    var draft = got.draft;
    if (draft && draft.problems) {  // the drafts do not pass the check: nothing to compare until they are fixed
      results.appendChild(h("section", { class: "try-column try-draft", "aria-label": "With the drafts" }, [
        h("h3", { text: "With the drafts" }),
        h("p", { class: "status-error", text: "The drafts cannot be built; publishing would be refused for the same reasons:" }),
        h("ul", { class: "problems" }, (draft.problems || []).map(function (p) {
          return h("li", null, [[p.entry, p.field].filter(Boolean).join(" · ") + (p.entry || p.field ? ": " : ""), p.message]);
        }))]));
      return;
    }
    results.appendChild(draft ? column("With the drafts", "try-draft", draft, got.published)
      : h("section", { class: "try-column try-draft", "aria-label": "With the drafts" }, [
        h("h3", { text: "With the drafts" }),
        h("p", { class: "muted", text: "There are no drafts: the published version is all there is." })]));
  }

  function column(title, cls, x, other) {
    var id = cls + "-title", reply = x.reply || {}, language = x.language || {};
    var differs = other && other.decision !== x.decision;
    return h("section", { class: "try-column " + cls, "aria-labelledby": id }, [
      h("h3", { id: id, text: title }),
      h("dl", { class: "meta try-meta" }, [
        [h("dt", { text: "Decision" }), h("dd", null, [h("span", { class: "pill decision decision-" + x.decision, text: x.decision }),
          differs ? h("span", { class: "muted small", text: " (changed by the drafts)" }) : null])],
        [h("dt", { text: "Language" }), h("dd", null, [h("strong", { text: String(language.code || "—").toUpperCase() }),
          language.why ? " — " + language.why : ""])],
        [h("dt", { text: "Tokens" }), h("dd", null, h("ul", { class: "tokens", "aria-label": "Normalised tokens" },
          (x.tokens || []).map(function (t) { return h("li", { text: t }); })))]
      ].reduce(D.flat, [])),
      h("h4", { text: "Reply" + (reply.type ? " (" + reply.type + ")" : "") }),
      h("div", { class: "try-reply" }, [
        h("p", { class: "answer", lang: language.code || null, text: reply.text || "—" }),
        (reply.sources || []).length ? h("p", { class: "source" }, [h("span", { class: "label", text: "Source: " })]
          .concat((reply.sources || []).map(function (s, i) {
            return h("span", null, [i ? "; " : "", typeof s === "string" ? s : D.source(s)]);
          }))) : null
      ]),
      h("h4", { text: "Best entries" }),
      candidates(x.candidates || [])
    ]);
  }

  function candidates(list) {
    if (!list.length) return h("p", { class: "muted", text: "No entry." });
    var wrap = D.table("Best entries", ["#", "Entry", "Probability", "Similarity", "Confidence"]);
    var body = $("tbody", wrap), n = function (v) { return v == null ? "—" : Number(v).toFixed(2); };
    list.forEach(function (c, i) {
      D.addRow(body, h("tr", null, [td(i + 1, "num"),
        td(h("span", null, [c.question ? h("span", { class: "candidate-question", text: c.question }) : null,
          c.question ? " " : null, h("code", { class: "entry-id", text: c.intent })]), "wide"),
        td(n(c.probability), "num"), td(n(c.similarity), "num"), td(n(c.confidence), "num")]));
    });
    return wrap;
  }

  C.register("try", { load: load });
})();
