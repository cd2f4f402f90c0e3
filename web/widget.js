/* The assistant's chat widget. Embed with one tag:
   <script src="https://HOST/widget.js" data-tenant="exo" async></script>
   Optional: data-lang="fr|en" (first language), data-name (title), data-color (accent colour).
   No dependency, no build step. Visitor and knowledge text is only ever set with textContent.
   window.asstWidgets[tenant].ask(text) opens the widget and asks text (the demo pages' examples). */
(function () {
  "use strict";
  var W = window, D = document;
  var me = D.currentScript || D.querySelector('script[data-tenant][src*="widget.js"]');
  var tenant = me && me.getAttribute("data-tenant");
  W.asstWidgets = W.asstWidgets || {};
  if (!tenant || W.asstWidgets[tenant]) return;
  var pending = null;  // a question asked before the widget is on the page
  W.asstWidgets[tenant] = { ask: function (text) { if (mounted) ask(text); else pending = text; } };
  var base = new URL(me.src, location.href).origin;
  var KEY = "asst:" + tenant;
  var T = {
    fr: {
      open: "Ouvrir l'assistant {n}", title: "Assistant {n}", dialog: "Assistant {n}",
      close: "Fermer", reset: "Nouvelle conversation", label: "Votre message",
      ph: "Posez votre question…", send: "Envoyer", typing: "L'assistant écrit…",
      hello: "Bonjour ! Posez-moi vos questions sur {n}, en français ou en anglais.",
      src: "Source :", srcs: "Sources :", ask: "Cette réponse vous a-t-elle aidé ?", yes: "Oui", no: "Non",
      thanks: "Merci pour votre retour !", sugg: "Suggestions",
      net: "Impossible de joindre l'assistant. Vérifiez votre connexion puis réessayez.",
      rate: "Vous envoyez beaucoup de messages : patientez un instant puis réessayez.",
      long: "Votre message est trop long. Pouvez-vous le raccourcir ?",
      err: "Une erreur est survenue. Réessayez dans un instant."
    },
    en: {
      open: "Open the {n} assistant", title: "{n} assistant", dialog: "{n} assistant",
      close: "Close", reset: "New conversation", label: "Your message",
      ph: "Ask your question…", send: "Send", typing: "The assistant is typing…",
      hello: "Hello! Ask me your questions about {n}, in English or French.",
      src: "Source:", srcs: "Sources:", ask: "Was this answer helpful?", yes: "Yes", no: "No",
      thanks: "Thank you for your feedback!", sugg: "Suggestions",
      net: "The assistant cannot be reached. Check your connection and try again.",
      rate: "You are sending many messages: please wait a moment and try again.",
      long: "Your message is too long. Could you shorten it?",
      err: "Something went wrong. Please try again in a moment."
    }
  };
  function pick(l) { l = (l || "").slice(0, 2).toLowerCase(); return T[l] ? l : null; }
  var pageLang = pick(me.getAttribute("data-lang")) || pick(D.documentElement.lang) ||
    pick((navigator.languages || [])[0] || navigator.language) || "en";
  var name = me.getAttribute("data-name") || tenant;
  var mounted = false, state = load(), lang = (state.items.length && pick(state.lang)) || pageLang, busy = false, labels = [];

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY));
      if (s && Array.isArray(s.items)) return s;
    } catch (e) { /* blocked or corrupt */ }
    return { items: [] };
  }
  function save() {
    state.lang = lang;
    state.items = state.items.slice(-80);
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* storage full or blocked */ }
  }
  // A label in the language of the conversation, or in l (a message's own language).
  function t(k, l) { return T[pick(l) || lang][k].replace("{n}", name); }
  // Typography of the knowledge's text: a French "?", "!", ":", ";" or "»" stays on its word's line.
  function nb(text) { return String(text).replace(/ ([?!:;»])/g, "\u00a0$1").replace(/« /g, "«\u00a0"); }
  function el(tag, cls, text) {
    var e = D.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // A translated string on an element: its text (attr null) or an attribute; re-applied when the
  // language changes, unless l fixes it (the labels of a message keep that message's language).
  function tr(e, k, attr, l) { labels.push([e, k, attr, l]); set(e, k, attr, l); return e; }
  function set(e, k, attr, l) { attr ? e.setAttribute(attr, t(k, l)) : (e.textContent = nb(t(k, l))); }
  function applyLang() {
    labels = labels.filter(function (l) { return l[0] === root || root.contains(l[0]); });
    labels.forEach(function (l) { set(l[0], l[1], l[2], l[3]); });
    root.lang = lang;
  }
  function icon(d) {
    var s = D.createElementNS("http://www.w3.org/2000/svg", "svg"), p = D.createElementNS(s.namespaceURI, "path");
    s.setAttribute("viewBox", "0 0 24 24");
    s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false");
    p.setAttribute("d", d);
    s.appendChild(p);
    return s;
  }
  function button(cls, k, onclick, d, l) {
    var b = el("button", cls);
    b.type = "button";
    if (d) { b.appendChild(icon(d)); tr(b, k, "aria-label"); tr(b, k, "title"); } else if (k) tr(b, k, null, l);
    b.onclick = onclick;
    return b;
  }

  var X = "M6 6l12 12M18 6L6 18";
  var root = el("div", "asst-root");
  if (me.getAttribute("data-color")) root.style.setProperty("--asst-accent", me.getAttribute("data-color"));
  var launcher = button("asst-launcher", "open", function () { show(panel.hidden); },
    "M4 5h16v11H9l-5 4z");
  launcher.appendChild(icon(X));
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "asst-panel-" + tenant);
  var panel = el("div", "asst-panel");
  panel.id = "asst-panel-" + tenant;
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  tr(panel, "dialog", "aria-label");
  var head = el("div", "asst-head");
  head.appendChild(tr(el("div", "asst-title"), "title"));
  head.appendChild(button("asst-icon asst-new", "reset", reset, "M4 12a8 8 0 1 0 2.5-5.8M4 4v4h4"));
  head.appendChild(button("asst-icon asst-close", "close", function () { show(false); }, X));
  var log = el("div", "asst-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  var welcome = log.appendChild(tr(el("div", "asst-welcome"), "hello"));
  var form = el("form", "asst-form");
  var input = el("input", "asst-input");
  input.id = "asst-input-" + tenant;
  input.type = "text";
  input.autocomplete = "off";
  tr(input, "ph", "placeholder");
  var label = tr(el("label", "asst-sr"), "label");
  label.htmlFor = input.id;
  var sendBtn = button("asst-send", "send", null, "M21 3L10 14M21 3l-6.5 18-4.5-7-7-4.5z");
  sendBtn.type = "submit";
  form.append(label, input, sendBtn);
  form.onsubmit = function (e) { e.preventDefault(); send(input.value); };
  panel.append(head, log, form);
  root.onkeydown = function (e) {
    if ((e.key === "Escape" || e.key === "Esc") && !panel.hidden) { e.stopPropagation(); show(false); }
  };
  root.append(panel, launcher);

  function show(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("asst-open", open);
    if (open) { scroll(); input.focus(); } else launcher.focus();
  }
  function scroll() { log.scrollTop = log.scrollHeight; }

  function render() {
    log.textContent = "";
    log.appendChild(welcome);
    state.items.forEach(function (it, i) { draw(it, i === state.items.length - 1); });
    scroll();
  }
  // A message; a reply with its sources, and when it is the latest one its vote row and suggestions,
  // all in the reply's language.
  function draw(it, latest) {
    if (it.k === "u") return log.appendChild(el("div", "asst-msg asst-user", it.t));
    var box = log.appendChild(el("div", "asst-reply"));
    if (pick(it.l)) box.lang = it.l;
    var m = box.appendChild(el("div", "asst-msg asst-bot" + (it.k === "e" ? " asst-error" : ""), nb(it.t)));
    if (it.s && it.s.length) box.appendChild(sources(it.s, it.l));
    if (latest && it.f) feedback(it, box);
    if (latest) suggest(it.g, it.l, box);
    return m;
  }
  function sources(list, l) {
    var s = el("div", "asst-sources"), items = el("div", "asst-src-list");
    s.append(tr(el("span", "asst-src-label"), list.length > 1 ? "srcs" : "src", null, l), items);
    list.forEach(function (x) {
      var d = items.appendChild(el("div", "asst-source"));
      var text = nb(x.title || [x.document, x.section, x.question].filter(Boolean).join(" — "));
      if (typeof x.url !== "string" || !/^https?:\/\//i.test(x.url)) return d.append(text);
      var a = d.appendChild(el("a", "asst-src-link", text));
      a.href = x.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    });
    return s;
  }
  function feedback(it, reply) {
    var box = el("div", "asst-fb"), l = it.l;
    if (it.f === 2) box.appendChild(tr(el("span", "asst-thanks"), "thanks", null, l));
    else {
      var voting, vote = function (helpful) {
        return function () {
          if (voting || !state.sid) return;
          voting = 1;
          post("/api/v1/feedback", { session_id: state.sid, helpful: helpful }).then(function () {
            it.f = 2; save();
            box.textContent = "";
            box.appendChild(tr(el("span", "asst-thanks"), "thanks", null, l));
          }, function (msg) { voting = 0; fail(msg); });
        };
      };
      box.append(tr(el("span", "asst-ask"), "ask", null, l), button("asst-chip asst-helpful", "yes", vote(true), null, l),
        button("asst-chip asst-unhelpful", "no", vote(false), null, l));
    }
    reply.appendChild(box);
  }
  function suggest(list, l, reply) {
    if (!list || !list.length) return;
    var box = el("div", "asst-suggestions");
    box.setAttribute("role", "group");
    tr(box, "sugg", "aria-label", l);
    list.forEach(function (s) {
      var b = el("button", "asst-chip asst-suggestion", nb(s));
      b.type = "button";
      b.onclick = function () { send(s); };
      box.appendChild(b);
    });
    reply.appendChild(box);
  }
  // The vote row and the suggestions belong to the latest reply only: the log stays calm.
  function calm() {
    [].forEach.call(log.querySelectorAll(".asst-fb, .asst-suggestions"), function (b) { b.remove(); });
  }
  function push(it) {
    if (it.k !== "e") { state.items.push(it); save(); }
    var m = draw(it, true);
    scroll();
    return m;
  }
  function fail(msg) { push({ k: "e", t: msg, l: lang }); }

  function post(path, body) {
    return fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept-Language": lang },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (r.ok) return j;
        var e = j && j.error || {}, s = r.status;
        throw s === 429 ? t("rate") : s === 413 && e.code !== "message_too_long" ? t("long") :
          s >= 500 || !e.message ? t("err") : e.message;
      });
    }, function () { throw t("net"); });
  }

  function send(text) {
    text = String(text || "").trim();
    if (!text || busy) return;
    busy = true;
    input.value = "";
    calm();
    push({ k: "u", t: text });
    var typing = el("div", "asst-typing");
    typing.append(el("span", "asst-dot"), el("span", "asst-dot"), el("span", "asst-dot"), el("span", "asst-sr", t("typing")));
    log.appendChild(typing);
    scroll();
    post("/api/v1/chat", { tenant: tenant, session_id: state.sid, message: text }).then(function (r) {
      typing.remove();
      state.sid = r.session_id || state.sid;
      if (pick(r.lang) && r.lang !== lang) { lang = r.lang; applyLang(); }
      var m = push({ k: "b", t: r.reply, l: r.lang, s: r.sources, g: r.suggestions, f: r.type === "answer" ? 1 : 0 });
      // A long reply is shown from its start rather than from its end.
      log.scrollTop = Math.min(log.scrollHeight, m.offsetTop - log.offsetTop - 12);
    }, function (msg) { typing.remove(); fail(msg); }).then(function () { busy = false; });
  }

  function ask(text) {
    show(true);
    if (busy) input.value = text; else send(text);
  }

  function reset() {
    state = { items: [] };
    lang = pageLang;
    save();
    applyLang();
    render();
    input.value = "";
    input.focus();
  }

  // The vendor's name, for the title and labels (public endpoint).
  fetch(base + "/api/v1/tenants").then(function (r) { return r.json(); }).then(function (list) {
    list.forEach(function (x) { if (x.id === tenant && x.name) { name = x.name; applyLang(); } });
  }).catch(function () {});

  function mount() {
    if (!D.body) return D.addEventListener("DOMContentLoaded", mount);
    render();
    applyLang();
    D.body.appendChild(root);
    if (pending != null) ask(pending);
  }
  var css = el("link");
  css.rel = "stylesheet";
  css.href = base + "/widget.css";
  var once = function () { if (!mounted) { mounted = true; mount(); } };
  css.onload = css.onerror = once;
  setTimeout(once, 3000);
  (D.head || D.documentElement).appendChild(css);
})();
