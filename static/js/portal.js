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

  // The deadline where the reader is: <span data-local-time="ISO8601"
  // data-zone="America/New_York" hidden>. Filled from the browser's own zone,
  // and left hidden where that is the round's zone or cannot be told.
  document.querySelectorAll("[data-local-time]").forEach(function (el) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
    if (!zone || zone === el.getAttribute("data-zone")) { return; }
    var moment = new Date(el.getAttribute("data-local-time"));
    if (isNaN(moment)) { return; }
    var text = new Intl.DateTimeFormat(document.documentElement.lang || "en-US", {
      month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
      timeZoneName: "short"
    }).format(moment);
    el.textContent = interpolate(gettext("That is %(when)s where you are (%(zone)s) · "), {when: text, zone: zone.replace(/_/g, " ")}, true);
    el.hidden = false;
  });

  // Countdown to a deadline: <span data-deadline="ISO8601">...</span>. It
  // counts whole minutes, changes once a minute, and has a button that stops
  // and restarts it (WCAG 2.2.2: moving content can be paused).
  document.querySelectorAll("[data-deadline]").forEach(function (el) {
    var deadline = new Date(el.getAttribute("data-deadline"));
    if (isNaN(deadline)) { return; }
    var timer = null;
    function tick() {
      var ms = deadline - new Date();
      if (ms <= 0) { el.textContent = gettext("closed"); stop(); return; }
      var m = Math.ceil(ms / 60000);
      var d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), min = m % 60;
      el.textContent = d
        ? interpolate(ngettext("%(d)s day %(h)s h %(m)s min left", "%(d)s days %(h)s h %(m)s min left", d), {d: d, h: h, m: min}, true)
        : interpolate(gettext("%(h)s h %(m)s min left"), {h: h, m: min}, true);
    }
    function start() { tick(); timer = setInterval(tick, 60000); }
    function stop() { if (timer) { clearInterval(timer); timer = null; } }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 ms-1 align-baseline countdown-toggle";
    button.textContent = gettext("Pause the countdown");
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var pausing = timer !== null;
      if (pausing) { stop(); } else { start(); }
      button.setAttribute("aria-pressed", pausing ? "true" : "false");
      button.textContent = pausing ? gettext("Resume the countdown") : gettext("Pause the countdown");
    });
    el.insertAdjacentElement("afterend", button);
    start();
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
