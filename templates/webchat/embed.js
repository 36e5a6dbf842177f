/* The web chat bubble for any page of the shop's site:
 *   <script src="https://help.example.com/webchat/embed.js" data-locale="zh-Hant" async></script>
 * data-locale (zh-Hans / zh-Hant / en), data-position (right / left), data-color (CSS colour).
 * The chat itself runs in an iframe from the bot's origin (its own storage, its own CSP); this
 * script only draws the bubble, the unread badge and opens / closes the frame. The page's origin
 * must be listed in AFTERSALES_WIDGET_ORIGINS, or the browser refuses to show the frame.
 */
(() => {
  "use strict";
  if (window.__aftersalesWebchat) return;
  window.__aftersalesWebchat = true;
  const WORDS = {{ words|tojson }};
  const DEFAULT_LOCALE = {{ default_locale|tojson }};
  const me = document.currentScript || document.querySelector('script[src*="/webchat/embed.js"]');
  if (!me) return;
  const base = new URL(".", me.src);  // …/webchat/
  const widgetOrigin = base.origin;
  const data = me.dataset;
  const locale = WORDS[data.locale] ? data.locale : DEFAULT_LOCALE;
  const words = WORDS[locale];
  const side = data.position === "left" ? "left" : "right";
  const color = /^#[0-9a-fA-F]{3,8}$/.test(data.color || "") ? data.color : "#2563eb";

  const host = document.createElement("div");
  host.setAttribute("data-aftersales-webchat", "");
  const root = host.attachShadow({ mode: "open" });
  root.innerHTML = `<style>
    :host { all: initial; }
    .frame { position: fixed; bottom: 92px; ${side}: 20px; width: 380px; height: 600px;
             max-width: calc(100vw - 24px); max-height: calc(100vh - 112px); border: 0;
             border-radius: 14px; box-shadow: 0 8px 30px rgba(0,0,0,.25); background: #fff;
             z-index: 2147483646; display: none; }
    .frame.open { display: block; }
    button { position: fixed; bottom: 20px; ${side}: 20px; width: 60px; height: 60px;
             border-radius: 50%; border: 0; background: ${color}; color: #fff; cursor: pointer;
             box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 2147483647; padding: 0;
             display: flex; align-items: center; justify-content: center; }
    svg { width: 28px; height: 28px; fill: none; stroke: currentColor; stroke-width: 2;
          stroke-linecap: round; stroke-linejoin: round; }
    .badge { position: absolute; top: -4px; right: -4px; min-width: 22px; height: 22px;
             border-radius: 11px; background: #dc2626; color: #fff; font: 600 12px/22px system-ui, sans-serif;
             padding: 0 6px; box-sizing: border-box; text-align: center; }
    .badge[hidden] { display: none; }
    @media (max-width: 480px) { .frame { ${side}: 12px; bottom: 88px; height: calc(100vh - 100px); } }
  </style>
  <iframe class="frame" title=""></iframe>
  <button type="button"><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 5h16v11H9l-5 4z"/></svg><span class="badge" hidden></span></button>`;
  const frame = root.querySelector("iframe");
  const bubble = root.querySelector("button");
  const badge = root.querySelector(".badge");
  frame.title = words.title;
  bubble.setAttribute("aria-label", words.open_chat);
  bubble.title = words.open_chat;
  const src = new URL("./", base);
  src.searchParams.set("embed", "1");
  src.searchParams.set("locale", locale);
  src.searchParams.set("host", window.location.origin);
  frame.src = src.href;  // loaded at once (hidden): the badge counts replies while closed
  let open = false;
  // The conversation's identity (user id and token) lives here, in the shop page's own
  // storage: the frame is third-party, and browsers may deny it storage of its own.
  const KEY = "aftersales_webchat_identity";

  function storedIdentity() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function keepIdentity(identity) {
    const valid = identity && typeof identity.user_id === "string" && identity.user_id.length <= 128
      && (identity.token === null || typeof identity.token === "string");
    if (!valid) return;
    try { window.localStorage.setItem(KEY, JSON.stringify(identity)); } catch (e) { /* private mode */ }
  }
  function tellFrame(withIdentity) {
    const message = { source: "aftersales-webchat-host", open };
    if (withIdentity) message.identity = storedIdentity();
    frame.contentWindow.postMessage(message, widgetOrigin);
  }
  function setOpen(value) {
    open = value;
    frame.classList.toggle("open", open);
    bubble.setAttribute("aria-expanded", String(open));
    bubble.setAttribute("aria-label", open ? words.close_chat : words.open_chat);
    tellFrame(false);
  }
  function setUnread(count) {
    badge.hidden = !(count > 0);
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.setAttribute("aria-label", words.unread.replace("{count}", String(count)));
  }
  bubble.addEventListener("click", () => setOpen(!open));
  window.addEventListener("message", (ev) => {
    if (ev.origin !== widgetOrigin || ev.source !== frame.contentWindow) return;
    const msg = ev.data || {};
    if (msg.source !== "aftersales-webchat") return;
    if (typeof msg.unread === "number") setUnread(msg.unread);
    if (msg.identity) keepIdentity(msg.identity);
    if (msg.ready) tellFrame(true);
    if (msg.close) setOpen(false);
  });
  (document.body || document.documentElement).appendChild(host);
})();
