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

  // A table wider than its box scrolls inside it: the box takes the keyboard
  // focus (arrow keys scroll it) and is named after the table's caption, on
  // a phone; where the table fits, it is no stop of the Tab key.
  function scrollBoxes() {
    document.querySelectorAll(".table-responsive").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute(
          "aria-label",
          (caption ? caption.textContent.trim() : "Table") + " (scrolls sideways)"
        );
        box.dataset.scrollBox = "";
      } else if (!scrolls && box.hasAttribute("data-scroll-box")) {
        ["tabindex", "role", "aria-label", "data-scroll-box"].forEach(function (a) {
          box.removeAttribute(a);
        });
      }
    });
  }
  scrollBoxes();
  window.addEventListener("resize", scrollBoxes);

  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (el) {
    el.addEventListener("click", function () { window.print(); });
  });

  // A form sent back with errors: its summary (role="alert", so screen readers
  // announce it) takes the focus, and the next Tab reaches the first field
  // that needs attention. A form without a summary of its own gets one.
  function errorSummary() {
    document.querySelectorAll("main form .is-invalid").forEach(function (el) {
      if (el.matches("input, select, textarea") && !el.hasAttribute("aria-invalid")) {
        el.setAttribute("aria-invalid", "true");
      }
    });
    var invalid = document.querySelector("main form .is-invalid, main form [aria-invalid=true]");
    var summary = document.getElementById("form-errors");
    if (!summary && invalid) {
      var form = invalid.closest("form");
      summary = document.createElement("div");
      summary.id = "form-errors";
      summary.className = "alert alert-danger";
      summary.setAttribute("role", "alert");
      summary.textContent = gettext("Some fields need attention: each says what below it. Nothing was saved.");
      form.parentNode.insertBefore(summary, form);
    }
    if (!summary) { return; }
    if (invalid) {
      var field = invalid.matches("input, select, textarea") ? invalid
        : invalid.querySelector("input, select, textarea");
      if (field) {
        var describedBy = (field.getAttribute("aria-describedby") || "").split(/\s+/);
        if (describedBy.indexOf("form-errors") === -1) {
          describedBy.push("form-errors");
          field.setAttribute("aria-describedby", describedBy.join(" ").trim());
        }
      }
    }
    summary.setAttribute("tabindex", "-1");
    summary.focus();
  }
  errorSummary();
})();
