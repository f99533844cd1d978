// Herald's dashboard: reads the metrics API with a read API key kept in sessionStorage (this
// tab only) and draws the numbers with the vendored Chart.js. Every number shown carries
// data-metric, so what the page shows can be compared with what the API returned.
"use strict";

const KEY = "herald.apiKey";
const ENGAGEMENT = ["sent", "delivered", "opened", "clicked", "replied", "bounced", "opted_out"];
const LABELS = { opted_out: "opted out", here_now: "here now", conversion_rate: "conversion" };

class KeyRefused extends Error {}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function label(name) {
  return LABELS[name] || name.replaceAll("_", " ");
}

function percent(rate) {
  return `${(rate * 100).toFixed(1)}%`;
}

function metricCell(metric, value, text = String(value)) {
  return el("td", { "data-metric": metric }, text);
}

function table(headers, rows) {
  return el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...headers.map((h) => el("th", {}, label(h))))),
    el("tbody", {}, ...rows),
  );
}

function section(title, ...children) {
  return el("section", {}, el("h2", {}, title), ...children);
}

function uiLink(url, text = "Workflows in the Temporal UI") {
  return el("a", { href: url, target: "_blank", rel: "noopener", "data-link": "temporal" }, text);
}

// Charts are drawn once their canvas is in the page, so Chart.js can measure it, and
// destroyed when the page is shown anew (another journey, another conversion event).
const undrawn = [];
const drawn = [];

function chart(config) {
  const canvas = el("canvas");
  // Without animation: a screenshot or a reader sees the final bars at once.
  const options = { animation: false, responsive: true, maintainAspectRatio: false };
  undrawn.push(() => new Chart(canvas, { ...config, options: { ...options, ...config.options } }));
  return el("div", { class: "chart" }, canvas);
}

// --- the API key --------------------------------------------------------------------------

function takeKeyFromFragment() {
  // A link may carry the key in its #fragment, which browsers never send to a server.
  const found = location.hash.match(/(?:^#|&)key=([^&]+)/);
  if (found) {
    sessionStorage.setItem(KEY, decodeURIComponent(found[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

function askForKey(message) {
  const form = document.getElementById("key-form");
  form.hidden = false;
  document.getElementById("key-error").textContent = message || "";
  document.body.dataset.state = "needs-key";
  form.onsubmit = (event) => {
    event.preventDefault();
    const key = document.getElementById("key-input").value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY, key);
    form.hidden = true;
    show();
  };
}

async function api(path) {
  const key = sessionStorage.getItem(KEY);
  const answer = await fetch(path, { headers: { Authorization: `Bearer ${key}` } });
  const body = await answer.json().catch(() => ({}));
  if (answer.status === 401 || answer.status === 403) throw new KeyRefused(body.detail);
  if (!answer.ok) throw new Error(body.detail || `${path} answered ${answer.status}`);
  return body;
}

// --- pages --------------------------------------------------------------------------------

function picker(name, choices, chosen, none) {
  const select = el("select", { name, id: `pick-${name}` });
  if (none) select.append(el("option", { value: "" }, none));
  for (const choice of choices) {
    const option = el("option", { value: choice }, choice);
    if (choice === chosen) option.selected = true;
    select.append(option);
  }
  select.onchange = () => {
    const params = new URLSearchParams(location.search);
    if (select.value) params.set(name, select.value);
    else params.delete(name);
    history.pushState(null, "", `${location.pathname}?${params}`);
    show();
  };
  return el("label", {}, `${label(name)} `, select);
}

function summary(items) {
  return el(
    "div",
    { class: "summary" },
    ...items.map(([metric, value, text]) =>
      el("div", { "data-metric": metric }, text, el("span", {}, label(metric.split(".").pop()))),
    ),
  );
}

function chosen(name, listed) {
  const wanted = new URLSearchParams(location.search).get(name);
  return listed.find((item) => item.name === wanted) || listed[0];
}

function journeyState(overview, journey) {
  // Whether anyone is still in a closed journey (COMPLETED) is Temporal's to say.
  const stored = overview.journeys_stored_state.includes(journey.name);
  return stored ? `${journey.state} (as stored: Temporal is unreachable)` : journey.state;
}

async function journeysPage(overview) {
  if (!overview.journeys.length) return [el("p", { class: "muted" }, "No journeys yet.")];
  const journey = chosen("journey", overview.journeys);
  const m = await api(`/v1/metrics/journeys/${encodeURIComponent(journey.name)}`);
  const steps = ["reached", "here_now", ...ENGAGEMENT, "failed", "skipped"];
  const funnel = m.steps.map((s) =>
    el("tr", {}, el("td", {}, s.step_id), ...steps.map((k) => metricCell(`step.${s.step_id}.${k}`, s[k]))),
  );
  const exits = Object.entries(m.exited).map(([reason, n]) =>
    el("tr", {}, el("td", {}, reason), metricCell(`exited.${reason}`, n)),
  );
  const bars = ["reached", "sent", "delivered", "opened", "clicked", "replied"];
  return [
    el("div", { class: "controls" }, picker("journey", overview.journeys.map((j) => j.name), journey.name),
      el("span", { class: "muted" }, journeyState(overview, journey)), uiLink(journey.workflows_url)),
    summary([
      ["entered", m.entered, String(m.entered)],
      ["active", m.active, String(m.active)],
      ["completed", m.completed, String(m.completed)],
    ]),
    section("Funnel by step", chart({
      type: "bar",
      data: {
        labels: m.steps.map((s) => s.step_id),
        datasets: bars.map((k) => ({ label: label(k), data: m.steps.map((s) => s[k]) })),
      },
    }), table(["step", ...steps], funnel)),
    section("Exits by reason", exits.length ? table(["reason", "participants"], exits)
      : el("p", { class: "muted" }, "Nobody has left yet.")),
    byDay("Sends and engagement by day", m.by_day),
  ];
}

function treatmentRow(t) {
  const counts = ["members", ...ENGAGEMENT, "converted"];
  return el(
    "tr",
    {},
    el("td", {}, t.treatment_id),
    ...counts.map((k) => metricCell(`treatment.${t.treatment_id}.${k}`, t[k])),
    metricCell(`treatment.${t.treatment_id}.conversion_rate`, t.conversion_rate, percent(t.conversion_rate)),
    metricCell(`treatment.${t.treatment_id}.lift`, t.lift, t.lift === null ? "–" : percent(t.lift)),
  );
}

async function campaignsPage(overview) {
  if (!overview.campaigns.length) return [el("p", { class: "muted" }, "No campaigns yet.")];
  const campaign = chosen("campaign", overview.campaigns);
  const conversion = new URLSearchParams(location.search).get("conversion") || "";
  const query = conversion ? `?conversion=${encodeURIComponent(conversion)}` : "";
  const m = await api(`/v1/metrics/campaigns/${encodeURIComponent(campaign.name)}${query}`);
  const all = [...m.treatments, m.holdout];
  const headers = ["treatment", "members", ...ENGAGEMENT, "converted", "conversion_rate", "lift"];
  return [
    el("div", { class: "controls" },
      picker("campaign", overview.campaigns.map((c) => c.name), campaign.name),
      picker("conversion", overview.conversion_events, conversion, "(no conversion event)"),
      el("span", { class: "muted" }, campaign.state), uiLink(campaign.workflows_url)),
    section("Treatments against the holdout", chart({
      type: "bar",
      data: {
        labels: all.map((t) => t.treatment_id),
        datasets: conversion
          ? [{ label: `conversion on ${conversion} (%)`, data: all.map((t) => t.conversion_rate * 100) }]
          : ["members", "sent", "opened", "clicked"].map((k) => ({ label: label(k), data: all.map((t) => t[k]) })),
      },
    }), table(headers, all.map(treatmentRow)),
    conversion ? "" : el("p", { class: "muted" }, "Pick a conversion event to compare conversion.")),
    byDay("Sends and engagement by day", m.by_day),
  ];
}

function byDay(title, days) {
  if (!days.length) return section(title, el("p", { class: "muted" }, "Nothing sent yet."));
  const dates = [...new Set(days.map((d) => d.day))].sort();
  const channels = [...new Set(days.map((d) => d.channel))].sort();
  const sentBy = (channel) => dates.map((day) =>
    days.filter((d) => d.day === day && d.channel === channel).reduce((n, d) => n + d.sent, 0));
  const engaged = (kind) => dates.map((day) =>
    days.filter((d) => d.day === day).reduce((n, d) => n + d[kind], 0));
  const rows = days.map((d) =>
    el("tr", {}, el("td", {}, d.day), el("td", {}, d.channel),
      ...ENGAGEMENT.map((k) => metricCell(`day.${d.day}.${d.channel}.${k}`, d[k]))),
  );
  return section(title, chart({
    type: "line",
    data: {
      labels: dates,
      datasets: [
        ...channels.map((c) => ({ label: `${c} sent`, data: sentBy(c) })),
        ...["delivered", "opened", "clicked"].map((k) => ({ label: label(k), data: engaged(k), borderDash: [4, 4] })),
      ],
    },
  }), table(["day", "channel", ...ENGAGEMENT], rows));
}

async function deliveriesPage(overview) {
  const days = new URLSearchParams(location.search).get("days") || "30";
  const m = await api(`/v1/metrics/deliveries?days=${encodeURIComponent(days)}`);
  const all = `${overview.temporal_ui_url}/namespaces/${encodeURIComponent(overview.namespace)}/workflows`;
  return [
    el("div", { class: "controls" }, picker("days", ["7", "30", "90", "365"], days),
      uiLink(all, "All workflows in the Temporal UI")),
    byDay(`Deliveries and engagement since ${m.since.slice(0, 10)}`, m.by_day),
  ];
}

const PAGES = { journeys: journeysPage, campaigns: campaignsPage, deliveries: deliveriesPage };

async function show() {
  const content = document.getElementById("content");
  if (!sessionStorage.getItem(KEY)) return askForKey();
  document.getElementById("forget-key").hidden = false;
  document.body.dataset.state = "loading";
  undrawn.length = 0;
  try {
    const overview = await api("/v1/dashboard/overview");
    const parts = await PAGES[document.body.dataset.page](overview);
    content.replaceChildren(el("h1", {}, document.title.replace("Herald · ", "")), ...parts);
    drawn.splice(0).forEach((old) => old.destroy());
    drawn.push(...undrawn.splice(0).map((draw) => draw()));
    document.body.dataset.state = "ready";
  } catch (error) {
    if (error instanceof KeyRefused) {
      sessionStorage.removeItem(KEY);
      content.replaceChildren();
      return askForKey(error.message || "That key was refused.");
    }
    content.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
    document.body.dataset.state = "error";
  }
}

document.getElementById("forget-key").onclick = () => {
  sessionStorage.removeItem(KEY);
  location.reload();
};
window.addEventListener("popstate", show);
takeKeyFromFragment();
show();
