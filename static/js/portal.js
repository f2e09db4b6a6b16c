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

  // Countdown to a deadline: <span data-deadline="ISO8601">...</span>
  document.querySelectorAll("[data-deadline]").forEach(function (el) {
    var deadline = new Date(el.getAttribute("data-deadline"));
    function tick() {
      var ms = deadline - new Date();
      if (ms <= 0) { el.textContent = "closed"; return; }
      var s = Math.floor(ms / 1000);
      var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600),
          m = Math.floor((s % 3600) / 60), sec = s % 60;
      el.textContent = (d ? d + " days " : "") + h + " h " + m + " min " + sec + " s left";
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
})();
