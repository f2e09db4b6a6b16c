// Progressive enhancements; every page works without them.
(function () {
  "use strict";

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
      out.textContent = n + " of " + limit + " words";
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
    var text = new Intl.DateTimeFormat("en-US", {
      month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
      timeZoneName: "short"
    }).format(moment);
    el.textContent = "That is " + text + " where you are (" + zone.replace(/_/g, " ") + ") · ";
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
      if (ms <= 0) { el.textContent = "closed"; stop(); return; }
      var m = Math.ceil(ms / 60000);
      var d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), min = m % 60;
      el.textContent = (d ? d + (d === 1 ? " day " : " days ") : "") +
        (d || h ? h + " h " : "") + min + " min left";
    }
    function start() { tick(); timer = setInterval(tick, 60000); }
    function stop() { if (timer) { clearInterval(timer); timer = null; } }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 ms-1 align-baseline countdown-toggle";
    button.textContent = "Pause the countdown";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var pausing = timer !== null;
      if (pausing) { stop(); } else { start(); }
      button.setAttribute("aria-pressed", pausing ? "true" : "false");
      button.textContent = pausing ? "Resume the countdown" : "Pause the countdown";
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
