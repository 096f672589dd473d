// kubearc portal: live updates. The page works without this script (reload to update); with
// it, the hub's server-sent events say when what the page shows changed, and the page's main
// content is fetched again and swapped in, keeping the keyboard focus where it was; while a form
// is being filled in, only the parts that show state ([data-live-region]) are swapped.
(function () {
  "use strict";
  var page = document.body.getAttribute("data-live");
  if (!page || !window.EventSource) { return; }
  var busy = false;
  // dirty reports whether a form field under root differs from what the page was sent with.
  function dirty(root) {
    var fields = root.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.tagName === "SELECT") {
        for (var j = 0; j < f.options.length; j++) {
          if (f.options[j].selected !== f.options[j].defaultSelected) { return true; }
        }
      } else if (f.type === "checkbox" || f.type === "radio" ? f.checked !== f.defaultChecked : f.value !== f.defaultValue) {
        return true;
      }
    }
    return false;
  }
  function refresh() {
    if (busy) { return; }
    busy = true;
    fetch(page, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (resp) {
      if (resp.status === 401) { window.location.reload(); return null; }
      return resp.ok ? resp.text() : null;
    }).then(function (html) {
      if (!html) { return; }
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("content"), main = document.getElementById("content");
      if (!fresh || !main) { return; }
      var active = document.activeElement, activeID = active && active.id;
      if (dirty(main)) {
        // The user is filling in a form: update only the parts that show state.
        fresh.querySelectorAll("[data-live-region]").forEach(function (part) {
          var old = part.id && document.getElementById(part.id);
          if (old) { old.replaceWith(document.importNode(part, true)); }
        });
      } else {
        main.innerHTML = fresh.innerHTML;
      }
      if (activeID && document.getElementById(activeID)) { document.getElementById(activeID).focus(); }
      document.getElementById("live-status").textContent = "Updated " + new Date().toLocaleTimeString();
    }).finally(function () { busy = false; });
  }
  var es = new EventSource("/portal/events?u=" + encodeURIComponent(page));
  es.addEventListener("change", refresh);
  es.addEventListener("ended", function () { es.close(); window.location.reload(); });
  // A refused stream (the session expired) is not retried: fetching the page shows why.
  es.addEventListener("error", function () { if (es.readyState === EventSource.CLOSED) { refresh(); } });
})();
