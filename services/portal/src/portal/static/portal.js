// After htmx replaces part of a page, move focus to its heading (or the swapped element) so screen-reader and
// keyboard users land on the result; status text lives in aria-live regions of the templates.
document.addEventListener("htmx:afterSwap", function (event) {
  // A fragment that polls itself (an import's progress) is refreshed in place: focus stays where the person left it.
  if (/^every /.test((event.detail.elt && event.detail.elt.getAttribute("hx-trigger")) || "")) { return; }
  var target = event.detail.target;
  var heading = target.querySelector("h1, h2, [data-focus]") || target;
  if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
  heading.focus();
});
// htmx sends the session's CSRF token with every request it makes (forms also carry it as a hidden field).
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content"); }
});
