// Agent console: live regions over Server-Sent Events, SLA countdowns, the P1 title badge,
// notifications, canned replies in the reply box, keyboard shortcuts, the header's switches.
// Server-rendered HTML is already escaped; this script only moves it between documents.
"use strict";

function pad(n) { return String(n).padStart(2, "0"); }

function formatLeft(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  const text = (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s);
  const words = document.body.dataset;
  const pattern = ms >= 0 ? (words.left || "{time} left") : (words.overdue || "overdue {time}");
  return pattern.replace("{time}", text);
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
  const before = watchedCases();
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
  announceNewCases(before, watchedCases());
  document.body.dataset.refreshed = String(Date.now());
}

// -- notifications: a new case assigned to me, a new P1 in my queues ---------------------------
function caseSet(attribute) {
  const holder = document.querySelector("[" + attribute + "]");
  const value = holder ? holder.getAttribute(attribute) : "";
  return new Set(value ? value.split(",") : []);
}

function watchedCases() {
  return { mine: caseSet("data-mine-cases"), p1: caseSet("data-p1-cases") };
}

function announceNewCases(before, after) {
  const body = document.body.dataset;
  const fresh = [];
  after.mine.forEach((n) => { if (!before.mine.has(n)) { fresh.push(body.notifyMine.replace("{case}", n)); } });
  after.p1.forEach((n) => { if (!before.p1.has(n) && !after.mine.has(n)) { fresh.push(body.notifyP1.replace("{case}", n)); } });
  if (!fresh.length) { return; }
  document.body.dataset.lastNotice = fresh.join(" | ");
  beep();
  if ("Notification" in window && Notification.permission === "granted") {
    fresh.forEach((text) => new Notification(text));
  }
}

function beep() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) { return; }
  try {
    const audio = new Context(), tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 880; gain.gain.value = 0.08;
    tone.connect(gain); gain.connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.25);
  } catch (error) { /* no audio device: the notification is enough */ }
}

function offerNotifications() {
  const button = document.querySelector("[data-enable-notifications]");
  if (!button || !("Notification" in window) || Notification.permission !== "default") { return; }
  button.hidden = false;
  button.addEventListener("click", () => Notification.requestPermission().then(() => { button.hidden = true; }));
}

// -- canned replies: "/" in the reply box ------------------------------------------------------
function cannedReplies() {
  const data = document.getElementById("canned-data");
  return data ? JSON.parse(data.textContent || "[]") : [];
}

function cannedMatches(box, replies) {
  const match = /(^|\s)\/([\w-]*)$/.exec(box.value.slice(0, box.selectionStart));
  if (!match) { return null; }
  return { typed: match[2], start: box.selectionStart - match[2].length - 1,
           items: replies.filter((r) => r.shortcut.startsWith(match[2].toLowerCase())) };
}

function showCanned(box, menu, found) {
  menu.replaceChildren();
  if (!found || !found.items.length) { menu.hidden = true; return; }
  found.items.forEach((reply, index) => {
    const item = document.createElement("li");
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", index === 0 ? "true" : "false");
    item.dataset.shortcut = reply.shortcut;
    item.textContent = "/" + reply.shortcut + " — " + reply.text;
    item.addEventListener("mousedown", (event) => { event.preventDefault(); insertCanned(box, menu, reply); });
    menu.appendChild(item);
  });
  menu.hidden = false;
}

function insertCanned(box, menu, reply) {
  const found = cannedMatches(box, [reply]);
  const start = found ? found.start : box.selectionStart;
  box.value = box.value.slice(0, start) + reply.text + box.value.slice(box.selectionStart);
  box.selectionStart = box.selectionEnd = start + reply.text.length;
  menu.hidden = true;
  box.focus();
}

function setUpCanned() {
  const box = document.querySelector("[data-canned-box]");
  const menu = document.getElementById("canned-menu");
  if (!box || !menu) { return; }
  const replies = cannedReplies();
  box.addEventListener("input", () => showCanned(box, menu, cannedMatches(box, replies)));
  box.addEventListener("keydown", (event) => {
    if (menu.hidden) { return; }
    const items = [...menu.children];
    const at = items.findIndex((li) => li.getAttribute("aria-selected") === "true");
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = (at + (event.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach((li, i) => li.setAttribute("aria-selected", i === next ? "true" : "false"));
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      const chosen = replies.find((r) => r.shortcut === items[Math.max(at, 0)].dataset.shortcut);
      if (chosen) { insertCanned(box, menu, chosen); }
    } else if (event.key === "Escape") {
      menu.hidden = true;
    }
  });
}

// -- keyboard shortcuts: j/k next/previous case, r reply, n note, e resolve, / search ----------
function typing(target) {
  return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function moveCase(step) {
  const links = [...document.querySelectorAll("[data-case-item] a, tr[data-case] a")];
  if (!links.length) { return; }
  const current = links.findIndex((a) => a.closest(".current"));
  const next = links[Math.min(Math.max(current + step, 0), links.length - 1)];
  if (next) { window.location.href = next.href; }
}

function shortcuts(event) {
  if (typing(event.target) || event.ctrlKey || event.metaKey || event.altKey) { return; }
  const press = (selector) => { const el = document.querySelector(selector); if (el) { event.preventDefault(); el.click(); } };
  const focus = (selector) => { const el = document.querySelector(selector); if (el) { event.preventDefault(); el.focus(); } };
  const keys = { j: () => moveCase(1), k: () => moveCase(-1), r: () => focus("#reply-text"),
                 n: () => focus("#note-text"), e: () => press("[data-action=resolve]"),
                 "/": () => focus("[data-search]") };
  if (keys[event.key]) { keys[event.key](); }
}

// -- header switches submit themselves and come back to this page ------------------------------
function setUpSwitches() {
  document.querySelectorAll("[data-here]").forEach((input) => {
    input.value = window.location.pathname + window.location.search;
  });
  document.querySelectorAll("[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
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
  document.addEventListener("keydown", shortcuts);
  setUpSwitches();
  setUpCanned();
  offerNotifications();
  tickCountdowns();
  updateTitle();
  scrollTranscript();
  setInterval(tickCountdowns, 1000);
  listen();
});
