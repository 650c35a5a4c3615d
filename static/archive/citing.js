/* Copying from a paragraph brings its citation along: select some text in a block, copy, and the
   clipboard holds the text followed by "S/2018/1183，第 12 段，<permanent URL>".  The lines come
   from the page (#cite-lines on a document page, #citation-line on a paragraph's own page), so the
   citation is the server's, in the reader's language.  Without JS, copying copies just the text. */
(function () {
  "use strict";

  var lines = {};
  var data = document.getElementById("cite-lines");
  if (data) {
    try { lines = JSON.parse(data.textContent); } catch (e) { lines = {}; }
  }

  function blockOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    // The English text shown in place of a Chinese block ("原文") is a block of its own.
    return element ? element.closest("[data-cite], .document__body .block, .standalone__text") : null;
  }

  function citationFor(block) {
    if (block.classList.contains("standalone__text")) {
      var line = document.getElementById(block.getAttribute("data-cite-line") || "citation-line");
      return line ? line.textContent.trim() : "";
    }
    // A block says which line is its own (data-cite: "p12", the English text's "en:p12"); otherwise a
    // paragraph carries its anchor on the block, a heading on the <h2>–<h4> inside it.
    var anchor = block.getAttribute("data-cite") || block.id || (block.querySelector("h2[id], h3[id], h4[id]") || {}).id;
    return lines[anchor] || "";
  }

  document.addEventListener("copy", function (event) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !event.clipboardData) { return; }
    var range = selection.getRangeAt(0);
    var block = blockOf(range.startContainer);
    // Only a selection within one block: a quotation spanning several has no single pin-point.
    if (!block || block !== blockOf(range.endContainer)) { return; }
    var citation = citationFor(block);
    if (!citation) { return; }
    event.clipboardData.setData("text/plain", selection.toString().trim() + "\n\n" + citation);
    event.preventDefault();
  });
})();
