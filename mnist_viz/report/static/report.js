/* mnist_viz report: confusion-cell drill-down (an ARIA grid: arrow keys, one tab stop), the epoch slider,
   sideways-scrolling boxes as tab stops, in-page links inside an iframe. No network, no eval, no innerHTML. */
(function () {
  "use strict";
  // a mark that the script ran (the layout does not depend on it: no shift; see the <noscript> style)
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
    if (!cell) { caption.textContent = "True " + tName + ", predicted " + pName + ": no test " + nouns[1] + "."; return; }
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

  // The ARIA grid pattern: one tab stop per matrix (the last focused cell); arrow keys move by one
  // cell, Home/End to the row's ends, Ctrl+Home/Ctrl+End to the first/last cell.
  function gridKeys(table) {
    var rows = [];
    var trs = table.querySelectorAll("tbody tr");
    for (var r = 0; r < trs.length; r++) { rows.push(trs[r].querySelectorAll("button.cell")); }
    function moveTo(b) {
      var all = table.querySelectorAll("button.cell");
      for (var i = 0; i < all.length; i++) { all[i].setAttribute("tabindex", all[i] === b ? "0" : "-1"); }
      b.focus();
    }
    table.addEventListener("focusin", function (ev) {
      var b = ev.target.closest ? ev.target.closest("button.cell") : null;
      if (b && b.getAttribute("tabindex") !== "0") { moveTo(b); }
    });
    table.addEventListener("keydown", function (ev) {
      var b = ev.target.closest ? ev.target.closest("button.cell") : null;
      if (!b || ev.altKey || ev.metaKey) { return; }
      var r = -1, c = -1;
      for (var i = 0; i < rows.length && r < 0; i++) {
        for (var j = 0; j < rows[i].length; j++) { if (rows[i][j] === b) { r = i; c = j; break; } }
      }
      if (r < 0) { return; }
      var last = rows.length - 1, end = rows[r].length - 1;
      var to = {
        ArrowRight: [r, Math.min(c + 1, end)], ArrowLeft: [r, Math.max(c - 1, 0)],
        ArrowDown: [Math.min(r + 1, last), c], ArrowUp: [Math.max(r - 1, 0), c],
        Home: ev.ctrlKey ? [0, 0] : [r, 0], End: ev.ctrlKey ? [last, rows[last].length - 1] : [r, end]
      }[ev.key];
      if (!to) { return; }
      ev.preventDefault();
      var next = rows[to[0]][Math.min(to[1], rows[to[0]].length - 1)];
      if (next) { moveTo(next); }
    });
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
      gridKeys(table);
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

  // Boxes that may scroll sideways (wide tables, the epoch frames, figures on a phone) are tab stops in the markup, so
  // that a keyboard can scroll them without JavaScript; here only those that do scroll stay so.
  function scrollStops() {
    var boxes = document.querySelectorAll(".table-wrap, .frames, .fig-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var scrolls = boxes[i].scrollWidth > boxes[i].clientWidth + 1;
      if (scrolls) { boxes[i].setAttribute("tabindex", "0"); } else { boxes[i].removeAttribute("tabindex"); }
    }
  }
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (resizeTimer) { clearTimeout(resizeTimer); }
    resizeTimer = setTimeout(scrollStops, 100);
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
      range.addEventListener("input", function () { show(); scrollStops(); });
      range.addEventListener("change", function () { show(); scrollStops(); });
      show();
    })(sliders[s]);
  }
  scrollStops();
})();
