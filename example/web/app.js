// The dev chat page: plain JavaScript on the v2 API of the SDK served at
// /sdk/qiscus-sdk-core.js. The SDK keeps the state (the open room and its
// comments with their statuses, receipts, typing throttling); this page only
// draws it. User data is only ever set with textContent, never parsed as HTML.
'use strict';

const params = new URLSearchParams(location.search);
const appId = params.get('app') || 'dev';
// The login result (user id, name, token, refresh token; never the password)
// is kept in sessionStorage: it survives a reload, each tab keeps its own
// user (two people can try the chat in two tabs), and it is gone when the tab
// closes. On reload the page logs in with it through setUserWithIdentityToken
// and checks it with getUserProfile, so a token the server no longer accepts
// sends the user back to the login form.
const SESSION_KEY = 'qiscus-dev-chat/' + appId;
const PAGE = 20; // comments per "load older" page
const $ = (id) => document.getElementById(id);

let qiscus = null;
let me = null; // our user id
let roomId = null; // the open room's id
let olderDone = false;
let roomsTimer = null;
const nodes = new Map(); // comment key -> <li>
const typers = new Map(); // user id -> display name, in the open room
let partner = null; // the other user of an open 1:1 room

// ---- small helpers

function showError(err) {
  const box = $('error');
  box.textContent = err ? String((err && err.message) || err) : '';
  box.hidden = !err;
}

function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function commentTime(c) {
  return c.unix_timestamp ? c.unix_timestamp * 1000 : (Date.parse(c.timestamp) || Date.now());
}

const TICKS = { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '! not sent (click to retry)' };

// fileOf returns {url, name} for an attachment: a file_attachment payload or
// v2's "[file] url [/file]" text. Only http(s) links are ever made clickable.
function fileOf(c) {
  let url = c.type === 'file_attachment' && c.payload && c.payload.url;
  const m = !url && /^\[file\]\s*(\S+)\s*\[\/file\]$/.exec(String(c.message || '').trim());
  if (m) url = m[1];
  if (!url || !/^https?:\/\//i.test(url)) return null;
  const name = (c.payload && c.payload.file_name) || decodeURIComponent(url.split('/').pop() || 'file');
  return { url, name };
}

function lastMessageText(room) {
  const c = room.last_comment;
  if (c && fileOf(c)) return 'File: ' + fileOf(c).name;
  return room.last_comment_message || '';
}

// ---- session

function saveSession(user) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(user));
}

function loadSession() {
  try {
    const u = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
    return u && u.email && u.token ? u : null;
  } catch {
    return null;
  }
}

// keepCursor stores the newest comment id seen, so that a reload syncs from
// there instead of from the login's last_comment_id.
function keepCursor(comments) {
  const u = loadSession();
  const newest = Math.max(0, ...comments.map((c) => Number(c.id) || 0));
  if (u && newest > (Number(u.last_comment_id) || 0)) saveSession(Object.assign(u, { last_comment_id: newest }));
}

async function client() {
  if (qiscus) return qiscus;
  if (typeof QiscusSDKCore === 'undefined') {
    throw new Error('The SDK is not at /sdk/qiscus-sdk-core.js: build it (make build), then reload.');
  }
  const q = new QiscusSDKCore();
  await q.init({
    AppId: appId,
    baseURL: location.origin,
    mqttURL: (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/mqtt',
    options: {
      newMessagesCallback(comments) {
        for (const c of comments) if (typers.delete(c.email)) renderTyping();
        keepCursor(comments);
        scheduleRooms();
      },
      chatRoomCreatedCallback: scheduleRooms,
      typingCallback: onTyping,
      presenceCallback: onPresence,
      authTokenRefreshedCallback(e) {
        const u = loadSession();
        if (u) saveSession(Object.assign(u, { token: e.token, refresh_token: e.refreshToken, token_expires_at: e.expiredAt }));
      },
    },
  });
  // Every SDK event may have changed the open room (comments, ticks): redraw
  // once after the batch, from qiscus.selected.
  q.events.on('*', scheduleRender);
  qiscus = q;
  return q;
}

async function login(ev) {
  ev.preventDefault();
  showError(null);
  $('login-button').disabled = true;
  try {
    const id = $('user-id').value.trim();
    const q = await client();
    const res = await q.setUser(id, $('password').value, $('name').value.trim() || id);
    saveSession(res.user);
    $('password').value = '';
    await enter(res.user);
  } catch (err) {
    showError(err);
  } finally {
    $('login-button').disabled = false;
  }
}

async function resume(user) {
  try {
    const q = await client();
    await q.setUserWithIdentityToken({ user });
    await q.getUserProfile(); // is the stored token still good?
    await enter(user);
  } catch (err) {
    if (err && (err.status === 401 || err.status === 403)) {
      sessionStorage.removeItem(SESSION_KEY);
      if (qiscus) await qiscus.logout().catch(() => {});
      showLogin();
      showError('Your session has ended: please log in again.');
    } else {
      showLogin();
      showError(err);
    }
  }
}

async function enter(user) {
  me = user.email;
  $('me').textContent = `${user.username || me} (${me})`;
  $('login').hidden = true;
  $('app').hidden = false;
  $('logout').hidden = false;
  await refreshRooms();
  const fromHash = Number(new URLSearchParams(location.hash.slice(1)).get('room'));
  if (fromHash > 0) await openRoom(() => qiscus.getRoomById(fromHash));
}

async function logout() {
  sessionStorage.removeItem(SESSION_KEY);
  history.replaceState(null, '', location.pathname + location.search);
  $('logout').disabled = true;
  // The SDK cleans up even if the server call fails; show what it says.
  if (qiscus) await qiscus.logout().catch(showError);
  $('logout').disabled = false;
  me = null;
  closeRoom();
  $('rooms').replaceChildren();
  $('me').textContent = '';
  showLogin();
}

function showLogin() {
  $('app').hidden = true;
  $('logout').hidden = true;
  $('login').hidden = false;
  $('user-id').focus();
}

// ---- room list

function scheduleRooms() {
  clearTimeout(roomsTimer);
  roomsTimer = setTimeout(() => refreshRooms().catch(showError), 200);
}

async function refreshRooms() {
  if (!qiscus || !me) return;
  const rooms = await qiscus.loadRoomList({ show_empty: true, limit: 100 });
  const list = $('rooms');
  list.replaceChildren(...rooms.map((r) => {
    const li = document.createElement('li');
    li.dataset.roomId = r.id;
    li.classList.toggle('open', String(r.id) === String(roomId));
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = r.name || r.room_name || String(r.id);
    if (r.room_type === 'group') {
      const tag = document.createElement('small');
      tag.className = 'tag';
      tag.textContent = 'group';
      name.append(' ', tag);
    }
    const last = document.createElement('span');
    last.className = 'last';
    last.textContent = lastMessageText(r);
    const unread = document.createElement('span');
    unread.className = 'unread';
    // The open room is being read (the SDK sends the receipt); the server's
    // count catches up a moment later.
    unread.textContent = String(r.id) !== String(roomId) && r.count_notif > 0 ? String(r.count_notif) : '';
    li.append(name, unread, last);
    li.addEventListener('click', () => openRoom(() => qiscus.getRoomById(r.id)));
    return li;
  }));
}

// ---- the open room

async function openRoom(load) {
  showError(null);
  try {
    const room = await load();
    closeRoom();
    roomId = room.id;
    olderDone = (room.comments || []).length < PAGE;
    history.replaceState(null, '', '#room=' + room.id);
    $('room-title').textContent = room.name || room.room_name || '';
    $('placeholder').hidden = true;
    $('room-head').hidden = false;
    $('messages').hidden = false;
    $('composer').hidden = false;
    const other = room.room_type === 'single' && (room.participants || []).find((p) => p.email !== me);
    partner = other ? other.email : null;
    if (partner) {
      const [p] = await qiscus.getUserPresences([partner]);
      if (p) setPresence(p.status === 1, Number(p.timestamp));
    }
    render();
    scheduleRooms();
    $('message-input').focus();
  } catch (err) {
    showError(err);
  }
}

function closeRoom() {
  roomId = null;
  partner = null;
  nodes.clear();
  typers.clear();
  $('messages').replaceChildren();
  $('messages').hidden = true;
  $('composer').hidden = true;
  $('more').hidden = true;
  $('placeholder').hidden = false;
  $('room-head').hidden = true;
  $('room-title').textContent = '';
  $('presence').textContent = '';
  renderTyping();
}

function openComments() {
  const s = qiscus && qiscus.selected;
  return s && roomId !== null && String(s.id) === String(roomId) ? s.comments || [] : [];
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    render();
  });
}

// render brings the message list in line with qiscus.selected.comments
// (ascending; pending ones last), reusing each comment's <li>.
function render() {
  const list = $('messages');
  if (roomId === null) return;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  const comments = openComments();
  const seen = new Set();
  comments.forEach((c, i) => {
    const key = c.unique_temp_id || c.unique_id || String(c.id);
    seen.add(key);
    let li = nodes.get(key);
    if (!li) {
      li = document.createElement('li');
      nodes.set(key, li);
    }
    fillMessage(li, c);
    if (list.children[i] !== li) list.insertBefore(li, list.children[i] || null);
  });
  for (const [key, li] of nodes) {
    if (!seen.has(key)) {
      li.remove();
      nodes.delete(key);
    }
  }
  $('more').hidden = olderDone || comments.length === 0;
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function fillMessage(li, c) {
  const mine = c.email === me;
  li.className = 'msg' + (mine ? ' mine' : '');
  li.dataset.id = c.id || '';
  li.dataset.status = mine ? c.status || '' : '';
  const who = document.createElement('span');
  who.className = 'who';
  who.textContent = mine ? '' : c.username || c.email;
  const body = document.createElement('span');
  body.className = 'text';
  const file = fileOf(c);
  if (file) {
    const a = document.createElement('a');
    a.href = file.url;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = 'File: ' + file.name;
    body.append(a);
  } else {
    body.textContent = c.message;
  }
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = clock(commentTime(c));
  if (mine) {
    const tick = document.createElement('span');
    tick.className = 'tick';
    tick.textContent = TICKS[c.status] || '';
    meta.append(tick);
  }
  li.replaceChildren(who, body, meta);
  li.onclick = mine && c.status === 'failed' ? () => qiscus.resendComment(c).catch(showError) : null;
}

async function loadOlder() {
  const first = openComments().find((c) => c.id > 0);
  if (!first) return;
  const list = $('messages');
  const fromBottom = list.scrollHeight - list.scrollTop;
  $('more').disabled = true;
  try {
    const older = await qiscus.loadMore(first.id, { limit: PAGE });
    olderDone = older.length < PAGE;
    render();
    list.scrollTop = list.scrollHeight - fromBottom; // keep the reader's place
  } catch (err) {
    showError(err);
  } finally {
    $('more').disabled = false;
  }
}

// ---- typing and presence

function onTyping(e) {
  if (!e || roomId === null || String(e.room_id) !== String(roomId) || e.username === me) return;
  if (e.message === '1') {
    const s = qiscus.selected;
    const p = s && (s.participants || []).find((x) => x.email === e.username);
    typers.set(e.username, (p && p.username) || e.username);
  } else {
    typers.delete(e.username);
  }
  renderTyping();
}

function renderTyping() {
  const names = [...typers.values()];
  $('typing').textContent = names.length === 0 ? ''
    : names.join(', ') + (names.length === 1 ? ' is typing…' : ' are typing…');
}

// presenceCallback: message is "1" / "0", or "1:<epoch ms>" / "0:<epoch ms>".
function onPresence(message, userId) {
  if (userId !== partner) return;
  const [state, ms] = String(message).split(':');
  setPresence(state === '1', Number(ms) || Date.now());
}

function setPresence(online, ms) {
  const el = $('presence');
  el.classList.toggle('online', online);
  el.textContent = online ? 'online' : ms > 0 ? 'last seen ' + new Date(ms).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }) : 'offline';
}

// ---- sending

async function send(ev) {
  ev.preventDefault();
  const input = $('message-input');
  const text = input.value;
  if (!text.trim() || roomId === null) return;
  input.value = '';
  qiscus.publishTyping(0).catch(() => {});
  try {
    await qiscus.sendComment(roomId, text);
  } catch (err) {
    showError(err); // the comment stays in the list as failed; click it to retry
  }
  render();
}

async function sendFile() {
  const input = $('file');
  const file = input.files && input.files[0];
  input.value = '';
  if (!file || roomId === null) return;
  const target = roomId;
  const bar = $('upload-progress');
  $('upload').hidden = false;
  $('upload-name').textContent = file.name;
  bar.value = 0;
  $('upload-percent').textContent = '0%';
  try {
    const url = await qiscus.upload(file, (err, progress) => {
      if (progress && progress.lengthComputable && progress.total > 0) {
        const pct = Math.round((progress.loaded / progress.total) * 100);
        bar.value = pct;
        $('upload-percent').textContent = pct + '%';
      }
    });
    bar.value = 100;
    $('upload-percent').textContent = 'sending…';
    await qiscus.sendComment(target, `[file] ${url} [/file]`, undefined, 'file_attachment',
      { url, file_name: file.name, size: file.size, caption: '' });
    $('upload').hidden = true;
  } catch (err) {
    $('upload-percent').textContent = 'failed';
    showError(err);
  }
}

async function newChat(ev) {
  ev.preventDefault();
  const target = $('target').value.trim();
  if (!target) return;
  if (target === me) {
    showError('That is you: pick another user id.');
    return;
  }
  await openRoom(async () => {
    try {
      return await qiscus.chatTarget(target);
    } catch (err) {
      if (err && err.status === 404) {
        throw new Error(`There is no user "${target}" on this server: they have to log in once before you can chat with them.`);
      }
      throw err;
    }
  });
  if ($('error').hidden) $('target').value = '';
}

async function newGroup(ev) {
  ev.preventDefault();
  const name = $('group-name').value.trim();
  const ids = $('group-members').value.split(',').map((s) => s.trim()).filter((s) => s && s !== me);
  if (!name || ids.length === 0) return;
  await openRoom(async () => {
    try {
      const summary = await qiscus.createGroupRoom(name, ids);
      return await qiscus.getRoomById(summary.id);
    } catch (err) {
      if (err && err.status === 404) throw new Error(`Could not create "${name}": ${err.message}`);
      throw err;
    }
  });
  if ($('error').hidden) {
    $('group-name').value = '';
    $('group-members').value = '';
  }
}

// ---- wiring

$('user-id').value = params.get('user') || '';
$('login').addEventListener('submit', login);
$('logout').addEventListener('click', logout);
$('new-chat').addEventListener('submit', newChat);
$('new-group').addEventListener('submit', newGroup);
$('composer').addEventListener('submit', send);
$('message-input').addEventListener('input', () => {
  if (qiscus && roomId !== null && $('message-input').value) qiscus.publishTyping(1).catch(() => {});
});
$('more').addEventListener('click', loadOlder);
$('attach').addEventListener('click', () => $('file').click());
$('file').addEventListener('change', sendFile);

const saved = loadSession();
if (saved) resume(saved);
else showLogin();
