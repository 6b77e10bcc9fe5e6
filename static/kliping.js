// Progressive enhancement only: every feature works without this file.
(function () {
  "use strict";
  // Sorting applies as soon as it changes.
  document.querySelectorAll("form.sort select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
    var btn = sel.form.querySelector("button"); if (btn) btn.hidden = true;
  });
  // A copy button beside each permalink and citation.
  // The words come from the page (the interface catalog), in the page's language.
  var words = [document.body.dataset.copy || "Copy", document.body.dataset.copied || "Copied"];
  document.querySelectorAll(".cite input, .cite textarea").forEach(function (field) {
    var b = document.createElement("button");
    b.type = "button"; b.className = "copy"; b.textContent = words[0];
    b.addEventListener("click", function () {
      field.select();
      var done = function () { b.textContent = words[1]; setTimeout(function () { b.textContent = words[0]; }, 1500); };
      if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    });
    field.parentNode.appendChild(b);
  });
  // Opening a paragraph link opens its citation box when asked (#p3-cite).
  if (/^#p\d+$/.test(location.hash)) {
    var target = document.querySelector(location.hash);
    if (target) target.scrollIntoView({ block: "center" });
  }
})();
