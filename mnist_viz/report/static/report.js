/* mnist_viz report: confusion-cell drill-down, the epoch slider, in-page links inside an iframe. No network, no eval, no innerHTML. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var dataNode = document.getElementById("drill-data");
  var drills = {};
  try { drills = JSON.parse(dataNode ? dataNode.textContent : "{}") || {}; } catch (e) { drills = {}; }

  function showCell(table, button) {
    var id = table.getAttribute("data-drill");
    var info = drills[id];
    if (!info) { return; }
    var key = button.getAttribute("data-cell");
    var cell = info.cells[key];
    var thumbs = document.getElementById(id + "-thumbs");
    var caption = document.getElementById(id + "-drill-caption");
    var pressed = table.querySelectorAll('button[aria-pressed="true"]');
    for (var i = 0; i < pressed.length; i++) { pressed[i].setAttribute("aria-pressed", "false"); }
    button.setAttribute("aria-pressed", "true");
    while (thumbs.firstChild) { thumbs.removeChild(thumbs.firstChild); }
    var parts = key.split(",");
    var heads = table.querySelectorAll("thead th");
    var tName = heads[+parts[0] + 1] ? heads[+parts[0] + 1].textContent.trim() : parts[0];
    var pName = heads[+parts[1] + 1] ? heads[+parts[1] + 1].textContent.trim() : parts[1];
    var nouns = (table.getAttribute("data-nouns") || "digit|digits").split("|");
    if (!cell) { caption.textContent = "No " + nouns[1] + " in this cell."; return; }
    var shown = cell.idx.length;
    caption.textContent = "True " + tName + ", predicted " + pName + ": " + cell.n + " test " +
      (cell.n === 1 ? nouns[0] : nouns[1]) + (cell.n > shown ? " (the " + shown + " most confident shown)" : "") + ".";
    var scale = 2, tile = info.tile;
    for (var j = 0; j < shown; j++) {
      var wrap = document.createElement("div");
      wrap.className = "thumb";
      var d = document.createElement("div");
      d.className = "digit";
      d.setAttribute("role", "img");
      d.setAttribute("aria-label", "test " + nouns[0] + " #" + cell.idx[j] + ", true " + tName + ", predicted " + pName);
      d.style.backgroundImage = 'url("' + info.sprite + '")';
      d.style.backgroundSize = (info.per_cell * tile * scale) + "px auto";
      d.style.backgroundPosition = (-j * tile * scale) + "px " + (-cell.row * tile * scale) + "px";
      var label = document.createElement("span");
      label.textContent = "#" + cell.idx[j] + " · " + Math.round(cell.conf[j] * 100) + "%";
      wrap.appendChild(d);
      wrap.appendChild(label);
      thumbs.appendChild(wrap);
    }
  }

  var tables = document.querySelectorAll("table.cm[data-drill]");
  for (var t = 0; t < tables.length; t++) {
    (function (table) {
      if (!table.getAttribute("data-drill")) { return; }
      table.addEventListener("click", function (ev) {
        var b = ev.target.closest ? ev.target.closest("button.cell") : null;
        if (b && table.contains(b)) { showCell(table, b); }
      });
      var buttons = table.querySelectorAll("button.cell");
      for (var k = 0; k < buttons.length; k++) { buttons[k].setAttribute("aria-pressed", "false"); }
    })(tables[t]);
  }

  // In-page links (the table of contents, "back to contents", the overview's run names). Inside
  // an <iframe srcdoc> (Report._repr_html_ in a notebook) the document's URL is about:srcdoc but
  // links resolve against the parent page's URL, so "#r1-summary" would load the notebook page (or,
  // from file://, be refused) instead of scrolling. Such clicks are handled here: scroll the target
  // into view and move the keyboard focus to it, as a fragment jump does for screen readers. In an
  // ordinary page, where the link already points into this document, the browser's own jump
  // (history entry, :target) is kept.
  function leavesDocument(a) {
    return a.href.split("#")[0] !== window.location.href.split("#")[0];
  }
  function jumpTo(target) {
    target.scrollIntoView({ block: "start" });
    if (!target.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA|SUMMARY)$/.test(target.tagName)) {
      target.setAttribute("tabindex", "-1");
    }
    try { target.focus({ preventScroll: true }); } catch (e) { target.focus(); }
  }
  document.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) { return; }
    var a = ev.target.closest ? ev.target.closest('a[href^="#"]') : null;
    if (!a || !leavesDocument(a)) { return; }
    ev.preventDefault();
    var id = a.getAttribute("href").slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep it as written */ }
    var target = id ? document.getElementById(id) : document.body;
    if (target) { jumpTo(target); }
  });

  var sliders = document.querySelectorAll("[data-slider]");
  for (var s = 0; s < sliders.length; s++) {
    (function (box) {
      var id = box.getAttribute("data-slider");
      var range = document.getElementById(id + "-range");
      var out = document.getElementById(id + "-out");
      var frames = box.querySelectorAll(".frame");
      if (!range || !frames.length) { return; }
      function show() {
        var i = Math.max(0, Math.min(frames.length - 1, parseInt(range.value, 10) || 0));
        for (var f = 0; f < frames.length; f++) { frames[f].classList.toggle("current", f === i); }
        var label = "epoch " + frames[i].getAttribute("data-epoch");
        out.textContent = label;
        range.setAttribute("aria-valuetext", label);
      }
      range.addEventListener("input", show);
      range.addEventListener("change", show);
      show();
    })(sliders[s]);
  }
})();
