/* OZG service picker for the need and offer forms.
 *
 * Progressive enhancement of <select multiple data-ozg-picker>: a filter box above the 557
 * options, clicks that toggle an option without Ctrl, and a list of the chosen services with
 * remove buttons. Without JavaScript the plain multi-select still submits the same values.
 * The texts come translated from data attributes on the select.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.toLocaleLowerCase("de").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function applyFilter(select, term) {
    var wanted = fold(term.trim());
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var anyShown = false;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        option.hidden = wanted !== "" && fold(option.text).indexOf(wanted) === -1;
        anyShown = anyShown || !option.hidden;
      });
      group.hidden = !anyShown;
    });
  }

  function renderChosen(select, list, heading) {
    var chosen = Array.prototype.filter.call(select.options, function (option) { return option.selected; });
    heading.textContent = select.dataset.chosenLabel + " (" + chosen.length + ")";
    list.replaceChildren();
    chosen.forEach(function (option) {
      var item = document.createElement("li");
      item.className = "kern-flex kern-align-items-center kern-gap-sm";
      var name = document.createElement("span");
      name.textContent = option.text;
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "kern-btn kern-btn--tertiary kern-btn--x-small";
      remove.textContent = "×";
      remove.setAttribute("aria-label", select.dataset.removeLabel.replace("%(name)s", option.text));
      remove.addEventListener("click", function () {
        option.selected = false;
        select.dispatchEvent(new Event("change"));
        select.focus();
      });
      item.append(remove, name);
      list.append(item);
    });
  }

  function enhance(select) {
    var filter = document.createElement("input");
    filter.type = "search";
    filter.id = select.id + "-filter";
    filter.className = "kern-form-input__input kn-filter";
    filter.setAttribute("aria-controls", select.id);
    filter.setAttribute("autocomplete", "off");
    var filterLabel = document.createElement("label");
    filterLabel.htmlFor = filter.id;
    filterLabel.className = "kern-label";
    filterLabel.textContent = select.dataset.filterLabel;
    select.before(filterLabel, filter);

    var chosen = document.createElement("div");
    chosen.className = "kern-mt-sm";
    chosen.setAttribute("aria-live", "polite");
    var heading = document.createElement("p");
    heading.className = "kn-strong";
    var list = document.createElement("ul");
    list.className = "kern-list";
    chosen.append(heading, list);
    select.after(chosen);

    filter.addEventListener("input", function () { applyFilter(select, filter.value); });
    // A plain click toggles one option instead of replacing the whole choice.
    select.addEventListener("mousedown", function (event) {
      if (event.target.tagName !== "OPTION" || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      event.target.selected = !event.target.selected;
      select.focus();
      select.dispatchEvent(new Event("change"));
    });
    select.addEventListener("change", function () { renderChosen(select, list, heading); });
    renderChosen(select, list, heading);
  }

  document.querySelectorAll("select[data-ozg-picker]").forEach(enhance);
})();
