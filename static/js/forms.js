// A form marked data-disable-on-submit disables its buttons once sent: a second click sends nothing twice.
document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  });
});
