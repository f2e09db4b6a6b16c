// Progressive enhancements; every page works without them.
// Its words come from the JavaScript catalog of the page's language
// (/jsi18n/<language>/, loaded before this file); without it, English.
(function () {
  "use strict";
  var gettext = window.gettext || function (s) { return s; };
  var ngettext = window.ngettext || function (s, p, n) { return n === 1 ? s : p; };
  var interpolate = window.interpolate || function (s, o) {
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return String(o[k]); });
  };

  // Live word counts under textareas that carry data-word-limit.
  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    var out = document.createElement("div");
    out.className = "form-text word-count";
    out.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", out);
    function update() {
      var n = countWords(area.value);
      out.textContent = interpolate(ngettext("%(count)s of %(limit)s word", "%(count)s of %(limit)s words", limit), {count: n, limit: limit}, true);
      out.classList.toggle("over", n > limit);
    }
    area.addEventListener("input", update);
    update();
  });

  // Countdown to a deadline: <span data-deadline="ISO8601">...</span>
  document.querySelectorAll("[data-deadline]").forEach(function (el) {
    var deadline = new Date(el.getAttribute("data-deadline"));
    function tick() {
      var ms = deadline - new Date();
      if (ms <= 0) { el.textContent = gettext("closed"); return; }
      var s = Math.floor(ms / 1000);
      var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600),
          m = Math.floor((s % 3600) / 60), sec = s % 60;
      el.textContent = d
        ? interpolate(ngettext("%(d)s day %(h)s h %(m)s min %(s)s s left", "%(d)s days %(h)s h %(m)s min %(s)s s left", d), {d: d, h: h, m: m, s: sec}, true)
        : interpolate(gettext("%(h)s h %(m)s min %(s)s s left"), {h: h, m: m, s: sec}, true);
    }
    tick();
    setInterval(tick, 1000);
  });

  // Buttons that submit a form once: a double click sends one request.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });

  // Confirm before destructive actions: <button data-confirm="Are you sure?">
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });

  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
})();
