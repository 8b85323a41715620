// RouteIQ console: the only script, served from this origin (CSP: script-src 'self').
// Copy buttons and confirmations; everything else works without it.
"use strict";
// Script errors and CSP refusals are noted on the page (data-js-errors on <html>):
// the browser tests read them the same way in every browser (Firefox's driver has
// no console log), and data-js-ready says this script ran to its end.
(function () {
  var root = document.documentElement;
  var note = function (what) {
    var seen = root.getAttribute("data-js-errors");
    root.setAttribute("data-js-errors", (seen ? seen + "\n" : "") + String(what).slice(0, 300));
  };
  window.addEventListener("error", function (ev) {
    note(ev.message || (ev.target && ev.target.src) || "error");
  }, true);
  window.addEventListener("unhandledrejection", function (ev) { note(ev.reason); });
  document.addEventListener("securitypolicyviolation", function (ev) {
    note("CSP refused " + ev.violatedDirective + " " + ev.blockedURI);
  });
})();
document.addEventListener("click", function (ev) {
  var el = ev.target;
  if (!(el instanceof HTMLElement)) return;
  var copy = el.getAttribute("data-copy");
  if (copy) {
    var input = document.getElementById(copy);
    if (!input) return;
    input.select();
    var done = function () { el.textContent = "Copied"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        document.execCommand("copy"); done();
      });
    } else {
      document.execCommand("copy"); done();
    }
    return;
  }
  var question = el.getAttribute("data-confirm");
  if (question && !window.confirm(question)) ev.preventDefault();
});
document.documentElement.setAttribute("data-js-ready", "1");
