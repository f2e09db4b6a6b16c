// Answers in progress of an anonymous survey stay in this browser only:
// saved to localStorage as the person types, restored on return, and
// removed once the answers are submitted (the thank-you page clears them).
(function () {
  "use strict";
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var store = storage();
  if (!store) { return; }

  document.querySelectorAll("[data-survey-clear]").forEach(function (el) {
    store.removeItem(el.getAttribute("data-survey-clear"));
  });

  document.querySelectorAll("form[data-survey-progress]").forEach(function (form) {
    var key = form.getAttribute("data-survey-progress");
    var hasServerErrors = document.getElementById("form-errors") !== null;

    function collect() {
      var data = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || el.name.charAt(0) !== "q") { return; }
        if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
        (data[el.name] = data[el.name] || []).push(el.value);
      });
      return data;
    }

    function restore(data) {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name || !(el.name in data)) { return; }
        var values = data[el.name];
        if (el.type === "radio" || el.type === "checkbox") {
          el.checked = values.indexOf(el.value) !== -1;
        } else {
          el.value = values[0] || "";
        }
      });
    }

    if (!hasServerErrors) {
      try {
        var saved = JSON.parse(store.getItem(key) || "null");
        if (saved) { restore(saved); }
      } catch (e) { store.removeItem(key); }
    }
    function save() { store.setItem(key, JSON.stringify(collect())); }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
  });
})();
