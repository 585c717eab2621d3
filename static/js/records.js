// "Add a row" for formsets rendered as tables (trainees of a training).
// Without JavaScript the page still works: it shows a few empty rows and a
// "save and add more" button; this script only adds rows in place.
(function () {
  "use strict";
  function setup(button) {
    var prefix = button.getAttribute("data-add-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("trainee-empty-row");
    var body = document.getElementById("trainee-rows");
    if (!total || !template || !body) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      body.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("input[type=text]");
      if (first) {
        first.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-add-row]").forEach(setup);
  });
})();
