// Starts the telegram-test-api Bot API emulator on 127.0.0.1:<port> for the channel tests.
//
// Harness fixes for known emulator gaps (the product is not changed for them):
//  1. getMe omits `is_bot`, which aiogram's validation requires: answered here in full.
//  2. bot-side getUpdates ignores `timeout`: held here until an update arrives or the
//     timeout passes, as Telegram's long polling does (no busy loop on a shared machine).
//  3. callback_query updates lack `chat_instance`: filled in from the chat id.
//  4. sent messages carry `date` in milliseconds: converted to seconds.
//  5. webhook calls carry no `X-Telegram-Bot-Api-Secret-Token`: added from setWebhook's
//     `secret_token`, as Telegram does.
'use strict';
const axios = require('axios');
const express = require('express');
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });

const formatUpdate = TelegramServer.formatUpdate;
TelegramServer.formatUpdate = (update) => {
  const formatted = formatUpdate(update);
  if (formatted.callback_query && !formatted.callback_query.chat_instance) {
    const chat = (formatted.callback_query.message || {}).chat || {};
    formatted.callback_query.chat_instance = String(chat.id || 0);
  }
  return formatted;
};

const addBotMessage = server.addBotMessage.bind(server);
server.addBotMessage = (raw, token) => {
  const message = addBotMessage(raw, token);
  message.date = Math.floor(message.date / 1000);
  return message;
};

axios.interceptors.request.use((config) => {
  for (const hook of Object.values(server.webhooks)) {
    if (hook.url === config.url && hook.secret_token) {
      config.headers['X-Telegram-Bot-Api-Secret-Token'] = hook.secret_token;
    }
  }
  return config;
});

const front = express();
front.use(express.json());
front.use(express.urlencoded({ extended: true }));
front.all('/bot:token/getMe', (req, res) => {
  res.json({ ok: true, result: { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' } });
});
front.all('/bot:token/getUpdates', (req, res, next) => {
  const args = Object.assign({}, req.query, req.body);
  const deadline = Date.now() + Math.min(Number(args.timeout || 0), 30) * 1000;
  const pending = () => server.storage.userMessages.some(
    (u) => u.botToken === req.params.token && !u.isRead);
  const wait = () => {
    if (pending() || Date.now() >= deadline || req.socket.destroyed) { next(); return; }
    setTimeout(wait, 25);
  };
  wait();
});
front.use(server.webServer);
server.webServer = front;

server.start().then(() => {
  process.stdout.write(`listening ${server.config.apiURL}\n`);
});
const stop = () => { server.stop().then(() => process.exit(0)); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
