// RouteIQ console: the only script, served from this origin (CSP: script-src 'self').
// Copy buttons and confirmations; everything else works without it.
"use strict";
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
