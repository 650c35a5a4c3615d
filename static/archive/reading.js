/* Progressive enhancement only: every control works as a plain link without this file.
   A permalink (¶) still moves to its #anchor; with JS it also copies the paragraph's own URL. */
(function () {
  "use strict";

  var status = document.getElementById("copy-status");
  var hideTimer = null;

  function announce(message) {
    if (!status) { return; }
    status.textContent = message;
    status.classList.add("is-visible");
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(function () { status.classList.remove("is-visible"); }, 2600);
  }

  function copyWithSelection(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyWithSelection(text); });
    }
    return copyWithSelection(text);
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var permalink = target.closest("a.permalink");
    if (permalink) {
      var url = new URL(permalink.getAttribute("data-share") || permalink.getAttribute("href"), window.location.href).href;
      permalink.setAttribute("data-copied-url", url);
      copy(url).then(function () {
        announce((status && status.getAttribute("data-copied")) + url);
      }, function () {});
      return; // no preventDefault: the address bar still moves to the #anchor
    }
    var button = target.closest("button[data-copy-target]");
    if (button) {
      // One id, or several ("paragraph-text citation-line"): their texts one per line.
      var parts = button.getAttribute("data-copy-target").split(/\s+/).map(function (id) {
        var source = document.getElementById(id);
        return source ? source.textContent.replace(/\s+/g, " ").trim() : "";
      }).filter(Boolean);
      if (!parts.length) { return; }
      var text = parts.join("\n");
      copy(text).then(function () {
        announce((status && status.getAttribute("data-copied")) + text);
      }, function () {});
    }
  });

  // A link to a place inside a closed "原文" opens it (browsers that do not open <details> for a
  // fragment themselves); an English block without a Chinese partner (#en3) is read in the
  // parallel view, so a link to it from the normal view goes there.
  function revealTarget() {
    var name = decodeURIComponent(window.location.hash.slice(1));
    if (!name) { return; }
    var target = document.getElementById(name);
    if (!target) {
      var parallel = document.querySelector("a[data-parallel-view]");
      if (parallel && parallel.getAttribute("aria-current") !== "page") {
        window.location.replace(parallel.href + "#" + encodeURIComponent(name));
      }
      return;
    }
    for (var node = target.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; }
    }
    if (target.closest("details")) { target.scrollIntoView(); }
  }
  window.addEventListener("hashchange", revealTarget);
  revealTarget();

  // Copy buttons are useless without JS, so the page ships them hidden.
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-target]"), function (button) {
    button.hidden = false;
  });
})();
