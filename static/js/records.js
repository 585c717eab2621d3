// "Add a row" for formsets rendered as tables (trainees, yearly costs, financing,
// indicators, milestones). The button is a plain submit button (name="add_row"): without
// JavaScript the server shows the form again, with what was typed and one more row.
// With JavaScript this script adds the row in place instead: it copies the formset's
// empty row (<template id="PREFIX-empty-row">) into <tbody id="PREFIX-rows">.
(function () {
  "use strict";
  function setup(button) {
    var prefix = button.value;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-row");
    var body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild &&
        body.lastElementChild.querySelector("input:not([type=hidden]), select");
      if (first) {
        first.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[name=add_row]").forEach(setup);
  });
})();
