// The navigation groups are <details>, which open and close without this file. It adds what a menu is
// expected to do: one group open at a time, Escape closes it (focus back on its entry), a click elsewhere too.
(function () {
  "use strict";
  var groups = Array.prototype.slice.call(document.querySelectorAll(".kn-nav__disclosure"));

  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) {
        if (other !== group) other.open = false;
      });
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    groups.forEach(function (group) {
      if (group.open && group.contains(document.activeElement)) {
        group.open = false;
        group.querySelector("summary").focus();
      } else if (group.open) {
        group.open = false;
      }
    });
  });

  document.addEventListener("click", function (event) {
    groups.forEach(function (group) {
      if (group.open && !group.contains(event.target) && !group.closest(".kn-nav__menu")) group.open = false;
    });
  });
})();
