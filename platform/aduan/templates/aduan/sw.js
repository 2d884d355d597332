/* Aduan's service worker (aduan.webapp): the app shell and the citizen pages a phone opened,
   for a village's lost signal. Staff pages and every POST go to the network untouched. */
"use strict";
var CACHE = "aduan-{{ version }}";
var SHELL = {{ shell|safe }};
var PREFIXES = {{ prefixes|safe }};
var EXACT = {{ exact|safe }};
var NEVER = {{ never|safe }};
var STATIC_URL = {{ static_url|safe }};
var FALLBACK = {{ fallback|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.addAll(SHELL);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("aduan-") === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function citizenPage(path) {
  for (var j = 0; j < NEVER.length; j++) {
    if (path.indexOf(NEVER[j]) !== -1) { return false; }
  }
  if (EXACT.indexOf(path) !== -1) { return true; }
  for (var i = 0; i < PREFIXES.length; i++) {
    if (path.indexOf(PREFIXES[i]) === 0) { return true; }
  }
  return false;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC_URL) === 0) {
    // Static files carry their content's hash in production: the kept copy is the right one.
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (request.mode !== "navigate" || !citizenPage(url.pathname)) { return; }
  // Network first: the newest state when there is signal, the last known one without.
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request, {ignoreVary: true}).then(function (hit) {
      return hit || caches.match(FALLBACK, {ignoreVary: true});
    });
  }));
});
