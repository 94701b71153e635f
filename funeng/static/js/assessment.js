/* Assessment wizard: autosave safety net and stacked charts.
 *
 * htmx posts each answer form on "change". Every edit is also written to localStorage first and
 * removed only when the server has answered for exactly that value, so an answer typed just before
 * a reload, a closed tab, a lost network or an expired session is replayed on the next visit.
 * Stacked bar charts of the region page are drawn here from json_script data (no inline script). */
(function () {
  "use strict";

  var wizard = null;
  var storeKey = "";
  var KEEP_STATUSES = { 0: true, 401: true, 403: true, 429: true };

  function load() {
    try { return JSON.parse(window.localStorage.getItem(storeKey) || "{}") || {}; } catch (e) { return {}; }
  }
  function store(pending) {
    try {
      if (Object.keys(pending).length) { window.localStorage.setItem(storeKey, JSON.stringify(pending)); }
      else { window.localStorage.removeItem(storeKey); }
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }
  function pairsOf(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) { if (name !== "question") { pairs.push([name, String(value)]); } });
    return pairs;
  }
  // The browser refuses to send a number field that is out of range or not a number at all
  // (htmx checks validity first); say so at the field instead of leaving the last "Saved" showing.
  function invalidInput(form) {
    var inputs = form.querySelectorAll("input[type=number]");
    for (var i = 0; i < inputs.length; i++) { if (!inputs[i].validity.valid) { return inputs[i]; } }
    return null;
  }
  function invalidMessage(input) {
    var min = input.getAttribute("min"), max = input.getAttribute("max");
    var key = "data-msg-number";
    if (!input.validity.badInput && min !== null && max !== null) { key = "data-msg-range"; }
    else if (!input.validity.badInput && max !== null) { key = "data-msg-max"; }
    else if (!input.validity.badInput && min !== null) { key = "data-msg-min"; }
    return (wizard.getAttribute(key) || "").replace("{min}", min || "").replace("{max}", max || "");
  }
  function markInvalid(form) {
    var bad = invalidInput(form);
    form.querySelectorAll("input[type=number]").forEach(function (input) {
      if (input === bad) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    });
    if (bad) { say(form.getAttribute("data-question"), invalidMessage(bad), "error"); }
    return bad !== null;
  }
  function remember(form) {
    if (invalidInput(form)) { return; }  // never keep (and later replay) a value the field refuses
    var pending = load();
    pending[form.getAttribute("data-question")] = pairsOf(form);
    store(pending);
  }
  function forget(question, sent) {
    var pending = load();
    if (!(question in pending)) { return; }
    if (sent === undefined || JSON.stringify(pending[question]) === sent) {
      delete pending[question];
      store(pending);
    }
    updateBanner();
  }
  function updateBanner() {
    var banner = document.getElementById("unsent-banner");
    if (banner) { banner.hidden = Object.keys(load()).length === 0; }
  }
  function statusOf(question) { return document.getElementById("status-" + question); }
  function say(question, text, kind) {
    var el = statusOf(question);
    if (!el) { return; }
    el.textContent = "";
    var span = document.createElement("span");
    span.className = "save-" + kind;
    span.textContent = text;
    el.appendChild(span);
  }
  function restore(form, pairs) {
    form.querySelectorAll("input").forEach(function (input) {
      if (input.name === "question") { return; }
      if (input.type === "checkbox" || input.type === "radio") {
        input.checked = pairs.some(function (p) { return p[0] === input.name && p[1] === input.value; });
      } else {
        var match = pairs.filter(function (p) { return p[0] === input.name; })[0];
        input.value = match ? match[1] : "";
      }
    });
  }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function sendDirect(question, pairs) {
    var body = new FormData();
    body.append("question", question);
    pairs.forEach(function (p) { body.append(p[0], p[1]); });
    var sent = JSON.stringify(pairs);
    return window.fetch(wizard.getAttribute("data-answer-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" }
    }).then(function (response) {
      if (!KEEP_STATUSES[response.status] && response.status < 500) { forget(question, sent); }
    }).catch(function () { /* still offline: keep it for the next visit */ });
  }
  function replay() {
    var pending = load();
    Object.keys(pending).forEach(function (question) {
      var form = wizard.querySelector('form.answer-form[data-question="' + question + '"]');
      if (form) {
        restore(form, pending[question]);
        say(question, wizard.getAttribute("data-replaying") || "…", "pending");
        window.htmx.trigger(form, "change");
      } else {
        sendDirect(question, pending[question]);
      }
    });
    updateBanner();
  }

  function setUpWizard() {
    wizard = document.querySelector(".wizard[data-assessment]");
    if (!wizard) { return; }
    storeKey = "funeng-assessment-" + wizard.getAttribute("data-assessment");
    ["input", "change"].forEach(function (type) {
      wizard.addEventListener(type, function (event) {
        var form = event.target.closest && event.target.closest("form.answer-form");
        if (form) { remember(form); }
      }, true);
    });
    ["input", "change"].forEach(function (type) {
      wizard.addEventListener(type, function (event) {
        var form = event.target.closest && event.target.closest("form.answer-form");
        if (form && event.target.matches("input[type=number]")) { markInvalid(form); }
      });
    });
    document.body.addEventListener("htmx:validation:halted", function (event) {
      var form = event.detail.elt;
      if (form.matches && form.matches("form.answer-form")) { markInvalid(form); }
    });
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      var form = event.detail.elt;
      if (form.matches && form.matches("form.answer-form")) { form.setAttribute("data-sent", JSON.stringify(pairsOf(form))); }
    });
    // Refusals (422 invalid, 409 submitted, 401 signed out) carry a message for the question: show it.
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      var status = event.detail.xhr.status;
      if (status >= 400 && status < 500) { event.detail.shouldSwap = true; event.detail.isError = false; }
    });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var form = event.detail.elt;
      if (!form.matches || !form.matches("form.answer-form")) { return; }
      var status = event.detail.xhr ? event.detail.xhr.status : 0;
      var question = form.getAttribute("data-question");
      if (!KEEP_STATUSES[status] && status < 500) { forget(question, form.getAttribute("data-sent")); }
      else { updateBanner(); }
    });
    document.body.addEventListener("htmx:sendError", function (event) {
      var form = event.detail.elt;
      if (form.matches && form.matches("form.answer-form")) {
        say(form.getAttribute("data-question"), wizard.getAttribute("data-offline") || "Offline", "pending");
        updateBanner();
      }
    });
    window.addEventListener("online", replay);
    replay();
  }

  // --- stacked bar charts (region page) ---
  var PALETTE = ["#94a3b8", "#fca5a5", "#fbbf24", "#60a5fa", "#22c55e", "#7c3aed"];
  function drawStacked() {
    if (typeof window.echarts === "undefined") { return; }
    document.querySelectorAll("[data-stacked-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-stacked-chart"));
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption({
        color: PALETTE, animation: false,
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { bottom: 0, type: "scroll" },
        grid: { left: 150, right: 24, top: 8, bottom: 40 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: spec.labels, axisLabel: { width: 140, overflow: "truncate" } },
        series: spec.series.map(function (s) { return { type: "bar", stack: "levels", name: s.name, data: s.values, barMaxWidth: 26 }; })
      }, true);
      el.setAttribute("data-chart-ready", "1");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpWizard();
    // echarts loads with defer after this file on some pages; draw once everything has run
    window.setTimeout(drawStacked, 0);
  });
  window.addEventListener("load", drawStacked);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-stacked-chart][data-chart-ready]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();
