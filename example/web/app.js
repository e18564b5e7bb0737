// Minimal chat page on the v2 API of the SDK served at /sdk/qiscus-sdk-core.js.
// Message text is only ever set with textContent, never parsed as HTML.
'use strict';

const params = new URLSearchParams(location.search);
const appId = params.get('app') || 'dev';
const $ = (id) => document.getElementById(id);

let qiscus = null;
let me = null;     // our user id
let room = null;   // the open room
const shown = new Map(); // unique_temp_id (or id) -> <li>, so echoes and sync repeats show once

function showError(err) {
  const box = $('error');
  box.textContent = err ? String((err && err.message) || err) : '';
  box.hidden = !err;
}

function setStatus(text) { $('status').textContent = text; }

function time(c) {
  const d = c.timestamp ? new Date(c.timestamp) : new Date();
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function statusMark(status) {
  return { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓ read', failed: '✗' }[status] || '';
}

// addComment shows a raw comment once, or refreshes the one already shown.
function addComment(c) {
  if (!room || String(c.room_id) !== String(room.id)) return;
  const key = c.unique_temp_id || c.unique_id || String(c.id);
  let li = shown.get(key);
  if (!li) {
    li = document.createElement('li');
    li.className = 'msg' + (c.email === me ? ' mine' : '');
    const who = document.createElement('span');
    who.className = 'who';
    const text = document.createElement('span');
    text.className = 'text';
    const meta = document.createElement('span');
    meta.className = 'meta';
    li.append(who, text, meta);
    shown.set(key, li);
    insertInOrder(li, c.id);
  }
  if (c.id) li.dataset.id = c.id;
  li.querySelector('.who').textContent = c.email === me ? '' : (c.username || c.email);
  li.querySelector('.text').textContent = c.message;
  li.querySelector('.meta').textContent = time(c) + (c.email === me ? ' ' + statusMark(c.status) : '');
  li.dataset.status = c.status || '';
}

// insertInOrder keeps the list ascending by id; unsent comments go last.
function insertInOrder(li, id) {
  const list = $('messages');
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  li.dataset.id = id || '';
  const next = id ? [...list.children].find((el) => el.dataset.id && Number(el.dataset.id) > Number(id)) : null;
  list.insertBefore(li, next || null);
  if (atBottom || !next) list.scrollTop = list.scrollHeight;
}

// markMine updates the ticks of our comments up to id.
function markMine(id, status) {
  for (const li of $('messages').children) {
    if (!li.classList.contains('mine') || !li.dataset.id || Number(li.dataset.id) > Number(id)) continue;
    if (li.dataset.status === 'read') continue;
    li.dataset.status = status;
    const meta = li.querySelector('.meta');
    meta.textContent = meta.textContent.replace(/\s[✓…✗].*$/, '') + ' ' + statusMark(status);
  }
}

let typingTimer = null;
let typingSentAt = 0;
function onTyping(ev) {
  if (!room || !ev || String(ev.room_id) !== String(room.id) || ev.username === me) return;
  $('typing').textContent = ev.message === '1' ? `${ev.username} is typing…` : '';
}

// Typing: at most one "1" every 2 s while keys are pressed, "0" after 3 s idle.
function userTyped() {
  if (!qiscus || !room) return;
  const now = Date.now();
  if (now - typingSentAt > 2000) {
    typingSentAt = now;
    qiscus.publishTyping(1);
  }
  clearTimeout(typingTimer);
  typingTimer = setTimeout(stopTyping, 3000);
}

function stopTyping() {
  clearTimeout(typingTimer);
  if (typingSentAt && qiscus) qiscus.publishTyping(0);
  typingSentAt = 0;
}

async function start(ev) {
  ev.preventDefault();
  showError(null);
  if (typeof QiscusSDKCore === 'undefined') {
    showError('The SDK is not at /sdk/qiscus-sdk-core.js yet: build it (js/dist), then reload.');
    return;
  }
  const id = $('user-id').value.trim();
  const password = $('password').value;
  const name = $('name').value.trim() || id;
  const target = $('target').value.trim();
  $('login-button').disabled = true;
  try {
    qiscus = new QiscusSDKCore();
    setStatus('connecting…');
    await qiscus.init({
      AppId: appId,
      baseURL: location.origin,
      mqttURL: (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/mqtt',
      options: {
        loginSuccessCallback() { setStatus(`logged in as ${id}`); },
        loginErrorCallback(err) { showError(err); },
        newMessagesCallback(msgs) { for (const c of msgs) addComment(c); },
        typingCallback: onTyping,
        commentDeliveredCallback(e) { if (e && e.comment) markMine(e.comment.id, 'delivered'); },
        commentReadCallback(e) { if (e && e.comment) markMine(e.comment.id, 'read'); },
      },
    });
    me = id;
    await qiscus.setUser(id, password, name);
    room = await openRoom(target);
    $('room-title').textContent = 'with ' + (room.name || room.room_name || target);
    const comments = await qiscus.loadComments(room.id);
    [...(comments || [])].sort((a, b) => a.id - b.id).forEach(addComment);
    $('login').hidden = true;
    $('chat').hidden = false;
    $('message-input').focus();
    history.replaceState(null, '', `?app=${encodeURIComponent(appId)}&user=${encodeURIComponent(id)}&target=${encodeURIComponent(target)}`);
  } catch (err) {
    setStatus('not connected');
    showError(err);
  } finally {
    $('login-button').disabled = false;
  }
}

// openRoom retries while the target has not logged in yet (the server only
// opens rooms with known users), so two tabs can be started in any order.
async function openRoom(target) {
  for (;;) {
    try {
      const r = await qiscus.chatTarget(target);
      showError(null);
      return r;
    } catch (err) {
      if (!err || err.status !== 404) throw err;
      showError(`Waiting for "${target}" to log in once (open this page as ${target} in another tab)…`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function send(ev) {
  ev.preventDefault();
  const input = $('message-input');
  const text = input.value;
  if (!text.trim() || !room) return;
  input.value = '';
  stopTyping();
  try {
    const c = await qiscus.sendComment(room.id, text);
    if (c) addComment(c);
  } catch (err) {
    showError(err);
    input.value = text;
  }
}

$('user-id').value = params.get('user') || '';
$('target').value = params.get('target') || '';
$('login').addEventListener('submit', start);
$('composer').addEventListener('submit', send);
$('message-input').addEventListener('input', userTyped);
