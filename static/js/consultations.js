// The advice form's recommendation search: a new search keeps what was ticked in the results of the last one.
// Without JavaScript only the picks carried in the address stay (the search form sends them as "picked").
(function () {
  var search = document.getElementById("recommendation-search");
  if (!search) { return; }
  search.addEventListener("submit", function () {
    search.querySelectorAll("input[name=picked]").forEach(function (old) { old.remove(); });
    document.querySelectorAll("input[name=recommendation]:checked").forEach(function (box) {
      var keep = document.createElement("input");
      keep.type = "hidden";
      keep.name = "picked";
      keep.value = box.value;
      search.appendChild(keep);
    });
  });
})();
