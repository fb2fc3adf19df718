// A form marked data-disable-on-submit disables its buttons once sent: a second click sends nothing twice.
document.querySelectorAll("form[data-disable-on-submit]").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
  });
});

// A household's number input with data-next-numbers ({group id: next free 户号}) takes the chosen
// group's next free number, unless the user typed another one.
document.querySelectorAll("input[data-next-numbers]").forEach(function (input) {
  var proposed = JSON.parse(input.getAttribute("data-next-numbers"));
  var group = input.form && input.form.querySelector("[name=group]");
  if (!group) return;
  var last = proposed[group.value] === input.value ? input.value : null;
  function propose() {
    var next = proposed[group.value];
    if (next && (input.value === "" || input.value === last)) {
      input.value = next;
      last = next;
    }
  }
  group.addEventListener("change", propose);
  if (input.value === "") propose();
});
