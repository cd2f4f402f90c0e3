/* The staff console: answer lookup and the back office over the staff API.
   The token lives in sessionStorage (this tab only) and is sent as "Authorization: Bearer …";
   a 401 brings the sign-in form back. Every value from the server is rendered as text. */
(function () {
  "use strict";
  var KEY = "assistant-staff-token";
  var LANGS = ["fr", "en"];
  var memoryToken = "";
  var $ = function (selector, root) { return (root || document).querySelector(selector); };
  var $$ = function (selector, root) { return [].slice.call((root || document).querySelectorAll(selector)); };

  var login = $("#login"), loginForm = $("#login-form"), loginMessage = $("#login-message");
  var tokenInput = $(".staff-token"), app = $("#app"), logout = $(".staff-logout");
  var tenantSelect = $("#tenant"), search = $(".staff-search"), copyLang = $("#copy-lang"), topSelect = $("#top");
  var results = $("#results"), lookupStatus = $("#lookup-status"), copyStatus = $("#copy-status");
  var tabs = $$(".staff-tab");
  var PAGE = 50;  // rows per page of a back-office list; "More" asks for the next
  var state = { view: "lookup", tenants: {}, seq: 0, rows: [], query: "", controller: null, timer: 0, selected: null,
                loads: {} };

  // -- helpers ----------------------------------------------------------------------------------------

  var D = window.StaffDom, R = window.StaffRows;
  var h = D.h, clear = D.clear, when = D.when, plural = D.plural, table = D.table, td = D.td;

  function tenantName(id) { return state.tenants[id] ? state.tenants[id].name : id; }
  function setStatus(node, text, error) {
    node.textContent = text || "";
    node.classList.toggle("status-error", !!error);
  }
  function statusOf(view) { return $("#panel-" + view + " .status"); }

  function getToken() {
    try { return sessionStorage.getItem(KEY) || ""; } catch (e) { return memoryToken; }
  }
  function setToken(value) {
    memoryToken = value;
    try { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ }
  }

  /** A staff endpoint (a path under /api/v1/, or a page's "next" URL): GET, or ``options.method`` with
      ``options.body`` as JSON. Rejects with {auth: true} after a 401 (the sign-in form is then shown),
      else with an Error carrying the answer's status and body (``{"error": {code, message, field?}}``). */
  function api(path, signal, options) {
    options = options || {};
    var headers = { Authorization: "Bearer " + getToken(), Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(path.indexOf("/api/v1/") === 0 ? path : "/api/v1/" + path, {
      method: options.method || "GET", headers: headers, signal: signal,
      body: options.body === undefined ? undefined : JSON.stringify(options.body)
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.status === 401) {
          signOut("The token was refused. Please check it and sign in again.");
          throw { auth: true };
        }
        if (!response.ok) {
          var error = (body && body.error) || {};
          throw Object.assign(new Error(error.message || "The server answered " + response.status + "."),
            { status: response.status, body: body || {}, code: error.code, field: error.field });
        }
        return body;
      });
    }, function (error) {
      if (error && error.name === "AbortError") throw { aborted: true };
      throw new Error("The server cannot be reached. Check the connection and try again.");
    });
  }
  function failed(node) {
    return function (error) {
      if (error && (error.auth || error.aborted)) return;
      setStatus(node, (error && error.message) || "Something went wrong.", true);
    };
  }

  // -- sign in and out ----------------------------------------------------------------------------------

  function showLogin(message) {
    app.hidden = true;
    logout.hidden = true;
    login.hidden = false;
    loginMessage.hidden = !message;
    loginMessage.textContent = message || "";
    tokenInput.value = "";
    tokenInput.focus();
  }
  function signOut(message) {
    setToken("");
    state.rows = [];
    state.selected = null;
    clear(results);
    $$(".view, .detail").forEach(clear);
    showLogin(message);
  }
  function enter() {
    login.hidden = true;
    loginMessage.hidden = true;
    app.hidden = false;
    logout.hidden = false;
    loadTenants();
    activate(tabs.filter(function (t) { return t.dataset.view === state.view; })[0] || tabs[0], false);
    if (state.view === "lookup") search.focus();
  }
  loginForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var value = tokenInput.value.trim();
    if (!value) {
      loginMessage.hidden = false;
      loginMessage.textContent = "Enter the staff token.";
      tokenInput.focus();
      return;
    }
    setToken(value);
    $(".staff-login").disabled = true;
    api("ledger").then(enter, function (error) {
      if (error && error.auth) return;
      setToken("");
      loginMessage.hidden = false;
      loginMessage.textContent = (error && error.message) || "Sign-in failed.";
    }).then(function () { $(".staff-login").disabled = false; });
  });
  logout.addEventListener("click", function () { signOut(""); });

  // -- tenants ------------------------------------------------------------------------------------------

  function loadTenants() {
    if (Object.keys(state.tenants).length) return;
    api("tenants").then(function (list) {
      var current = tenantSelect.value;
      list.forEach(function (t) {
        state.tenants[t.id] = t;
        tenantSelect.appendChild(h("option", { value: t.id, text: t.name + " (" + t.id + ")" }));
      });
      tenantSelect.value = current;
      if (state.rows.length) renderResults();
    }, failed(lookupStatus));
  }
  tenantSelect.addEventListener("change", function () {
    if (state.view === "lookup") runSearch();
    else load(state.view);
  });

  // -- tabs ---------------------------------------------------------------------------------------------

  function activate(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
    state.view = tab.dataset.view;
    if (state.view !== "lookup") load(state.view);
  }
  tabs.forEach(function (tab, index) {
    tab.addEventListener("click", function () { activate(tab, false); });
    tab.addEventListener("keydown", function (event) {
      var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      activate(tabs[(next + tabs.length) % tabs.length], true);
    });
  });
  $$(".staff-refresh").forEach(function (button) {
    button.addEventListener("click", function () { load(button.dataset.view); });
  });

  // -- lookup -------------------------------------------------------------------------------------------

  search.addEventListener("input", function () {
    clearTimeout(state.timer);
    state.timer = setTimeout(runSearch, 200);
  });
  $("#search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(state.timer);
    runSearch();
  });
  topSelect.addEventListener("change", runSearch);
  copyLang.addEventListener("change", function () { if (state.rows.length) renderResults(); });

  function runSearch() {
    var query = search.value.trim(), seq = ++state.seq;
    if (state.controller) state.controller.abort();
    state.controller = null;
    if (!query) {
      state.rows = [];
      clear(results);
      setStatus(lookupStatus, "Type a question to search every tenant's answers.");
      return;
    }
    var params = new URLSearchParams({ q: query, top: topSelect.value });
    if (tenantSelect.value) params.set("tenant", tenantSelect.value);
    state.controller = window.AbortController ? new AbortController() : null;
    setStatus(lookupStatus, "Searching…");
    api("lookup?" + params.toString(), state.controller && state.controller.signal).then(function (rows) {
      if (seq !== state.seq) return;
      state.rows = rows;
      state.query = query;
      renderResults();
    }, function (error) { if (seq === state.seq) failed(lookupStatus)(error); });
  }

  function renderResults() {
    var lang = copyLang.value, order = [lang].concat(LANGS.filter(function (l) { return l !== lang; }));
    clear(results);
    setStatus(lookupStatus, state.rows.length ? plural(state.rows.length, "result") + " for “" + state.query + "”."
      : "No answer matches “" + state.query + "”.");
    state.rows.forEach(function (row) {
      var score = Math.max(0, Math.min(1, Number(row.score) || 0));
      var bar = h("span", { class: "score-bar", "aria-hidden": "true" }, h("span"));
      bar.firstChild.style.width = Math.round(score * 100) + "%";
      // Both of the button's labels hold their place (the wider sets its width): it does not move when copying.
      var copyButton = h("button", { type: "button", class: "btn btn-small staff-copy" }, [
        h("span", { class: "copy-idle", text: "Copy answer (" + lang.toUpperCase() + ")" }),
        h("span", { class: "copy-done", text: "Copied ✓" })]);
      copyButton.addEventListener("click", function () {
        var text = (row.answer && row.answer[lang]) || "";
        D.copy(text, copyButton).then(function () {
          copyButton.classList.add("is-copied");
          setStatus(copyStatus, "The " + lang.toUpperCase() + " answer to “" + (row.question[lang] || row.id) + "” was copied.");
          setTimeout(function () { copyButton.classList.remove("is-copied"); }, 1600);
        }, function () {
          setStatus(lookupStatus, "Copying failed: select the answer and copy it by hand.", true);
        });
      });
      var source = row.source || {};
      results.appendChild(h("article", { class: "staff-result", "aria-label": (row.question && row.question[lang]) || row.id }, [
        h("div", { class: "result-head" }, [
          h("span", { class: "badge", text: tenantName(row.tenant) }),
          h("span", { class: "topic", text: row.topic }),
          h("code", { class: "entry-id", text: row.tenant + "." + row.id }),
          h("span", { class: "score" }, [bar, h("span", { text: "score " + score.toFixed(2) })])
        ]),
        h("div", { class: "result-langs" }, order.filter(function (l) {
          return (row.question && row.question[l]) || (row.answer && row.answer[l]);
        }).map(function (l) {
          return h("div", { class: "result-lang" + (l === lang ? " is-selected" : ""), lang: l }, [
            h("span", { class: "lang-tag", text: l.toUpperCase() }),
            h("p", { class: "question", text: row.question[l] || "" }),
            h("p", { class: "answer", text: (row.answer && row.answer[l]) || "" })
          ]);
        })),
        h("div", { class: "result-foot" }, [
          h("p", { class: "source" }, [h("span", { class: "label", text: "Source: " }), D.source(source)]),
          copyButton
        ])
      ]));
    });
  }

  // -- back-office views ----------------------------------------------------------------------------------
  // Each list comes a page at a time ({items, next}): the first page, then "More" appends the next.

  var VIEWS = {
    unanswered: { path: "unanswered", noun: "group", empty: "No unanswered question.", caption: "Unanswered questions",
      headers: ["Count", "Tenant", "Question", "Languages", "Reasons", "Examples", "Last seen"],
      row: function (row) { return R.unansweredRow(row, tenantName); } },
    requests: { path: "requests", noun: "request", empty: "No request yet.", caption: "Requests",
      headers: ["Reference", "Tenant", "Kind", "Status", "Created", "Lang", "From"], row: requestRow },
    outbox: { path: "outbox", noun: "message", empty: "The outbox is empty.",
      row: function (mail) { return R.mailItem(mail, tenantName); } },
    ledger: { path: "ledger", noun: "account", empty: "No account in the ledger.", caption: "Grace-call ledger",
      headers: ["Account", "Tenant", "Seats", "Subscription", "Active", "Eligible", "Allowance", "Used", "Remaining",
        "Year start", "Renewal"], row: function (row) { return R.ledgerRow(row, tenantName); } }
  };

  // A tab in a file of its own (Stats, Improve, Try, Edit) registers as window.StaffTabs[view] and loads itself.
  function loadTab(view) {
    window.StaffTabs[view].load({ api: api, token: getToken, signOut: signOut, tenant: tenantSelect.value,
      tenantName: tenantName, status: statusOf(view), setStatus: setStatus, failed: failed });
  }

  function load(view) {
    if (window.StaffTabs && window.StaffTabs[view]) return loadTab(view);
    var spec = VIEWS[view], status = statusOf(view), target = $("#view-" + view);
    if (!spec) return;
    var seq = state.loads[view] = (state.loads[view] || 0) + 1;
    var params = new URLSearchParams({ limit: String(PAGE) });
    if (tenantSelect.value) params.set("tenant", tenantSelect.value);
    setStatus(status, "Loading…");
    api(spec.path + "?" + params.toString()).then(function (page) {
      if (seq !== state.loads[view]) return;  // a newer load (another tenant, a refresh) replaces this one
      clear(target);
      var list = { view: view, spec: spec, seq: seq, status: status, tenant: tenantSelect.value, shown: 0,
                   region: null, holder: null, more: null };
      if (page.items.length) {
        list.region = spec.headers ? table(spec.caption, spec.headers) : h("div", { class: "mails", tabindex: "-1" });
        list.holder = spec.headers ? $("tbody", list.region) : list.region;
        target.appendChild(list.region);
      }
      addPage(list, page, target);
      if (view === "requests" && state.selected) showRequest(state.selected, false);
    }, failed(status));
  }

  function addPage(list, page, target) {
    page.items.forEach(function (row) {
      var item = list.spec.row(row);
      if (list.spec.headers) D.addRow(list.holder, item); else list.holder.appendChild(item);
    });
    list.shown += page.items.length;
    var where = list.tenant ? " for " + tenantName(list.tenant) : "";
    setStatus(list.status, !list.shown ? list.spec.empty
      : plural(list.shown, list.spec.noun) + where + (page.next ? " shown; more below." : "."));
    if (page.next && !list.more) {
      list.more = h("button", { type: "button", class: "btn btn-quiet staff-more", text: "More " + list.spec.noun + "s" });
      list.more.addEventListener("click", function () { more(list); });
      target.appendChild(h("div", { class: "more-bar" }, list.more));
    }
    if (list.more) list.more.dataset.next = page.next || "";
    if (!page.next && list.more) {
      var bar = list.more.parentNode;
      bar.parentNode.removeChild(bar);
      list.more = null;
      return true;
    }
    return false;
  }

  function more(list) {
    var button = list.more, target = $("#view-" + list.view);
    button.disabled = true;
    button.textContent = "Loading…";
    api(button.dataset.next).then(function (page) {
      if (list.seq !== state.loads[list.view]) return;
      var first = list.holder.children.length;
      var finished = addPage(list, page, target);
      if (finished) {  // the button is gone: focus goes to the rows it brought, else to the list
        var added = list.holder.children[first], control = added && $("button, summary", added);
        (control || list.region).focus();
      } else {
        button.disabled = false;
        button.textContent = "More " + list.spec.noun + "s";
      }
    }, function (error) {
      button.disabled = false;
      button.textContent = "More " + list.spec.noun + "s";
      failed(list.status)(error);
    });
  }

  function requestRow(row) {
    var button = h("button", { type: "button", class: "link staff-request", text: row.reference,
      "aria-controls": "request-detail" });
    button.addEventListener("click", function () { showRequest(row.reference, true); });
    var tr = h("tr", { "data-reference": row.reference, class: row.reference === state.selected ? "is-current" : null }, [
      td(button, "nowrap"), td(tenantName(row.tenant)), td(row.kind), td(h("span", { class: "pill", text: row.status })),
      td(D.stamp(row.created), "nowrap created"), td((row.lang || "").toUpperCase()), td(row.summary || "—", "summary")
    ]);
    if (row.summary) tr.lastChild.title = row.summary;  // the whole summary, when the cell cuts it
    tr.addEventListener("click", function (event) { if (event.target !== button) button.click(); });
    return tr;
  }

  function showRequest(reference, focus) {
    var detail = $("#request-detail"), status = statusOf("requests");
    state.selected = reference;
    $$("#view-requests tr[data-reference]").forEach(function (tr) {
      var on = tr.getAttribute("data-reference") === reference;
      tr.classList.toggle("is-current", on);
      var button = $("button", tr);
      if (on) button.setAttribute("aria-current", "true"); else button.removeAttribute("aria-current");
    });
    clear(detail).appendChild(h("p", { class: "muted", text: "Loading " + reference + "…" }));
    api("requests/" + encodeURIComponent(reference)).then(function (row) {
      clear(detail).appendChild(R.requestDetail(row, tenantName));
      if (focus) detail.focus();
    }, function (error) {
      clear(detail);
      failed(status)(error);
    });
  }
  // The curation views (Improve, Try, Edit: staff-curate.js and its kin) share the page's token, tenant and tabs.
  window.StaffApp = { api: api, failed: failed, setStatus: setStatus, tenantName: tenantName,
    tenant: function () { return tenantSelect.value; },
    show: function (view) { activate(tabs.filter(function (t) { return t.dataset.view === view; })[0], true); } };

  // -- start --------------------------------------------------------------------------------------------

  if (getToken()) {
    api("ledger").then(enter, function (error) {
      if (error && error.auth) return;
      showLogin((error && error.message) || "Sign-in failed.");
    });
  } else {
    showLogin("");
  }
})();
