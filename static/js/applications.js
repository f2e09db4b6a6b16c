// The application form: add rows to the contacts and partners formsets.
// Without JavaScript the form still works: each save leaves an empty row.
(function () {
  "use strict";

  document.querySelectorAll("[data-add-row]").forEach(function (button) {
    var prefix = button.getAttribute("data-add-row");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.querySelector('[data-formset="' + prefix + '"]');
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!template || !rows || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      var number = row.querySelector(".row-number");
      if (number) { number.textContent = String(index + 1); }
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector(
        "input:not([type=hidden]), select, textarea"
      );
      if (first) { first.focus(); }
    });
  });
})();
