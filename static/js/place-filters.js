// A list's place filters (乡镇 → 村 → 村民小组): choosing a township or a village sends the filter
// form at once, without the choices that depended on the old one (``data-clears``), so the next
// drop-down offers the chosen one's villages or groups. The filters stay in the address.
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      (select.getAttribute("data-clears") || "").split(" ").forEach(function (name) {
        var dependent = name && form.elements[name];
        if (dependent) dependent.disabled = true; // not sent: the server offers the new choices
      });
      form.submit();
    });
  });
})();
