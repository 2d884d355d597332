/* Any connection (aduan.webapp): registers the service worker; a complaint form marked
   data-offline that is sent without signal is kept on the phone (IndexedDB, files too) and
   sent through the same form when the connection returns ("menunggu sinyal"). Plain ES5. */
(function () {
  "use strict";
  var me = document.currentScript;
  var status = document.getElementById("draft-status");
  var note = document.getElementById("offline-note");
  if (me && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(me.getAttribute("data-sw"), {scope: me.getAttribute("data-scope")})
      ["catch"](function () {});
  }
  function showNote() { if (note) { note.hidden = navigator.onLine; } }
  window.addEventListener("online", showNote);
  window.addEventListener("offline", showNote);
  showNote();
  if (!window.indexedDB || !window.fetch || !window.FormData || !status) { return; }

  function say(state, link) {
    status.hidden = false;
    status.setAttribute("data-state", state);
    status.textContent = status.getAttribute("data-" + state);
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = status.getAttribute("data-open");
      status.appendChild(document.createTextNode(" "));
      status.appendChild(a);
    }
  }
  function store(mode, work) {
    var opening = indexedDB.open("aduan", 1);
    opening.onupgradeneeded = function () { opening.result.createObjectStore("drafts", {keyPath: "url"}); };
    opening.onsuccess = function () {
      var tx = opening.result.transaction("drafts", mode);
      work(tx.objectStore("drafts"));
    };
  }
  function keep(form, submitter) {
    var entries = [];
    var data = new FormData(form);
    // The button pressed counts (the front door's place search is a button of the form).
    if (submitter && submitter.name) { entries.push([submitter.name, submitter.value]); }
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (typeof value !== "string" && !value.size) { return; }  // an empty file input
      entries.push([name, value]);
    });
    store("readwrite", function (drafts) { drafts.put({url: form.action, entries: entries, at: Date.now()}); });
    say("waiting");
  }
  var sending = false;
  function send(draft) {
    // A fresh page gives a CSRF token that matches this browser's cookie now.
    return fetch(draft.url, {credentials: "same-origin"}).then(function (page) {
      return page.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html");
      var token = fresh.querySelector("input[name=csrfmiddlewaretoken]");
      var body = new FormData();
      body.append("csrfmiddlewaretoken", token ? token.value : "");
      draft.entries.forEach(function (entry) {
        if (typeof entry[1] === "string") { body.append(entry[0], entry[1]); } else { body.append(entry[0], entry[1], entry[1].name); }
      });
      return fetch(draft.url, {method: "POST", body: body, credentials: "same-origin"});
    }).then(function (response) {
      if (response.status >= 500 || response.status === 429 || response.status === 403) { return false; }
      store("readwrite", function (drafts) { drafts["delete"](draft.url); });
      if (response.ok && response.redirected) {
        say("sent", response.url);
        window.location.assign(response.url);
        return true;
      }
      // Refused by the form (an error): show the form's own answer, errors by their fields.
      return response.text().then(function (html) {
        var answer = new DOMParser().parseFromString(html, "text/html").getElementById("main");
        var main = document.getElementById("main");
        if (answer && main && window.location.href.split("#")[0] === draft.url) {
          main.innerHTML = answer.innerHTML;
        } else {
          say("check", draft.url);
        }
        return true;
      });
    });
  }
  function flush() {
    if (!navigator.onLine || sending) { return; }
    store("readonly", function (drafts) {
      var all = drafts.getAll();
      all.onsuccess = function () {
        var queue = all.result;
        if (!queue.length) { return; }
        sending = true;
        say("sending");
        var next = function () {
          var draft = queue.shift();
          if (!draft) { sending = false; return; }
          send(draft).then(function (done) {
            if (!done) { say("waiting"); }
            next();
          }, function () { say("waiting"); sending = false; });
        };
        next();
      };
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (navigator.onLine || !form.hasAttribute("data-offline")) { return; }
    event.preventDefault();
    keep(form, event.submitter);
  }, true);
  window.addEventListener("online", flush);
  flush();
})();
