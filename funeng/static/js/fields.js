/* Every page: form fields that say what they take before the user types.
 *
 * 1. A character counter under every text input and textarea with a maxlength (of 20 or more: short
 *    codes need none), so the limit is seen before it is reached, not in an error after posting.
 * 2. The industry-code picker: an input for a GB/T 4754 class (name="industry_code" or
 *    data-industry-picker) gets a list of classes found by code, Chinese name or pinyin, from the
 *    server's search (data-industry-search gives its URL). Without JavaScript the input still takes
 *    a typed 4-digit code, so the form works either way. No library, no CDN. */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var zh = lang.indexOf("zh") === 0;

  function length(value) { return Array.from(value).length; }

  function counterText(used, limit) {
    return zh ? ("已输入 " + used + " / " + limit + " 字") : (used + " / " + limit + " characters");
  }

  function addCounter(field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!limit || limit < 20 || field.hasAttribute("data-no-counter") || field.dataset.counted) { return; }
    field.dataset.counted = "1";
    var counter = document.createElement("div");
    counter.className = "char-count muted";
    counter.id = (field.id || field.name) + "_counter";
    counter.setAttribute("aria-live", "polite");
    var update = function () {
      var used = length(field.value);
      counter.textContent = counterText(used, limit);
      counter.classList.toggle("near-limit", used >= limit * 0.9);
    };
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    field.addEventListener("input", update);
    update();
  }

  var TEXT_TYPES = ["", "text", "search", "email", "url", "tel"];

  function addCounters(root) {
    root.querySelectorAll("textarea[maxlength], input[maxlength]").forEach(function (field) {
      if (field.tagName === "INPUT" && TEXT_TYPES.indexOf((field.getAttribute("type") || "").toLowerCase()) < 0) { return; }
      if (field.name === "industry_code" || field.hasAttribute("data-industry-picker")) { return; }
      addCounter(field);
    });
  }

  var pickers = 0;

  function addPicker(input) {
    if (input.dataset.picker) { return; }
    input.dataset.picker = "1";
    pickers += 1;
    var url = input.getAttribute("data-industry-search") || "/enterprises/industries/";
    var box = document.createElement("ul");
    box.id = "industry-picker-" + pickers;
    box.className = "picker-list";
    box.setAttribute("role", "listbox");
    box.hidden = true;
    var wrap = document.createElement("div");
    wrap.className = "picker";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    wrap.appendChild(box);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", box.id);
    input.setAttribute("autocomplete", "off");
    // A name or pinyin is longer than the 4-digit code; the chosen code is what the form sends.
    var limit = input.getAttribute("maxlength");
    if (limit) { input.dataset.maxlength = limit; input.removeAttribute("maxlength"); }
    if (!input.getAttribute("placeholder")) {
      input.setAttribute("placeholder", zh ? "输入代码、名称或拼音，如 3484、零部件、jixie" : "Code, name or pinyin, e.g. 3484, 零部件, jixie");
    }
    var active = -1;
    var timer = null;
    var sent = 0;

    function options() { return box.querySelectorAll("[role=option]"); }

    function close() {
      box.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var all = options();
      if (!all.length) { return; }
      active = (index + all.length) % all.length;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      input.value = option.getAttribute("data-code");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function show(results) {
      box.textContent = "";
      results.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = box.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.setAttribute("data-code", result.code);
        var code = document.createElement("code");
        code.textContent = result.code;
        option.appendChild(code);
        option.appendChild(document.createTextNode(" " + result.name));
        option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(option); });
        box.appendChild(option);
      });
      if (!results.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = zh ? "没有找到匹配的行业" : "No industry found";
        box.appendChild(none);
      }
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      var query = input.value.trim();
      if (!query || /^\d{4}$/.test(query)) { close(); return; }
      var ticket = ++sent;
      fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (ticket === sent && document.activeElement === input) { show(body.results || []); } })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (box.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options()[active]); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
  }

  function addPickers(root) {
    root.querySelectorAll('input[name="industry_code"], input[data-industry-picker]').forEach(addPicker);
  }

  function enhance(root) { addCounters(root); addPickers(root); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  } else {
    enhance(document);
  }
  // Parts of pages that htmx swaps in get the same help.
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
