// Long choice lists (a person, a household) get a search box above them: typing a name or a
// group narrows the options, so a person is picked instead of retyped. Without JavaScript the
// plain list still works.
(function () {
  "use strict";
  document.querySelectorAll("select").forEach(function (select) {
    if (select.options.length < 30 || select.multiple) return;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = "输入姓名或组名查找（共 " + (select.options.length - 1) + " 项）";
    box.setAttribute("aria-label", "查找选项");
    box.setAttribute("data-filters", select.id);
    select.insertAdjacentElement("beforebegin", box);
    var all = Array.prototype.slice.call(select.options);
    box.addEventListener("input", function () {
      var q = box.value.trim();
      var first = null;
      all.forEach(function (option) {
        var show = !q || option.value === "" || option.text.indexOf(q) !== -1;
        option.hidden = !show;
        option.disabled = !show && option.value !== select.value;
        if (show && option.value && first === null) first = option;
      });
      if (first && (select.selectedOptions.length === 0 || select.selectedOptions[0].hidden || !select.value)) {
        select.value = first.value;
        select.dispatchEvent(new Event("change"));
      }
    });
  });
})();
