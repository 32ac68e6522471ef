// The dashboard: reads the scenario's packages, lenses and levers from the API, and on every
// change streams a simulation (NDJSON: a first answer at 2,000 worlds, then more worlds) and
// redraws the table and the P(war) curves with plotly.js. No model logic here.
"use strict";

const $ = (id) => document.getElementById(id);
let info = null;          // the scenario's description (GET /api/scenarios/{name})
let running = null;       // the AbortController of the simulation in flight
let timer = null;

const pct = (x) => (x === null || x === undefined) ? "–" : (100 * x).toFixed(1) + " %";
const num = (x) => (x === null || x === undefined) ? "–" : x.toLocaleString("en", {maximumFractionDigits: 1});

async function getJSON(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function option(select, value, text) {
  const o = document.createElement("option");
  o.value = value; o.textContent = text;   // textContent: scenario text is never markup
  select.appendChild(o);
}

async function loadScenarios() {
  const bounds = await getJSON("/api/bounds");
  for (const o of [...$("worlds").options]) {
    if (Number(o.value) > bounds.max_worlds) o.remove();
  }
  if (!$("worlds").options.length) option($("worlds"), bounds.max_worlds, num(bounds.max_worlds));
  if (!$("worlds").value) $("worlds").selectedIndex = $("worlds").options.length - 1;
  const list = await getJSON("/api/scenarios");
  for (const s of list) option($("scenario"), s.name, s.name + " — " + s.title);
  // ?scenario=NAME picks one; else the built-in case, when the server has it.
  const wanted = new URLSearchParams(location.search).get("scenario") || "ukraine-2025";
  if (list.some(s => s.name === wanted)) $("scenario").value = wanted;
  await loadScenario();
}

async function loadScenario() {
  info = await getJSON("/api/scenarios/" + encodeURIComponent($("scenario").value));
  $("package").innerHTML = ""; $("lens").innerHTML = ""; $("levers").innerHTML = "";
  for (const p of info.packages) option($("package"), p.name, p.name);
  const preferred = info.levers_base || (info.packages[0] || {}).name;
  if (preferred) $("package").value = preferred;
  option($("lens"), "", "default assumptions");
  for (const l of info.lenses) option($("lens"), l, l);
  $("wording").innerHTML = ""; option($("wording"), "", "as in the package");
  for (const w of info.wordings) option($("wording"), w, w);
  for (const lever of info.levers) $("levers").appendChild(leverControl(lever));
  schedule(0);
}

function leverControl(lever) {
  const div = document.createElement("div");
  div.className = "lever untouched";
  div.dataset.name = lever.name;
  const label = document.createElement("label");
  const value = document.createElement("span");
  value.className = "value";
  label.textContent = lever.name;
  label.appendChild(value);
  label.title = lever.source || "";
  div.appendChild(label);
  let input;
  if (lever.kind === "number") {
    input = document.createElement("input");
    input.type = "range"; input.min = lever.low; input.max = lever.high;
    input.step = lever.step || (lever.high - lever.low) / 100; input.value = lever.low;
    value.textContent = "as in the package";
    input.addEventListener("input", () => {
      div.classList.remove("untouched");
      value.textContent = num(Number(input.value)) + " " + (lever.unit || "");
      schedule(250);
    });
  } else {
    input = document.createElement("select");
    option(input, "", "as in the package");
    for (const o of lever.options) option(input, o, o);
    input.addEventListener("change", () => {
      div.classList.toggle("untouched", input.value === "");
      schedule(0);
    });
  }
  input.id = "lever-" + lever.name;
  input.dataset.kind = lever.kind;
  label.htmlFor = input.id;
  div.appendChild(input);
  return div;
}

function request() {
  const levers = {};
  for (const div of document.querySelectorAll(".lever")) {
    if (div.classList.contains("untouched")) continue;
    const input = div.querySelector("input, select");
    levers[div.dataset.name] = input.dataset.kind === "number" ? Number(input.value) : input.value;
  }
  const packages = [$("package").value];
  const changed = Object.keys(levers).length > 0 || $("wording").value !== "";
  if ($("beside-anchor").checked && info.anchor && (changed || info.anchor !== packages[0])) {
    packages.push(info.anchor);
  }
  const body = {scenario: $("scenario").value, packages, worlds: Number($("worlds").value),
                seed: 2025, levers};
  if ($("lens").value) body.lens = $("lens").value;
  if ($("wording").value) body.wording = $("wording").value;
  return body;
}

function schedule(delay) {
  clearTimeout(timer);
  timer = setTimeout(run, delay);
}

async function run() {
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  const body = request();
  $("error").textContent = "";
  $("status").textContent = "simulating…";
  document.body.dataset.state = "running";
  try {
    const r = await fetch("/api/simulate/stream", {method: "POST", signal: controller.signal,
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    if (!r.ok) {
      const err = await r.json().catch(() => ({error: r.statusText}));
      throw new Error(err.error || r.statusText);
    }
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, {stream: true});
      let nl;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl); buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        const part = JSON.parse(line);
        if (part.error) throw new Error(part.error);
        show(part, body);
      }
    }
    if (running === controller) document.body.dataset.state = "done";
  } catch (e) {
    if (e.name === "AbortError") return;
    $("error").textContent = e.message;
    $("status").textContent = "";
    document.body.dataset.state = "error";
  }
}

function show(part, body) {
  const worlds = part.worlds.toLocaleString("en");
  $("status").textContent = (part.done ? "done: " : "refining: ") + worlds + " of " +
    body.worlds.toLocaleString("en") + " worlds, seed " + part.seed +
    (part.lens ? ", lens " + part.lens : "");
  const rows = part.packages;
  const chosen = rows.find((r) => r.package === body.packages[0] ||
                                  r.package === body.packages[0] + " (levers)") || rows[0];
  const risk = chosen.metrics.p_war_120m || {};
  $("risk").textContent = pct(risk.mean);
  $("risk").dataset.worlds = part.worlds;
  $("risk-label").textContent = "P(war within 10 years), " + chosen.package;
  table(rows);
  $("notes").textContent = part.notes.join(" · ");
  curves(rows, part);
}

const COLUMNS = [
  ["P(war 10 y)", (r) => pct((r.metrics.p_war_120m || {}).mean)],
  ["5–95 %", (r) => { const m = r.metrics.p_war_120m || {}; return pct(m.p05) + " – " + pct(m.p95); }],
  ["vs anchor", (r) => r.change_vs_anchor ? (r.change_vs_anchor.mean >= 0 ? "+" : "") +
      (100 * r.change_vs_anchor.mean).toFixed(1) + " pts (" + (100 * r.change_vs_anchor.low).toFixed(1) +
      " to " + (100 * r.change_vs_anchor.high).toFixed(1) + ")" : ""],
  ["hold if attacked", (r) => pct((r.metrics.p_hold_given_war || {}).mean)],
  ["cost $bn/y", (r) => num((r.metrics.cost_usd_bn_per_year || {}).mean)],
  ["troops feasible", (r) => r.metrics.troops_feasible ? pct(r.metrics.troops_feasible.mean) : ""],
  ["history (10 y)", (r) => { const o = r.outside_view && r.outside_view.p_war["120"];
      return o ? pct(o[0]) + " (" + pct(o[1]) + " – " + pct(o[2]) + ")" : ""; }],
  ["rejected by", (r) => r.rejected_by.join(", ")],
];

function table(rows) {
  const head = $("table").tHead, tbody = $("table").tBodies[0];
  head.innerHTML = ""; tbody.innerHTML = "";
  const tr = head.insertRow();
  for (const [name] of [["package"], ...COLUMNS]) {
    const th = document.createElement("th"); th.textContent = name; tr.appendChild(th);
  }
  for (const r of rows) {
    const row = tbody.insertRow();
    row.insertCell().textContent = r.package;
    for (const [name, f] of COLUMNS) {
      const cell = row.insertCell(); cell.textContent = f(r);
      if (name === "rejected by" && r.rejected_by.length) cell.className = "rejected";
    }
  }
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];

function curves(rows, part) {
  const traces = [];
  rows.forEach((r, i) => {
    const c = COLOURS[i % COLOURS.length], x = r.curve.months;
    traces.push({x, y: r.curve.p95, mode: "lines", line: {width: 0}, showlegend: false,
                 hoverinfo: "skip", legendgroup: r.package});
    traces.push({x, y: r.curve.p05, mode: "lines", line: {width: 0}, fill: "tonexty",
                 fillcolor: c + "22", showlegend: false, hoverinfo: "skip", legendgroup: r.package});
    traces.push({x, y: r.curve.mean, mode: "lines+markers", name: r.package,
                 line: {color: c}, legendgroup: r.package});
    if (r.outside_view) {
      const ms = r.outside_view.months.filter((m) => m > 0);
      const est = ms.map((m) => r.outside_view.p_war[String(m)]);
      traces.push({x: ms, y: est.map((e) => e[0]), mode: "markers", name: r.package + " (history)",
                   marker: {color: c, symbol: "diamond-open", size: 10}, legendgroup: r.package,
                   error_y: {type: "data", symmetric: false, array: est.map((e) => e[2] - e[0]),
                             arrayminus: est.map((e) => e[0] - e[1]), color: c}});
    }
  });
  const layout = {margin: {t: 30, r: 10, b: 40, l: 50},
                  title: {text: "P(war by month): mean and 5–95 % across worlds (" +
                          part.worlds.toLocaleString("en") + " worlds)", font: {size: 14}},
                  xaxis: {title: {text: "months after the ceasefire"}},
                  yaxis: {title: {text: "P(war)"}, tickformat: ".0%", rangemode: "tozero"},
                  legend: {orientation: "h", y: -0.2}};
  Plotly.react("curves", traces, layout, {displaylogo: false, responsive: true});
}

async function downloadReport() {
  $("error").textContent = "";
  $("status").textContent = "writing the report…";
  const body = request();
  try {
    const r = await fetch("/api/report", {method: "POST", body: JSON.stringify(body),
                                          headers: {"Content-Type": "application/json"}});
    if (!r.ok) { const e = await r.json(); throw new Error(e.error || r.statusText); }
    const url = URL.createObjectURL(await r.blob());
    const a = document.createElement("a");
    a.href = url; a.download = "guaranty-report.html"; a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    $("status").textContent = "report downloaded";
  } catch (e) { $("error").textContent = e.message; }
}

$("scenario").addEventListener("change", loadScenario);
for (const id of ["package", "lens", "worlds", "wording", "beside-anchor"]) {
  $(id).addEventListener("change", () => schedule(0));
}
$("reset").addEventListener("click", () => {
  for (const div of document.querySelectorAll(".lever")) {
    div.classList.add("untouched");
    const input = div.querySelector("input, select");
    input.value = input.tagName === "SELECT" ? "" : input.min;
    if (input.tagName !== "SELECT") div.querySelector(".value").textContent = "as in the package";
  }
  $("wording").value = "";
  schedule(0);
});
$("report").addEventListener("click", downloadReport);
loadScenarios().catch((e) => { $("error").textContent = e.message; });
