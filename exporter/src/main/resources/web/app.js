// The streamops dashboard. Polls the exporter's JSON API and builds the page with DOM calls only:
// every value from Spark (query names, exception text, labels) goes in through textContent or a text
// node, never through innerHTML, so it is shown as text whatever it contains.
"use strict";

(function () {
  const POLL_MS = 2000;
  const state = { search: "", job: "", status: "", offset: 0, limit: 50, selected: null, total: 0 };
  const charts = {};
  const $ = (id) => document.getElementById(id);

  // An element with fixed attributes (names from this script only) and text or element children.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      node.setAttribute(name, value);
    }
    for (const child of children) {
      node.append(child instanceof Node ? child : document.createTextNode(child == null ? "" : String(child)));
    }
    return node;
  }

  function num(v, digits) {
    if (v == null) return "–";
    const abs = Math.abs(v);
    if (abs >= 1e9) return (v / 1e9).toFixed(1) + "G";
    if (abs >= 1e6) return (v / 1e6).toFixed(1) + "M";
    if (abs >= 1e4) return (v / 1e3).toFixed(1) + "k";
    return v.toFixed(digits == null ? (Number.isInteger(v) ? 0 : 1) : digits);
  }

  function seconds(v) {
    if (v == null) return "–";
    if (v < 60) return v.toFixed(1) + " s";
    if (v < 3600) return (v / 60).toFixed(1) + " min";
    return (v / 3600).toFixed(1) + " h";
  }

  function time(iso) {
    if (!iso) return "–";
    const d = new Date(iso);
    return isNaN(d) ? String(iso) : d.toLocaleTimeString();
  }

  // An axis tick (epoch seconds) as hh:mm, or hh:mm:ss between whole minutes.
  function clockTime(epochSeconds) {
    const d = new Date(epochSeconds * 1000);
    const parts = { hour: "2-digit", minute: "2-digit" };
    if (d.getSeconds() !== 0) parts.second = "2-digit";
    return d.toLocaleTimeString([], parts);
  }

  function statusBadge(status) {
    return el("span", { class: "status " + status }, status);
  }

  function replaceRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  async function getJson(path) {
    const response = await fetch(path, { headers: { Accept: "application/json" } });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const error = new Error(body.error || response.status + " " + response.statusText);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  function fleetUrl() {
    const q = new URLSearchParams();
    if (state.search) q.set("search", state.search);
    if (state.job) q.set("job", state.job);
    if (state.status) q.set("status", state.status);
    q.set("offset", String(state.offset));
    q.set("limit", String(state.limit));
    return "api/fleet?" + q.toString();
  }

  function renderFleet(page) {
    state.total = page.total;
    const counts = $("status-counts");
    counts.replaceChildren(...Object.entries(page.statusCounts)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => el("span", {}, statusBadge(status), " " + n)));
    renderJobs(page.jobs);
    const rows = page.items.map((q) => {
      const tr = el("tr", { class: "query" + (q.queryId === state.selected ? " selected" : ""), "data-query-id": q.queryId },
        el("td", { class: "text" }, q.job),
        el("td", { class: "name" }, q.queryName || q.queryId),
        el("td", {}, statusBadge(q.status)),
        el("td", { class: "num" }, num(q.inputRate)),
        el("td", { class: "num" }, num(q.processingRate)),
        el("td", { class: "num" }, seconds(q.batchDurationSeconds)),
        el("td", { class: "num" }, num(q.recordsBehind)),
        el("td", { class: "num" }, seconds(q.timeBehindSeconds)),
        el("td", { class: "num" }, seconds(q.watermarkDelaySeconds)),
        el("td", { class: "num" }, num(q.stateRows)),
        el("td", { class: "num" }, String(q.consecutiveFailures)));
      tr.addEventListener("click", () => select(q.queryId));
      return tr;
    });
    replaceRows($("queries").tBodies[0], rows);
    const first = page.total === 0 ? 0 : page.offset + 1;
    $("page-info").textContent = first + "–" + (page.offset + page.items.length) + " of " + page.total
      + (page.total === page.queries ? "" : " (" + page.queries + " in all)");
    $("prev").disabled = page.offset === 0;
    $("next").disabled = page.offset + page.items.length >= page.total;
    if (!state.selected && page.items.length > 0) {
      select(page.items[0].queryId);
    }
    const shown = page.items.find((q) => q.queryId === state.selected);
    if (shown) renderDetail(shown);
  }

  let knownJobs = "";
  function renderJobs(jobs) {
    const key = JSON.stringify(jobs);
    if (key === knownJobs) return;
    knownJobs = key;
    const select = $("job-filter");
    select.replaceChildren(el("option", { value: "" }, "all jobs"),
      ...jobs.map((job) => { const o = el("option", {}, job); o.value = job; return o; }));
    select.value = state.job;
  }

  function renderDetail(q) {
    $("detail-name").textContent = q.queryName || q.queryId;
    $("detail-status").replaceChildren(statusBadge(q.status));
    $("detail-meta").textContent = "job " + q.job + " · id " + q.queryId + (q.runId ? " · run " + q.runId : "");
    $("detail-error").textContent = q.exceptionMessage ? (q.errorClass ? q.errorClass + ": " : "") + q.exceptionMessage : "";
  }

  function select(queryId) {
    state.selected = queryId;
    for (const tr of $("queries").tBodies[0].rows) {
      tr.classList.toggle("selected", tr.dataset.queryId === queryId);
    }
    refreshSeries();
  }

  const CHARTS = [
    { id: "chart-rates", series: [["inputRate", "input", "#2f6fde"], ["processingRate", "processed", "#e07b00"]] },
    { id: "chart-batch", series: [["batchDurationSeconds", "batch duration", "#7a3fd1"]] },
    { id: "chart-behind", series: [["recordsBehind", "records behind", "#b3261e"]] },
    { id: "chart-time-behind", series: [["timeBehindSeconds", "time behind", "#c2410c"]] },
    { id: "chart-watermark", series: [["watermarkDelaySeconds", "watermark delay", "#0f766e"]] },
    { id: "chart-state", series: [["stateRows", "state rows", "#475569"]] },
  ];

  function chartFor(spec) {
    if (charts[spec.id]) return charts[spec.id];
    const figure = $(spec.id);
    const width = Math.max(160, figure.clientWidth || 200);
    const opts = {
      width: width, height: 140,
      legend: { show: spec.series.length > 1, live: false },
      scales: { x: { time: true } },
      series: [{}].concat(spec.series.map(([, label, color]) => ({ label: label, stroke: color, width: 1.5, spanGaps: false }))),
      // The x axis in local clock time only, at most one label per 80 px: uPlot's default adds the date
      // on a second line, which the neighbouring labels overlapped in a chart this narrow.
      axes: [{ space: 80, values: (u, splits) => splits.map(clockTime) }, { size: 56 }],
    };
    charts[spec.id] = new uPlot(opts, [[]].concat(spec.series.map(() => [])), figure);
    return charts[spec.id];
  }

  async function refreshSeries() {
    const queryId = state.selected;
    if (!queryId || typeof uPlot === "undefined") return;
    let view;
    try {
      view = await getJson("api/series?query_id=" + encodeURIComponent(queryId));
    } catch (e) {
      if (e.status === 404) view = { t: [], series: {} };
      else throw e;
    }
    if (queryId !== state.selected) return;
    for (const spec of CHARTS) {
      const data = [view.t].concat(spec.series.map(([key]) => view.series[key] || []));
      chartFor(spec).setData(data);
      const points = spec.series.reduce((n, [key]) => n + (view.series[key] || []).filter((v) => v != null).length, 0);
      $(spec.id).dataset.points = String(points);
    }
  }

  function alertRow(a, withPhase) {
    const cells = [el("td", {}, time(a.at))];
    if (withPhase) cells.push(el("td", {}, el("span", { class: "status " + (a.phase === "firing" ? "failed" : "active") }, a.phase)));
    cells.push(el("td", {}, a.alertname), el("td", {}, a.severity), el("td", { class: "text" }, a.job),
      el("td", { class: "name" }, a.query), el("td", { class: "text" }, a.summary));
    return el("tr", { class: "alert" }, ...cells);
  }

  function renderAlerts(alerts) {
    const badge = $("firing-count");
    badge.textContent = String(alerts.firingTotal);
    badge.classList.toggle("zero", alerts.firingTotal === 0);
    replaceRows($("firing").tBodies[0], alerts.firing.length === 0
      ? [el("tr", {}, el("td", { colspan: "6", class: "muted" }, "nothing firing"))]
      : alerts.firing.map((a) => alertRow(a, false)));
    replaceRows($("alert-history").tBodies[0], alerts.history.length === 0
      ? [el("tr", {}, el("td", { colspan: "7", class: "muted" }, "no changes since this exporter started"))]
      : alerts.history.map((a) => alertRow(a, true)));
  }

  function renderNotifications(body) {
    replaceRows($("notifications").tBodies[0], body.receivers.length === 0
      ? [el("tr", {}, el("td", { colspan: "7", class: "muted" }, "no receivers configured"))]
      : body.receivers.map((r) => el("tr", {}, el("td", {}, r.receiver), el("td", {}, r.channel),
        el("td", { class: "num" }, String(r.sent)), el("td", { class: "num" }, String(r.pending)),
        el("td", { class: "num" }, String(r.retried)), el("td", { class: "num" }, String(r.failed)),
        el("td", { class: "num" }, String(r.rejected)))));
  }

  function renderSilences(silences) {
    replaceRows($("silences").tBodies[0], silences.length === 0
      ? [el("tr", {}, el("td", { colspan: "5", class: "muted" }, "no active silences"))]
      : silences.map((s) => el("tr", {},
        el("td", { class: "text" }, Object.entries(s.matchers || {}).map(([k, v]) => k + "=~" + v).join(", ")),
        el("td", {}, time(s.startsAt)), el("td", {}, time(s.endsAt)),
        el("td", { class: "text" }, s.createdBy), el("td", { class: "text" }, s.comment))));
  }

  function renderRestarts(body) {
    const tbody = $("restarts").tBodies[0];
    if (!body.configured) {
      $("restarts-state").textContent = "restarts: not configured";
      $("restarts").hidden = true;
      tbody.replaceChildren();
      return;
    }
    $("restarts").hidden = false;
    $("restarts-state").textContent = body.restarts.length === 0 ? "no restarts so far" : "";
    // Records as the restart controller keeps them (restart/RestartRecord), one per job.
    replaceRows(tbody, body.restarts.map((r) => {
      const subject = r.subject || {};
      const attempts = r.attemptTimes || [];
      return el("tr", {},
        el("td", { class: "text" }, subject.job || ""), el("td", { class: "name" }, subject.queryName || subject.queryId || ""),
        el("td", {}, String(r.phase || "").toLowerCase().replace("_", " ")),
        el("td", { class: "num" }, String(r.consecutive == null ? "" : r.consecutive)),
        el("td", {}, attempts.length ? time(attempts[attempts.length - 1]) : "–"),
        el("td", {}, time(r.since)), el("td", {}, time(r.due)), el("td", { class: "text" }, r.reason || ""));
    }));
  }

  let polls = 0;
  async function poll() {
    try {
      const asked = fleetUrl();
      const [fleet, alerts, notifications, silences, restarts] = await Promise.all([
        getJson(asked), getJson("api/alert-history?limit=100"), getJson("api/notifications"),
        getJson("api/silences"), getJson("api/restarts")]);
      // A page asked for before the filters changed is not shown: the poll the change scheduled brings the right one.
      if (asked === fleetUrl()) renderFleet(fleet);
      renderAlerts(alerts);
      renderNotifications(notifications);
      renderSilences(silences);
      renderRestarts(restarts);
      await refreshSeries();
      polls++;
      document.body.dataset.polls = String(polls);
      $("updated").textContent = "updated " + new Date().toLocaleTimeString();
    } catch (e) {
      $("updated").textContent = "update failed: " + e.message;
    }
  }

  // The buttons of exporter.yaml's dashboard.actions. Pressing one asks the exporter to POST to the
  // action's URL (the page never sees it). A press changes state, so like every API write it needs the
  // exporter's http.token, asked for once per tab; with no token configured the buttons are disabled.
  const TOKEN_KEY = "streamops-api-token";
  async function loadActions() {
    let listed;
    try {
      listed = await getJson("api/actions");
    } catch (e) {
      return; // an exporter without the actions API: no buttons
    }
    $("actions").replaceChildren(...listed.actions.map((a) => {
      const button = el("button", { type: "button", class: "action", "data-action": String(a.id) }, a.label);
      if (listed.enabled === false) {
        button.disabled = true;
        button.title = "set http.token in exporter.yaml to use the buttons";
      }
      button.addEventListener("click", () => press(a, button));
      return button;
    }));
  }

  function showActionResult(text, failed) {
    const box = $("action-result");
    box.textContent = text;
    box.className = failed ? "error" : "ok";
    box.hidden = false;
  }

  // A press whose action URL has not answered yet is "pending": ask after it until it is done or failed
  // (the exporter times the call out, so this ends).
  async function outcome(press) {
    while (press.state === "pending") {
      showActionResult(press.action + ": sent, waiting for its answer…", false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      press = await getJson("api/actions?press=" + encodeURIComponent(press.press));
    }
    return press;
  }

  function showPress(action, press) {
    if (press.state === "done") {
      showActionResult(action.label + ": done (" + press.status + ")", false);
    } else {
      showActionResult(action.label + ": failed (" + (press.error || ("status " + press.status)) + ")", true);
    }
  }

  async function press(action, button) {
    let token = sessionStorage.getItem(TOKEN_KEY);
    if (!token) {
      token = window.prompt("This action needs the exporter's API token (http.token):") || "";
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
    }
    const headers = { "Content-Type": "application/json", Accept: "application/json", Authorization: "Bearer " + token };
    button.disabled = true;
    try {
      const response = await fetch("api/actions/" + encodeURIComponent(action.id), { method: "POST", headers, body: "{}" });
      const body = await response.json().catch(() => ({}));
      if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
      if (response.ok) {
        showPress(action, await outcome(body));
      } else {
        showActionResult(action.label + ": failed (" + (body.error || ("status " + (body.status || response.status))) + ")", true);
      }
    } catch (e) {
      showActionResult(action.label + ": failed (" + e.message + ")", true);
    } finally {
      button.disabled = false;
    }
  }

  let pending = null;
  function refreshSoon() {
    clearTimeout(pending);
    pending = setTimeout(poll, 250);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    $("search").addEventListener("input", (e) => { state.search = e.target.value.trim(); state.offset = 0; refreshSoon(); });
    $("job-filter").addEventListener("change", (e) => { state.job = e.target.value; state.offset = 0; refreshSoon(); });
    $("status-filter").addEventListener("change", (e) => { state.status = e.target.value; state.offset = 0; refreshSoon(); });
    $("page-size").addEventListener("change", (e) => { state.limit = Number(e.target.value); state.offset = 0; refreshSoon(); });
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); refreshSoon(); });
    $("next").addEventListener("click", () => { if (state.offset + state.limit < state.total) { state.offset += state.limit; refreshSoon(); } });
    loadActions();
    poll();
    setInterval(poll, POLL_MS);
  });
})();
