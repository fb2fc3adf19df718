// Entry without a network (issue 16, part B; federation.api.offline says which pages and entries).
// On a village director's phone: registers the service worker (static/js/sw.js) and keeps the pages
// she enters with; a form of a person, a household, a visit or a register entry submitted without a
// network is queued in IndexedDB (idb, window.idb) and sent through the API (/api/v1/) when the
// network returns, or by the 立即同步 button, so the server judges it with the same rules. Refused
// entries come back with their messages on their fields; an entry someone changed on the server
// meanwhile is shown side by side to choose. The header counts what waits (待同步). Everything kept is
// wiped at log-out (after asking while entries wait), when another user signs in, and after
// wipe_days without a successful sync. An edit page is kept only as a copy whose ID numbers, phones
// and birth dates are masked (cfg.masking, from federation.core.masking); what she leaves masked is
// not sent, so the server keeps the whole value.
(function () {
  "use strict";
  var node = document.querySelector('meta[name="offline-config"]');
  if (!node || !window.idb || !("indexedDB" in window)) return;
  var cfg = JSON.parse(node.getAttribute("content"));
  var CACHE = "federation-offline";
  var META = "/offline/__meta";
  var DB = "federation-offline";
  var DAY = 86400000;
  var dbPromise = null;

  function db() {
    if (!dbPromise) {
      dbPromise = window.idb.openDB(DB, 1, {
        upgrade: function (database) {
          database.createObjectStore("entries", { keyPath: "id", autoIncrement: true });
          database.createObjectStore("meta", { keyPath: "key" });
        },
      });
    }
    return dbPromise;
  }
  function getMeta(key) { return db().then(function (d) { return d.get("meta", key); }).then(function (r) { return r ? r.value : null; }); }
  function setMeta(key, value) { return db().then(function (d) { return d.put("meta", { key: key, value: value }); }); }
  function entries() { return db().then(function (d) { return d.getAll("entries"); }); }
  function putEntry(entry) { return db().then(function (d) { return d.put("entries", entry); }); }
  function deleteEntry(id) { return db().then(function (d) { return d.delete("entries", id); }); }

  // Everything this phone keeps for the app: the queue, its notes and the kept pages. The stores are
  // emptied rather than the database deleted: a deletion waits for every other open page of the site.
  function wipe() {
    return db().then(function (d) {
      var tx = d.transaction(["entries", "meta"], "readwrite");
      tx.objectStore("entries").clear();
      tx.objectStore("meta").clear();
      return tx.done;
    }).then(function () { return window.caches ? caches.delete(CACHE) : null; });
  }

  // What the service worker reads offline: when the last successful sync was, and the days allowed.
  function noteSync(at) {
    return setMeta("lastSync", at).then(function () {
      if (!window.caches) return null;
      return caches.open(CACHE).then(function (cache) {
        var body = JSON.stringify({ lastSync: at, days: cfg.wipe_days, user: cfg.user });
        return cache.put(META, new Response(body, { headers: { "Content-Type": "application/json" } }));
      });
    });
  }

  function checkOwnerAndAge() {
    return Promise.all([getMeta("owner"), getMeta("lastSync")]).then(function (values) {
      var owner = values[0], last = values[1];
      var stale = last && Date.now() - last > cfg.wipe_days * DAY;
      var other = cfg.user && owner && owner !== cfg.user;
      if (stale || other) return wipe().then(function () { return true; });
      return false;
    }).then(function () {
      if (!cfg.user || !cfg.enabled) return null;
      return getMeta("owner").then(function (owner) {
        if (owner) return null;
        return setMeta("owner", cfg.user).then(function () { return noteSync(Date.now()); });
      });
    });
  }

  // ---- the header's count -------------------------------------------------------------------
  function showCount() {
    return entries().then(function (all) {
      var mine = all.filter(function (e) { return e.user === cfg.user; });
      var badge = document.getElementById("sync-count");
      if (badge) {
        badge.hidden = mine.length === 0;
        badge.querySelector("[data-sync-count]").textContent = String(mine.length);
        badge.setAttribute("aria-label", "待同步 " + mine.length + " 条");
      }
      return mine;
    });
  }

  // ---- keeping the pages --------------------------------------------------------------------
  // Each page of cfg.keep is fetched once, and again when the copy is half a day old (the roster
  // changes; the pages she visits online are kept fresh by the service worker as she goes).
  var REFRESH = 12 * 3600000;
  function keepPages() {
    if (!window.caches || !navigator.onLine || !cfg.keep) return Promise.resolve();
    return getMeta("keptAt").then(function (keptAt) {
      var fresh = keptAt && Date.now() - keptAt < REFRESH;
      return caches.open(CACHE).then(function (cache) {
        return Promise.all(cfg.keep.map(function (url) {
          return fresh ? cache.match(url, { ignoreVary: true }).then(function (hit) { return hit ? null : url; }) : url;
        })).then(function (missing) {
          missing = missing.filter(Boolean);
          if (!missing.length) return null;
          return keepThese(cache, missing).then(function () { return setMeta("keptAt", Date.now()); });
        });
      });
    });
  }

  function keepThese(cache, urls) {
    return Promise.resolve().then(function () {
      var assets = new Set();
      document.querySelectorAll("script[src], link[rel=stylesheet][href], link[rel=icon][href]").forEach(function (el) {
        assets.add(el.getAttribute("src") || el.getAttribute("href"));
      });
      // One page after the other: easy on the server and on her phone's data.
      return urls.reduce(function (chain, url) { return chain.then(function () {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok || response.redirected) return null;
          var copy = response.clone();
          return cache.put(url, response).then(function () {
            if (!(copy.headers.get("Content-Type") || "").startsWith("text/html")) return null;
            return copy.text().then(function (html) {
              var doc = new DOMParser().parseFromString(html, "text/html");
              doc.querySelectorAll("script[src], link[rel=stylesheet][href]").forEach(function (el) {
                assets.add(el.getAttribute("src") || el.getAttribute("href"));
              });
            });
          });
        }).catch(function () { return null; });
      }); }, Promise.resolve()).then(function () {
        return Promise.all(Array.from(assets).map(function (url) {
          return cache.match(url, { ignoreVary: true }).then(function (hit) { return hit || cache.add(url).catch(function () { return null; }); });
        }));
      });
    });
  }

  // ---- an edit page, kept masked ----------------------------------------------------------------
  // An edit page's form holds the record's whole ID number, phone and birth date. The server marks it
  // "X-Offline: edit" and the worker does not keep it; this keeps a copy instead, fetched again, in
  // which the fields the server names (cfg.masking) hold the masked values (the shapes of
  // federation.core.masking: 513***********002X, 138****5678) or, a birth date, nothing; any other
  // ID number on the page is masked, and a person chosen shows her age in place of her birth date.
  var MASKING = cfg.masking || null;
  var ID_SHAPED = /(^|[^0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])/g;
  var ISO_DATE = /(^|[^0-9])(\d{4})-(\d{2})-(\d{2})(?![0-9])/g;

  function maskIdNumber(value) {
    var m = MASKING;
    if (!value) return "";
    if (value.length < 15) return m.mask.repeat(value.length);
    return value.slice(0, m.id_head) + m.mask.repeat(value.length - m.id_head - m.id_tail) + value.slice(-m.id_tail);
  }

  function maskPhone(value) {
    var m = MASKING, positions = [];
    if (!value) return "";
    for (var i = 0; i < value.length; i++) if (value[i] >= "0" && value[i] <= "9") positions.push(i);
    var count = positions.length, span = m.phone_hidden + m.phone_tail;
    var hidden = count >= span ? positions.slice(count - span, count - m.phone_tail) : positions.slice(0, count - Math.floor(count / 2));
    var chars = value.split("");
    hidden.forEach(function (at) { chars[at] = m.mask; });
    return chars.join("");
  }

  // Her age in whole years on the day ages are counted (federation.core.policy.ages_on).
  function ageOn(year, month, day) {
    var on = MASKING.ages_on.split("-").map(Number);
    return on[0] - year - (on[1] < month || (on[1] === month && on[2] < day) ? 1 : 0);
  }

  function maskText(text) {
    return text.replace(ID_SHAPED, function (all, before, number) { return before + maskIdNumber(number); });
  }

  // A form's field by its name without a formset's prefix or Django's "initial-".
  function bareName(name) { return name.slice(name.lastIndexOf("-") + 1); }

  function maskedCopy(html) {
    var m = MASKING;
    var doc = new DOMParser().parseFromString(html, "text/html");
    var masked = 0;
    doc.querySelectorAll("input[name], textarea[name]").forEach(function (field) {
      var name = bareName(field.getAttribute("name"));
      var area = field.tagName === "TEXTAREA";
      var value = area ? field.textContent : field.getAttribute("value") || "";
      var shown;
      if (m.id_number.indexOf(name) !== -1) shown = maskIdNumber(value);
      else if (m.phone.indexOf(name) !== -1) shown = maskPhone(value);
      else if (m.birth.indexOf(name) !== -1) shown = "";
      else return;
      if (area) field.textContent = shown;
      else field.setAttribute("value", shown);
      field.setAttribute("data-offline-masked", shown);
      ["required", "pattern", "minlength"].forEach(function (rule) { field.removeAttribute(rule); });
      if (value) masked += 1;
    });
    var walker = doc.createTreeWalker(doc.documentElement, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) node.nodeValue = maskText(node.nodeValue);
    doc.querySelectorAll("*").forEach(function (el) {
      Array.from(el.attributes).forEach(function (attr) {
        var value = maskText(attr.value);
        if (value !== attr.value) el.setAttribute(attr.name, value);
      });
    });
    doc.querySelectorAll("select[data-autocomplete-url] option").forEach(function (option) {
      option.textContent = option.textContent.replace(ISO_DATE, function (all, before, y, mo, d) {
        return before + ageOn(Number(y), Number(mo), Number(d)) + "岁";
      });
    });
    var form = doc.querySelector("main form[method=post]");
    if (form && masked) {
      var note = doc.createElement("div");
      note.className = "alert alert-info small offline-masked-note";
      note.textContent = "这是存在手机上的副本：身份证号和电话只显示部分，出生日期不显示。不改动的，保留系统里原来的内容。";
      form.prepend(note);
    }
    doc.documentElement.setAttribute("data-offline-copy", "1");
    return "<!doctype html>\n" + doc.documentElement.outerHTML;
  }

  function keepMaskedCopy() {
    var target = routeOf(location.pathname);
    if (!window.caches || !MASKING || !navigator.onLine || !target || target.method !== "PATCH") return Promise.resolve();
    if (document.documentElement.dataset.offlineCopy) return Promise.resolve();
    return fetch(location.pathname, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok || response.redirected || response.headers.get("X-Offline") !== "edit") return null;
      return response.text().then(function (html) {
        var copy = new Response(maskedCopy(html), { headers: { "Content-Type": "text/html; charset=utf-8" } });
        return caches.open(CACHE).then(function (cache) { return cache.put(location.pathname, copy); });
      });
    }).catch(function () { return null; });
  }

  // ---- the forms ----------------------------------------------------------------------------
  function routeOf(path) {
    var routes = cfg.routes || [];
    for (var i = 0; i < routes.length; i++) {
      var route = routes[i];
      if (path === route.create) return { route: route, method: "POST", api: route.api };
      var match = path.match(new RegExp(route.update));
      if (match) return { route: route, method: "PATCH", api: route.api + match[1] + "/" };
    }
    return null;
  }

  function labelOf(form, name) {
    var field = form.querySelector('[name="' + name + '"]');
    if (!field) return name;
    var wrapper = field.closest(".mb-3, fieldset, .form-group");
    var several = field.type === "radio" || (field.type === "checkbox" && form.querySelectorAll('[name="' + name + '"]').length > 1);
    var label = (several && wrapper && wrapper.querySelector("legend, label.form-label")) ||
      (field.id && form.querySelector('label[for="' + field.id + '"]')) ||
      (wrapper && wrapper.querySelector("legend, label"));
    return label ? label.textContent.replace("*", "").trim() : name;
  }

  // The token, the page to go back to, and Django's copies of initial values are not the entry's.
  function skipped(name) { return name === "csrfmiddlewaretoken" || name === "next" || name.indexOf("initial-") === 0; }

  function readForm(form) {
    var data = {}, texts = {}, labels = {}, choices = {};
    new FormData(form).forEach(function (value, name) {
      if (skipped(name) || value instanceof File) return;
      if (name in data) data[name] = [].concat(data[name], value);
      else data[name] = value;
    });
    form.querySelectorAll("[name]").forEach(function (field) {
      var name = field.name;
      if (skipped(name) || field.type === "hidden") return;
      labels[name] = labels[name] || labelOf(form, name);
      if (field.tagName === "SELECT") {
        var options = {};
        Array.from(field.options).slice(0, 200).forEach(function (o) { options[o.value] = o.textContent.trim(); });
        choices[name] = options;
        texts[name] = Array.from(field.selectedOptions).filter(function (o) { return o.value !== ""; })
          .map(function (o) { return o.textContent.trim(); }).join("、");
      } else if (field.type === "radio" || field.type === "checkbox") {
        var label = field.id && form.querySelector('label[for="' + field.id + '"]');
        choices[name] = choices[name] || {};
        choices[name][field.value] = label ? label.textContent.trim() : field.value;
        if (field.checked) texts[name] = (texts[name] ? texts[name] + "、" : "") + choices[name][field.value];
      }
      if (!(name in data) && field.type === "checkbox") data[name] = field.value === "on" ? false : [];
    });
    return { data: data, texts: texts, labels: labels, choices: choices };
  }

  function fillForm(form, entry) {
    Object.keys(entry.data).forEach(function (name) {
      var value = entry.data[name];
      var values = [].concat(value).map(String);
      form.querySelectorAll('[name="' + name + '"]').forEach(function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = field.value === "on" ? value === "on" || value === true : values.indexOf(field.value) !== -1;
        } else if (field.tagName === "SELECT") {
          if (field.tomselect) {
            values.forEach(function (v) { field.tomselect.addOption({ value: v, text: (entry.texts || {})[name] || v }); });
            field.tomselect.setValue(values, true);
          } else {
            values.forEach(function (v) {
              if (!Array.from(field.options).some(function (o) { return o.value === v; })) field.add(new Option((entry.texts || {})[name] || v, v));
            });
            Array.from(field.options).forEach(function (o) { o.selected = values.indexOf(o.value) !== -1; });
          }
        } else if (field.type !== "file" && name !== "csrfmiddlewaretoken") {
          field.value = values[0] || "";
        }
      });
    });
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".offline-error").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var text = errors[name].join(" ");
      var field = form.querySelector('[name="' + name + '"]');
      var box = document.createElement("div");
      box.className = "offline-error invalid-feedback d-block";
      box.textContent = text;
      if (field && name !== "__all__" && field.type !== "hidden") {
        field.classList.add("is-invalid");
        (field.closest(".mb-3, fieldset") || field.parentNode).appendChild(box);
      } else {
        box.className = "offline-error alert alert-danger";
        box.textContent = (field && name !== "__all__" ? labelOf(form, name) + "：" : "") + text;
        form.prepend(box);
      }
    });
  }

  function entryTitle(form, read, method) {
    var heading = document.querySelector("main h1");
    var who = method === "POST" ? read.texts.person || read.data.name || "" : "";
    return (heading ? heading.textContent.trim() : document.title) + (who ? "：" + who : "");
  }

  function watchForms() {
    var target = routeOf(location.pathname);
    if (!target) return;
    var form = document.querySelector("main form[method=post]");
    if (!form) return;
    var editing = null;
    var match = location.hash.match(/^#queued-(\d+)$/);
    if (match) {
      db().then(function (d) { return d.get("entries", Number(match[1])); }).then(function (entry) {
        if (!entry || entry.user !== cfg.user) return;
        editing = entry;
        fillForm(form, entry);
        showErrors(form, entry.errors);
        var note = document.createElement("div");
        note.className = "alert alert-info offline-editing";
        note.textContent = "正在修改待同步的记录：保存后重新发送。";
        form.prepend(note);
      });
    }
    var copy = document.documentElement.dataset.offlineCopy === "1"; // the masked copy: always queued
    form.addEventListener("submit", function (event) {
      if (navigator.onLine && !editing && !copy) return; // online: the page's own post, as always
      event.preventDefault();
      var read = readForm(form);
      // A masked field left as it is is not sent: the server keeps its whole value.
      form.querySelectorAll("[data-offline-masked]").forEach(function (field) {
        if (field.value === field.getAttribute("data-offline-masked")) delete read.data[field.name];
      });
      var entry = editing || { user: cfg.user, created: Date.now() };
      Object.assign(entry, {
        api: target.api, method: target.method, page: location.pathname, title: entryTitle(form, read, target.method),
        data: read.data, texts: read.texts, labels: read.labels, choices: read.choices,
        status: "waiting", errors: null, current: null, changes: null, saved: Date.now(),
      });
      putEntry(entry).then(function () {
        if (navigator.onLine) return sync();
        return null;
      }).then(function () { location.assign(cfg.queue + "#saved"); });
    });
  }

  // ---- sending ------------------------------------------------------------------------------
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  var syncing = null;
  function sync() {
    if (syncing) return syncing;
    var run = function () { return sendAll(); };
    syncing = (navigator.locks ? navigator.locks.request("federation-offline-sync", run) : run())
      .finally(function () { syncing = null; });
    return syncing;
  }

  function kept(current, data) {
    var out = { version: current.version };
    Object.keys(data).forEach(function (name) { if (name in current) out[name] = current[name]; });
    return out;
  }

  function sendAll() {
    return entries().then(function (all) {
      var failed = false, waiting = all.filter(function (e) { return e.user === cfg.user && e.status === "waiting"; });
      var chain = Promise.resolve();
      waiting.forEach(function (entry) {
        chain = chain.then(function () {
          if (failed) return null;
          return fetch(entry.api, {
            method: entry.method,
            credentials: "same-origin",
            headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf() },
            body: JSON.stringify(entry.data),
          }).then(function (response) {
            // A redirect (to the log-in or the password change) is never the API's answer: it waits.
            if (response.redirected) { failed = true; return null; }
            if (response.status === 200 || response.status === 201) return deleteEntry(entry.id);
            if (response.status === 400 || response.status === 409) {
              return response.json().then(function (body) {
                entry.status = response.status === 409 ? "conflict" : "refused";
                entry.errors = body.errors || { __all__: [body.detail || "没有保存。"] };
                entry.detail = body.detail || "";
                // Of the record as it is now, only what she sent is kept, to compare (no whole ID number).
                entry.current = body.current ? kept(body.current, entry.data) : null;
                entry.changes = body.changes || null;
                return putEntry(entry);
              });
            }
            failed = true; // signed out, refused as a whole, or the server is down: it waits for next time
            return null;
          }, function () { failed = true; });
        });
      });
      return chain.then(function () {
        return failed ? null : noteSync(Date.now());
      }).then(function () { return { failed: failed, sent: waiting.length }; });
    }).then(function (result) { return showCount().then(function () { drawQueue(); return result; }); });
  }

  // ---- the queue page -----------------------------------------------------------------------
  function text(tag, className, content) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (content !== undefined) el.textContent = content;
    return el;
  }

  function shown(entry, name, value) {
    if (value === null || value === undefined || value === "") return "（空）";
    var choices = (entry.choices || {})[name];
    return [].concat(value).map(function (v) {
      if (typeof v === "boolean") return v ? "是" : "否";
      return choices && choices[String(v)] !== undefined ? choices[String(v)] : String(v);
    }).join("、");
  }

  // A button that, once the user confirms `question`, drops the entry from the queue and draws it again.
  function dropButton(entry, className, label, question) {
    var button = text("button", className, label);
    button.type = "button";
    button.addEventListener("click", function () {
      if (!window.confirm(question)) return;
      deleteEntry(entry.id).then(showCount).then(drawQueue);
    });
    return button;
  }

  var STATUS = { waiting: ["待同步", "text-bg-secondary"], refused: ["退回修改", "text-bg-danger"], conflict: ["有冲突", "text-bg-warning"] };

  function drawEntry(entry) {
    var card = text("section", "card mb-3 offline-entry");
    card.dataset.status = entry.status;
    var body = text("div", "card-body");
    card.appendChild(body);
    var head = text("h2", "h6 d-flex gap-2 align-items-start");
    head.appendChild(text("span", "badge " + STATUS[entry.status][1], STATUS[entry.status][0]));
    head.appendChild(text("span", "", entry.title));
    body.appendChild(head);
    body.appendChild(text("p", "small text-muted mb-2", "填写于 " + new Date(entry.saved || entry.created).toLocaleString("zh-CN")));
    if (entry.status === "conflict") {
      body.appendChild(text("p", "mb-2", "这条记录在您离线时已被别人修改。请逐项选择保留哪一份，再保存："));
      var table = text("table", "table table-sm offline-compare");
      var thead = text("thead");
      var row = text("tr");
      ["项目", "我填写的", "系统里现在的"].forEach(function (h) { row.appendChild(text("th", "", h)); });
      thead.appendChild(row);
      table.appendChild(thead);
      var tbody = text("tbody");
      Object.keys(entry.data).forEach(function (name) {
        if (name === "version" || !entry.current || !(name in entry.current)) return;
        var mine = shown(entry, name, entry.data[name]), theirs = shown(entry, name, entry.current[name]);
        if (mine === theirs) return;
        var tr = text("tr", "table-warning");
        tr.appendChild(text("th", "", (entry.labels || {})[name] || name));
        [["mine", mine], ["server", theirs]].forEach(function (pair) {
          var td = text("td");
          var id = "pick-" + entry.id + "-" + name + "-" + pair[0];
          var input = document.createElement("input");
          input.type = "radio"; input.className = "form-check-input me-1"; input.name = "pick-" + entry.id + "-" + name;
          input.value = pair[0]; input.id = id; input.checked = pair[0] === "mine";
          var label = text("label", "form-check-label", pair[1]);
          label.htmlFor = id;
          td.appendChild(input); td.appendChild(label);
          tr.appendChild(td);
        });
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      var scroll = text("div", "table-responsive");
      scroll.appendChild(table);
      body.appendChild(scroll);
      var keep = text("button", "btn btn-federation me-2 mb-2", "按所选保存");
      keep.type = "button";
      keep.addEventListener("click", function () {
        body.querySelectorAll("input[type=radio]:checked").forEach(function (input) {
          if (input.value !== "server") return;
          var name = input.name.slice(("pick-" + entry.id + "-").length);
          entry.data[name] = entry.current[name] === null ? "" : entry.current[name];
        });
        entry.data.version = entry.current.version;
        entry.status = "waiting"; entry.errors = null; entry.current = null; entry.changes = null;
        putEntry(entry).then(function () { return navigator.onLine ? sync() : drawQueue(); });
      });
      body.appendChild(keep);
      body.appendChild(dropButton(entry, "btn btn-outline-secondary mb-2", "全部采用系统里的（放弃我的修改）",
        "放弃您离线时的这次修改，保留系统里现在的内容？"));
      return card;
    }
    var list = text("dl", "row small mb-2");
    Object.keys(entry.data).forEach(function (name) {
      if (name === "version") return;
      var value = (entry.texts || {})[name] || shown(entry, name, entry.data[name] === "" ? null : entry.data[name]);
      if (value === "（空）" && !(entry.errors && entry.errors[name])) return;
      list.appendChild(text("dt", "col-4 fw-normal text-muted", (entry.labels || {})[name] || name));
      var dd = text("dd", "col-8 mb-1", value);
      if (entry.errors && entry.errors[name]) dd.appendChild(text("div", "text-danger offline-field-error", entry.errors[name].join(" ")));
      list.appendChild(dd);
    });
    body.appendChild(list);
    if (entry.errors && entry.errors.__all__) body.appendChild(text("div", "alert alert-danger py-2 offline-field-error", entry.errors.__all__.join(" ")));
    var edit = text("a", "btn btn-outline-primary btn-sm me-2", entry.status === "refused" ? "按提示修改" : "修改");
    edit.href = entry.page + "#queued-" + entry.id;
    body.appendChild(edit);
    body.appendChild(dropButton(entry, "btn btn-outline-danger btn-sm", "删除", "删除这条没有发送的记录？删除后不能恢复。"));
    return card;
  }

  function drawQueue() {
    var box = document.querySelector("[data-offline-queue]");
    if (!box) return Promise.resolve();
    return showCount().then(function (mine) {
      box.textContent = "";
      if (!mine.length) { box.appendChild(text("p", "text-muted offline-empty", "没有待同步的记录。")); return; }
      mine.forEach(function (entry) { box.appendChild(drawEntry(entry)); });
    });
  }

  function watchQueuePage() {
    var button = document.getElementById("offline-sync");
    var status = document.getElementById("offline-sync-status");
    if (!button) return;
    if (location.hash === "#saved" && status) status.textContent = navigator.onLine ? "" : "已存在手机上，联网后发送。";
    window.addEventListener("online", function () { status.textContent = ""; });
    button.addEventListener("click", function () {
      if (!navigator.onLine) { status.textContent = "没有网络，联网后再同步。"; return; }
      status.textContent = "正在同步…";
      sync().then(function (result) {
        status.textContent = result.failed ? "同步没有完成：请确认已联网并已登录后再试。" : "同步完成。";
      });
    });
  }

  // ---- log-out ------------------------------------------------------------------------------
  function watchLogout() {
    document.querySelectorAll("form[data-offline-logout]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.wiped) return;
        event.preventDefault();
        entries().then(function (all) {
          var waiting = all.filter(function (e) { return e.user === cfg.user; }).length;
          if (waiting && !window.confirm("还有 " + waiting + " 条记录没有同步。退出会把它们从这部手机上删除，不能恢复。确定退出吗？")) return;
          wipe().then(function () { form.dataset.wiped = "1"; form.submit(); });
        });
      });
    });
  }

  // ---- start --------------------------------------------------------------------------------
  checkOwnerAndAge().then(function () {
    watchLogout();
    if (!cfg.user) return;
    showCount();
    watchForms();
    watchQueuePage();
    drawQueue();
    if (!cfg.enabled) return;
    if ("serviceWorker" in navigator) {
      // The pages are kept from the home (where she lands after signing in), once she stays a moment.
      var home = cfg.keep && location.pathname === cfg.keep[0];
      navigator.serviceWorker.register(cfg.worker, { scope: "/" }).then(function () {
        return navigator.serviceWorker.ready;
      }).then(function () {
        if (!home) return keepMaskedCopy();
        return new Promise(function (resolve) { setTimeout(resolve, 1000); }).then(keepPages);
      }).catch(function () { return null; }).then(function () {
        document.documentElement.dataset.offlineReady = "1"; // the pages are kept (tests wait for it)
      });
    }
    if (navigator.onLine) sync();
    window.addEventListener("online", function () { sync(); });
  });
})();
