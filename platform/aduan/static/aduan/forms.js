/* Forms that forgive (complaints.forgiving): a file too large is refused before the upload
   starts, with the message next to the input. No inline script (CSP), works on old Android. */
(function () {
  "use strict";
  function check(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var maxFiles = parseInt(input.getAttribute("data-max-files"), 10);
    var hint = document.getElementById("hint-" + input.name);
    var message = "";
    var files = input.files || [];
    for (var i = 0; i < files.length; i++) {
      if (files[i].size > max) { message = files[i].name + ": " + input.getAttribute("data-too-large"); }
    }
    if (!message && maxFiles && files.length > maxFiles) { message = "max " + maxFiles; }
    if (input.setCustomValidity) { input.setCustomValidity(message); }
    input.setAttribute("aria-invalid", message ? "true" : "false");
    if (hint) { hint.textContent = message; }
    return !message;
  }
  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  for (var i = 0; i < inputs.length; i++) {
    inputs[i].addEventListener("change", function (event) { check(event.target); });
    if (inputs[i].form) {
      inputs[i].form.addEventListener("submit", function (event) {
        var own = event.target.querySelectorAll("input[type=file][data-max-bytes]");
        for (var j = 0; j < own.length; j++) {
          if (!check(own[j])) { event.preventDefault(); own[j].focus(); return; }
        }
      });
    }
  }
})();
/* The front door's "use my location" (only where boundaries are loaded): fills the hidden
   latitude/longitude; the server finds the village. */
(function () {
  "use strict";
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_latitude").value = position.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = position.coords.longitude.toFixed(6);
      document.getElementById("locate-status").textContent = button.getAttribute("data-done");
    });
  });
})();
/* A category's own questions: only the chosen category's group shows (all show without JS). */
(function () {
  "use strict";
  var select = document.querySelector("select[name=category]");
  var groups = document.querySelectorAll("fieldset.category-questions");
  if (!select || !groups.length) { return; }
  function show() {
    for (var i = 0; i < groups.length; i++) {
      groups[i].hidden = groups[i].getAttribute("data-category") !== select.value;
    }
  }
  select.addEventListener("change", show);
  show();
})();
