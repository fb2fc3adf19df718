// A person or household field of a form (federation.core.forms.AutocompleteSelect): the page holds
// the chosen row only; typing a name, a whole ID number or its last four asks the field's
// ``data-autocomplete-url`` for the matching rows of the user's scope. Tom Select (django-tomselect's
// bundle, window.TomSelect) draws the box: keyboard (arrows, Enter) and touch alike.
(function () {
  "use strict";
  if (!window.TomSelect) return; // the plain drop-down of the chosen row still works
  document.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
    var url = select.getAttribute("data-autocomplete-url");
    // Tom Select gives the field's label to its own box: the select it keeps keeps the name too.
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !select.hasAttribute("aria-label")) select.setAttribute("aria-label", label.textContent.trim());
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    select.insertAdjacentElement("afterend", status);
    new window.TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: 20,
      loadThrottle: 250,
      allowEmptyOption: false, // the empty choice is no item: the placeholder shows instead
      placeholder: select.getAttribute("data-placeholder") || "",
      plugins: select.multiple ? ["remove_button"] : select.required ? [] : ["clear_button"],
      shouldLoad: function (query) { return query.trim().length > 0; },
      load: function (query, callback) {
        var self = this;
        var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
        fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            self.clearOptions();
            callback(data.results);
            status.textContent = data.results.length ? "找到 " + data.results.length + " 项" : "没有找到";
          })
          .catch(function () { callback(); });
      },
      render: {
        option: function (item, escape) {
          var number = item.id_number ? '<div class="small text-muted id-number">' + escape(item.id_number) + "</div>" : "";
          return "<div>" + escape(item.text) + number + "</div>";
        },
        item: function (item, escape) { return "<div>" + escape(item.text) + "</div>"; },
        no_results: function () { return '<div class="no-results">没有找到，请换个写法或输入身份证号后四位</div>'; },
        loading: function () { return '<div class="py-2 px-3 small text-muted">正在查找…</div>'; },
      },
    });
  });
})();
