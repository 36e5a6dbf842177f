// Agent console: live regions over Server-Sent Events, SLA countdowns, the P1 title badge.
// Server-rendered HTML is already escaped; this script only moves it between documents.
"use strict";

function pad(n) { return String(n).padStart(2, "0"); }

function formatLeft(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const text = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
  return ms >= 0 ? text + " left" : "overdue " + text;
}

function tickCountdowns() {
  const now = Date.now();
  document.querySelectorAll("time[data-due]").forEach((el) => {
    const left = Date.parse(el.dataset.due) - now;
    el.textContent = formatLeft(left);
    el.classList.toggle("overdue", left < 0);
    el.classList.toggle("soon", left >= 0 && left < 15 * 60 * 1000);
  });
}

function updateTitle() {
  const base = document.body.dataset.title || document.title;
  const badge = document.querySelector("[data-p1-count]");
  const count = badge ? parseInt(badge.dataset.p1Count, 10) : 0;
  document.title = count > 0 ? "(" + count + " P1) " + base : base;
}

async function refreshRegions() {
  const response = await fetch(window.location.href, { credentials: "same-origin" });
  if (!response.ok) { return; }
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  document.querySelectorAll("[data-live][id]").forEach((region) => {
    const active = document.activeElement;
    if (active && region.contains(active) && active.tagName !== "BUTTON") { return; }
    const replacement = fresh.getElementById(region.id);
    if (replacement) { region.replaceChildren(...replacement.childNodes); }
  });
  tickCountdowns();
  updateTitle();
  scrollTranscript();
  document.body.dataset.refreshed = String(Date.now());
}

function scrollTranscript() {
  const transcript = document.querySelector(".transcript");
  if (transcript) { transcript.scrollTop = transcript.scrollHeight; }
}

function listen() {
  if (!document.body.dataset.signedIn || !document.querySelector("[data-live]")) { return; }
  const source = new EventSource(document.body.dataset.liveUrl);
  source.addEventListener("change", (event) => {
    const data = JSON.parse(event.data);
    if (!data.first) { refreshRegions(); }
  });
  source.addEventListener("open", () => { document.body.dataset.live = "open"; });
}

function fillSuggestion(event) {
  const button = event.target.closest("button.suggestion");
  if (!button) { return; }
  const target = document.getElementById(button.dataset.fill);
  if (target) { target.value = button.textContent; target.focus(); }
}

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("click", fillSuggestion);
  tickCountdowns();
  updateTitle();
  scrollTranscript();
  setInterval(tickCountdowns, 1000);
  listen();
});
