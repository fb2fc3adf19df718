// Typing an ID number fills birth date and sex and shows the age (GB 11643-1999).
// The server checks the number again (registry/idnumber.py); this is only a convenience.
(function () {
  "use strict";
  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";

  function parse(raw) {
    var v = (raw || "").replace(/\s/g, "").toUpperCase();
    if (v.length === 15 && /^\d{15}$/.test(v)) {
      var first = v.slice(0, 6) + "19" + v.slice(6);
      var s = 0;
      for (var i = 0; i < 17; i++) s += Number(first[i]) * WEIGHTS[i];
      v = first + CHECK[s % 11];
    }
    if (v.length < 18) return { partial: v };
    if (!/^\d{17}[\dX]$/.test(v)) return { error: "前 17 位应为数字，最后一位为数字或 X" };
    var y = Number(v.slice(6, 10)), m = Number(v.slice(10, 12)), d = Number(v.slice(12, 14));
    var birth = new Date(y, m - 1, d);
    if (birth.getFullYear() !== y || birth.getMonth() !== m - 1 || birth.getDate() !== d) {
      return { error: "出生日期 " + v.slice(6, 14) + " 不存在" };
    }
    if (birth > new Date()) return { error: "出生日期在今天之后" };
    var sum = 0;
    for (var j = 0; j < 17; j++) sum += Number(v[j]) * WEIGHTS[j];
    if (CHECK[sum % 11] !== v[17]) return { error: "校验位不对，请核对每一位数字" };
    var now = new Date();
    var age = now.getFullYear() - y;
    if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) age -= 1;
    var iso = y + "-" + String(m).padStart(2, "0") + "-" + String(d).padStart(2, "0");
    return { number: v, birth: iso, sex: Number(v[16]) % 2 === 1 ? "M" : "F", age: age };
  }

  function attach(input) {
    var form = input.form;
    var hint = document.createElement("div");
    hint.className = "form-text id-number-hint";
    hint.id = input.id + "_live";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    var birth = form.querySelector("[name=birth_date]");
    var sex = form.querySelector("[name=sex]");
    var age = form.querySelector("[name=age]");
    input.addEventListener("input", function () {
      var r = parse(input.value);
      input.classList.remove("is-valid", "is-invalid");
      if (r.error) {
        input.classList.add("is-invalid");
        hint.textContent = "身份证号有误：" + r.error;
        return;
      }
      if (!r.number) {
        hint.textContent = r.partial ? "已输入 " + r.partial.length + " 位" : "";
        return;
      }
      input.classList.add("is-valid");
      if (birth) birth.value = r.birth;
      if (sex) sex.value = r.sex;
      if (age) age.value = r.age;
      hint.textContent = "出生日期 " + r.birth + "，" + (r.sex === "M" ? "男" : "女") + "，" + r.age + " 周岁";
    });
  }

  document.querySelectorAll("[data-id-number]").forEach(attach);
})();
