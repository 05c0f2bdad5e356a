(function () {
  "use strict";
  // Expand or collapse every family at once; each family is a <details> and folds alone.
  var families = document.querySelectorAll("details.family");
  document.querySelectorAll("[data-toggle-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-toggle-all") === "open";
      families.forEach(function (d) { d.open = open; });
    });
  });
  // Marks that this script, and only this one, ran: tests read it back from the DOM.
  document.body.dataset.ready = "1";
})();
