// Progressive enhancement only: every feature works without this file.
// Every word it shows or announces comes from the page (body[data-words], the interface catalog),
// in the page's language.
(function () {
  "use strict";
  var words = {};
  try { words = JSON.parse(document.body.getAttribute("data-words") || "{}"); } catch (e) { words = {}; }

  function say(key, values) {
    var text = words[key] || "";
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(values[k]); });
    return text;
  }

  var announcer = document.getElementById("announce");
  function announce(text) {  // a polite live region: screen readers say it once
    if (!announcer || !text) return;
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = text; }, 30);
  }

  // Sorting applies as soon as it changes.
  document.querySelectorAll("form.sort select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
    var btn = sel.form.querySelector("button"); if (btn) btn.hidden = true;
  });

  // On a wide screen the facets stand beside the results: open their <details> (CSS alone does
  // it where the browser knows ::details-content).
  var filters = document.querySelector("details.filters");
  if (filters && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 761px)");
    var openWide = function () { if (wide.matches) filters.open = true; };
    openWide();
    if (wide.addEventListener) wide.addEventListener("change", openWide);
  }

  // A copy button beside each permalink and citation.
  document.querySelectorAll(".cite input, .cite textarea").forEach(function (field) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "copy"; b.textContent = say("copy");
    b.addEventListener("click", function () {
      field.select();
      var done = function () {
        b.textContent = say("copied");
        announce(say("copied"));
        setTimeout(function () { b.textContent = say("copy"); }, 1500);
      };
      if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    });
    field.parentNode.appendChild(b);
  });

  // Opening a paragraph link brings the paragraph to the middle of the screen.
  if (/^#p\d+$/.test(location.hash)) {
    var target = document.querySelector(location.hash);
    if (target) target.scrollIntoView({ block: "center" });
  }

  // Keyboard shortcuts: / search box, j/k next/previous result (or paragraph), Enter opens it
  // (the link has the focus), ? the list. Single keys can get in the way of speech input and
  // some assistive tools (WCAG 2.1.4), so the list has a switch, remembered in this browser.
  var STORE = "kliping-shortcuts";
  var dialog = document.getElementById("keys");
  var opener = document.querySelector(".keys-open");
  var toggle = dialog && dialog.querySelector(".keys-switch input");
  var box = document.getElementById("q");

  function enabled() {
    try { return localStorage.getItem(STORE) !== "off"; } catch (e) { return true; }
  }
  function setEnabled(on) {
    try { localStorage.setItem(STORE, on ? "on" : "off"); } catch (e) { /* private mode: this page only */ }
    announce(say(on ? "keys_on" : "keys_off"));
  }
  function showKeys() {
    if (!dialog || dialog.open || !dialog.showModal) return;
    if (toggle) toggle.checked = enabled();
    dialog.showModal();
  }
  if (opener && dialog && dialog.showModal) {
    opener.parentNode.hidden = false;
    opener.addEventListener("click", showKeys);
  }
  if (toggle) toggle.addEventListener("change", function () { setEnabled(toggle.checked); });

  var hits = Array.prototype.slice.call(document.querySelectorAll("li.hit"));
  var isResults = hits.length > 0;
  var items = isResults ? hits : Array.prototype.slice.call(document.querySelectorAll("section.para"));

  function linkOf(item) { return item.querySelector(isResults ? "h3 a" : "a.pn"); }

  function move(step) {
    if (!items.length) return;
    var at = items.findIndex(function (it) { return it.contains(document.activeElement); });
    if (at < 0) at = items.findIndex(function (it) { return it.classList.contains("current"); });
    var next = at < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + step));
    items.forEach(function (it) { it.classList.remove("current"); });
    var item = items[next];
    item.classList.add("current");
    item.scrollIntoView({ block: "center" });
    var link = linkOf(item);
    if (link) link.focus({ preventScroll: true });
    announce(say(isResults ? "keys_result" : "keys_para", { n: next + 1, count: items.length }));
  }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    var el = e.target;
    if (el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName))) return;
    if ((dialog && dialog.open) || !enabled()) return;
    if (e.key === "/" && box) {
      e.preventDefault();
      box.focus();
      box.select();
    } else if (e.key === "j" || e.key === "k") {
      if (!items.length) return;
      e.preventDefault();
      move(e.key === "j" ? 1 : -1);
    } else if (e.key === "?") {
      e.preventDefault();
      showKeys();
    }
  });
})();
