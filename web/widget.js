/* The assistant's chat widget. Embed with one tag:
   <script src="https://HOST/widget.js" data-tenant="exo" async></script>
   Optional: data-lang="fr|en" (first language), data-name (title), data-color (accent colour).
   No dependency, no build step. Visitor and knowledge text is only ever set with textContent. */
(function () {
  "use strict";
  var W = window, D = document;
  var me = D.currentScript || D.querySelector('script[data-tenant][src*="widget.js"]');
  var tenant = me && me.getAttribute("data-tenant");
  W.asstWidgets = W.asstWidgets || {};
  if (!tenant || W.asstWidgets[tenant]) return;
  W.asstWidgets[tenant] = 1;
  var base = new URL(me.src, location.href).origin;
  var KEY = "asst:" + tenant;
  var T = {
    fr: {
      open: "Ouvrir l'assistant {n}", title: "Assistant {n}", dialog: "Assistant {n}",
      close: "Fermer", reset: "Nouvelle conversation", label: "Votre message",
      ph: "Posez votre question…", send: "Envoyer", typing: "L'assistant écrit…",
      hello: "Bonjour ! Posez-moi vos questions sur {n}, en français ou en anglais.",
      src: "Source :", ask: "Cette réponse vous a-t-elle aidé ?", yes: "Oui", no: "Non",
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
      src: "Source:", ask: "Was this answer helpful?", yes: "Yes", no: "No",
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
  var state = load(), lang = (state.items.length && pick(state.lang)) || pageLang, busy = false, labels = [];

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
  function t(k) { return T[lang][k].replace("{n}", name); }
  function el(tag, cls, text) {
    var e = D.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  // A translated string on an element: its text (attr null) or an attribute; re-applied when the language changes.
  function tr(e, k, attr) { labels.push([e, k, attr]); set(e, k, attr); return e; }
  function set(e, k, attr) { attr ? e.setAttribute(attr, t(k)) : (e.textContent = t(k)); }
  function applyLang() {
    labels = labels.filter(function (l) { return l[0] === root || root.contains(l[0]); });
    labels.forEach(function (l) { set(l[0], l[1], l[2]); });
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
  function button(cls, k, onclick, d) {
    var b = el("button", cls);
    b.type = "button";
    if (d) { b.appendChild(icon(d)); tr(b, k, "aria-label"); tr(b, k, "title"); } else if (k) tr(b, k);
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
    state.items.forEach(function (it) { draw(it); });
    var last = state.items[state.items.length - 1];
    if (last && last.k === "b") suggest(last.g);
    scroll();
  }
  function draw(it) {
    if (it.k === "u") return log.appendChild(el("div", "asst-msg asst-user", it.t));
    var m = log.appendChild(el("div", "asst-msg asst-bot" + (it.k === "e" ? " asst-error" : ""), it.t));
    if (it.s && it.s.length) {
      var s = el("div", "asst-sources");
      it.s.forEach(function (x, i) {
        var d = s.appendChild(el("div", "asst-source"));
        if (!i) d.append(tr(el("span", "asst-src-label"), "src"), " ");
        d.append([x.document, x.section, x.question].filter(Boolean).join(" — "));
      });
      log.appendChild(s);
    }
    if (it.f) feedback(it);
    return m;
  }
  function feedback(it) {
    var box = el("div", "asst-fb");
    if (it.f === 2) box.appendChild(tr(el("span", "asst-thanks"), "thanks"));
    else {
      var voting, vote = function (helpful) {
        return function () {
          if (voting || !state.sid) return;
          voting = 1;
          post("/api/v1/feedback", { session_id: state.sid, helpful: helpful }).then(function () {
            it.f = 2; save();
            box.textContent = "";
            box.appendChild(tr(el("span", "asst-thanks"), "thanks"));
          }, function (msg) { voting = 0; fail(msg); });
        };
      };
      box.append(tr(el("span", "asst-ask"), "ask"), button("asst-chip asst-helpful", "yes", vote(true)),
        button("asst-chip asst-unhelpful", "no", vote(false)));
    }
    log.appendChild(box);
  }
  function suggest(list) {
    if (!list || !list.length) return;
    var box = el("div", "asst-suggestions");
    box.setAttribute("role", "group");
    tr(box, "sugg", "aria-label");
    list.forEach(function (s) {
      var b = el("button", "asst-chip asst-suggestion", s);
      b.type = "button";
      b.onclick = function () { send(s); };
      box.appendChild(b);
    });
    log.appendChild(box);
  }
  function push(it) {
    if (it.k !== "e") { state.items.push(it); save(); }
    var m = draw(it);
    scroll();
    return m;
  }
  function fail(msg) { push({ k: "e", t: msg }); }

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
    [].forEach.call(log.querySelectorAll(".asst-suggestions"), function (b) { b.remove(); });
    push({ k: "u", t: text });
    var typing = el("div", "asst-typing");
    typing.append(el("span", "asst-dot"), el("span", "asst-dot"), el("span", "asst-dot"), el("span", "asst-sr", t("typing")));
    log.appendChild(typing);
    scroll();
    post("/api/v1/chat", { tenant: tenant, session_id: state.sid, message: text }).then(function (r) {
      typing.remove();
      state.sid = r.session_id || state.sid;
      if (pick(r.lang) && r.lang !== lang) { lang = r.lang; applyLang(); }
      var m = push({ k: "b", t: r.reply, s: r.sources, g: r.suggestions, f: r.type === "answer" ? 1 : 0 });
      suggest(r.suggestions);
      // A long reply is shown from its start rather than from its end.
      log.scrollTop = Math.min(log.scrollHeight, m.offsetTop - log.offsetTop - 12);
    }, function (msg) { typing.remove(); fail(msg); }).then(function () { busy = false; });
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
  }
  var css = el("link");
  css.rel = "stylesheet";
  css.href = base + "/widget.css";
  var mounted = false, once = function () { if (!mounted) { mounted = true; mount(); } };
  css.onload = css.onerror = once;
  setTimeout(once, 3000);
  (D.head || D.documentElement).appendChild(css);
})();
