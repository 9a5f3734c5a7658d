/* Registration: the type list offers only the types of the chosen kind of organisation.
 *
 * Progressive enhancement of <select data-types-of="ID">: its options carry data-kind; options and
 * groups of other kinds are hidden, and a chosen type that does not fit the new kind is cleared.
 * Without JavaScript the list stays grouped by kind and the server refuses a type of another kind.
 */
(function () {
  "use strict";

  function fit(types, kind) {
    Array.prototype.forEach.call(types.querySelectorAll("optgroup"), function (group) {
      var shown = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        option.hidden = option.disabled = kind !== "" && option.dataset.kind !== kind;
        shown = shown || !option.hidden;
      });
      group.hidden = !shown;
    });
    var chosen = types.options[types.selectedIndex];
    if (chosen && chosen.hidden) {
      types.value = "";
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-types-of]"), function (types) {
    var kind = document.getElementById(types.dataset.typesOf);
    if (!kind) {
      return;
    }
    kind.addEventListener("change", function () { fit(types, kind.value); });
    fit(types, kind.value);
  });
}());
