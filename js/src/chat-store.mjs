// createChatStore: the framework-free part of the React hook and the Vue
// composable (qiscus-sdk-core-wasm/react, qiscus-sdk-core-wasm/vue). It owns
// one QiscusSDKCore and mirrors what the SDK already knows into one immutable
// state object: login status, the room list, the open room (qiscus.selected)
// with its comments, and who is typing there. It adds no chat logic: sending,
// receipts, ticks, typing throttling, retries and ordering all live in the
// SDK. Nothing runs at import; start() creates the client.
import { QiscusSDKCore } from './qiscus-sdk-core.mjs';

const EMPTY = Object.freeze([]);

function initialState() {
  return Object.freeze({
    status: 'idle', // idle → starting → logged-out ⇄ logging-in → ready
    error: null,
    user: null,
    rooms: EMPTY,
    room: null,
    messages: EMPTY,
    typing: EMPTY,
    hasMore: false,
  });
}

export function createChatStore(options = {}) {
  const config = options.config || {};
  const storage = options.storage || null;
  const storageKey = options.storageKey || 'qiscus-sdk-core-wasm/session/' + (config.AppId || '');
  const pageSize = options.pageSize || 20;
  const roomListOptions = Object.assign({ show_empty: true, limit: 100 }, options.roomListOptions);
  const callbacks = Object.assign({}, options.callbacks);
  const typers = new Map(); // user id -> display name, in the open room

  let state = initialState();
  let client = null;
  let started = null; // Promise of start()
  let generation = 0; // bumped by stop(): late results of an old start are dropped
  let roomsTimer = null;
  let snapQueued = false;
  const listeners = new Set();

  function set(patch) {
    state = Object.freeze(Object.assign({}, state, patch));
    for (const fn of [...listeners]) fn();
  }

  // snapshot copies qiscus.selected (kept current by the SDK) into the state.
  function snapshot() {
    const s = client && client.selected;
    if (!s) {
      if (state.room) set({ room: null, messages: EMPTY, typing: EMPTY });
      return;
    }
    const messages = Object.freeze((s.comments || []).slice());
    set({ room: Object.assign({}, s, { comments: messages }), messages, rooms: withOpenRoomRead(state.rooms, s.id) });
  }

  function scheduleSnapshot() {
    if (snapQueued) return;
    snapQueued = true;
    queueMicrotask(() => {
      snapQueued = false;
      snapshot();
    });
  }

  // The open room is being read (the SDK sends its read receipt); the server's
  // unread count only catches up a moment later, so show it as read now.
  function withOpenRoomRead(rooms, openId) {
    if (openId == null || !rooms.some((r) => String(r.id) === String(openId) && r.count_notif)) return rooms;
    return Object.freeze(rooms.map((r) => (String(r.id) === String(openId) ? Object.assign({}, r, { count_notif: 0 }) : r)));
  }

  function setTyping() {
    set({ typing: Object.freeze([...typers].map(([userId, username]) => ({ userId, username }))) });
  }

  function call(name, args) {
    const fn = callbacks[name];
    if (typeof fn === 'function') {
      try {
        fn(...args);
      } catch (e) {
        console.error('qiscus-sdk-core-wasm: callbacks.' + name + ' threw', e);
      }
    }
  }

  const wired = {
    newMessagesCallback(comments) {
      let changed = false;
      for (const c of comments || []) changed = typers.delete(c.email) || changed;
      if (changed) setTyping();
      keepCursor(comments || []);
      scheduleRooms();
      call('newMessagesCallback', [comments]);
    },
    chatRoomCreatedCallback(e) { scheduleRooms(); call('chatRoomCreatedCallback', [e]); },
    groupRoomCreatedCallback(e) { scheduleRooms(); call('groupRoomCreatedCallback', [e]); },
    roomChangedCallback(room) {
      typers.clear();
      setTyping();
      call('roomChangedCallback', [room]);
    },
    typingCallback(e) {
      const s = client && client.selected;
      if (e && s && String(e.room_id) === String(s.id) && e.username !== client.user_id) {
        if (e.message === '1') {
          const p = (s.participants || []).find((x) => x.email === e.username);
          typers.set(e.username, (p && p.username) || e.username);
        } else {
          typers.delete(e.username);
        }
        setTyping();
      }
      call('typingCallback', [e]);
    },
    authTokenRefreshedCallback(e) {
      const u = loadSession();
      if (u) saveSession(Object.assign(u, { token: e.token, refresh_token: e.refreshToken, token_expires_at: e.expiredAt }));
      call('authTokenRefreshedCallback', [e]);
    },
  };

  function loadSession() {
    if (!storage) return null;
    try {
      const u = JSON.parse(storage.getItem(storageKey) || 'null');
      return u && u.email && u.token ? u : null;
    } catch {
      return null;
    }
  }

  function saveSession(user) {
    if (storage && user) storage.setItem(storageKey, JSON.stringify(user));
  }

  // keepCursor stores the newest comment id seen, so that a restored session
  // syncs from there instead of from the login's last_comment_id.
  function keepCursor(comments) {
    const u = loadSession();
    const newest = Math.max(0, ...comments.map((c) => Number(c.id) || 0));
    if (u && newest > (Number(u.last_comment_id) || 0)) saveSession(Object.assign(u, { last_comment_id: newest }));
  }

  function scheduleRooms() {
    clearTimeout(roomsTimer);
    roomsTimer = setTimeout(() => refreshRooms().catch((error) => set({ error })), 150);
  }

  async function refreshRooms() {
    if (!client || !client.isLogin) return state.rooms;
    const g = generation;
    const rooms = await client.loadRoomList(roomListOptions);
    if (g !== generation) return state.rooms;
    const open = client.selected;
    set({ rooms: withOpenRoomRead(Object.freeze(rooms), open && open.id) });
    return state.rooms;
  }

  // After every SDK call the state is copied again: the SDK has applied the
  // call's effects to qiscus.selected before its Promise settles.
  async function act(fn) {
    if (!client) throw new Error('qiscus-sdk-core-wasm: call start() first');
    try {
      return await fn(client);
    } finally {
      snapshot();
    }
  }

  async function enter(user) {
    set({ status: 'ready', user, error: null });
    await refreshRooms();
  }

  async function start() {
    if (started) return started;
    const g = ++generation;
    started = (async () => {
      set({ status: 'starting', error: null });
      const q = new QiscusSDKCore();
      client = q;
      const userOptions = config.options || {};
      const merged = Object.assign({}, userOptions);
      for (const [name, fn] of Object.entries(wired)) {
        merged[name] = fn;
        if (typeof userOptions[name] === 'function' && !callbacks[name]) callbacks[name] = userOptions[name];
      }
      await q.init(Object.assign({}, config, { options: merged }));
      q.events.on('*', scheduleSnapshot);
      if (g !== generation) return;
      const saved = loadSession();
      if (!saved) {
        set({ status: 'logged-out' });
        return;
      }
      set({ status: 'logging-in' });
      try {
        await q.setUserWithIdentityToken({ user: saved });
        await q.getUserProfile(); // is the stored token still accepted?
        if (g === generation) await enter(saved);
      } catch (error) {
        if (g !== generation) return;
        if (error && (error.status === 401 || error.status === 403)) {
          if (storage) storage.removeItem(storageKey);
          await q.logout().catch(() => {});
        }
        set({ status: 'logged-out', error });
      }
    })().catch((error) => {
      if (g === generation) set({ status: 'error', error });
    });
    return started;
  }

  async function stop() {
    generation++;
    clearTimeout(roomsTimer);
    const q = client;
    const was = started;
    started = null;
    client = null;
    typers.clear();
    state = initialState();
    for (const fn of [...listeners]) fn();
    if (was) await was.catch(() => {});
    if (q) {
      q.events.off('*', scheduleSnapshot);
      if (q.isLogin) await q.disconnect().catch(() => {});
    }
  }

  const actions = {
    async login(userId, userKey, username, avatarURL, extras) {
      await start();
      set({ status: 'logging-in', error: null });
      try {
        const res = await client.setUser(userId, userKey, username, avatarURL, extras);
        saveSession(res.user);
        await enter(res.user);
        return res;
      } catch (error) {
        set({ status: 'logged-out', error });
        throw error;
      }
    },
    async logout() {
      if (storage) storage.removeItem(storageKey);
      typers.clear();
      try {
        if (client) await client.logout(); // the SDK cleans up even if the server call fails
      } finally {
        set({ status: 'logged-out', error: null, user: null, rooms: EMPTY, room: null, messages: EMPTY, typing: EMPTY, hasMore: false });
      }
    },
    refreshRooms,
    openRoom(roomId) {
      return act(async (q) => {
        const room = await q.getRoomById(roomId);
        set({ hasMore: (room.comments || []).length >= pageSize });
        scheduleRooms();
        return room;
      });
    },
    chatTarget(userId, opts) {
      return act(async (q) => {
        const room = await q.chatTarget(userId, opts);
        set({ hasMore: (room.comments || []).length >= pageSize });
        scheduleRooms();
        return room;
      });
    },
    createGroup(name, userIds, opts) {
      return act(async (q) => {
        const summary = await q.createGroupRoom(name, userIds, opts);
        const room = await q.getRoomById(summary.id);
        set({ hasMore: false });
        scheduleRooms();
        return room;
      });
    },
    closeRoom() {
      return act((q) => q.exitChatRoom());
    },
    sendMessage(text, uniqueId, type, payload, extras) {
      return act((q) => {
        if (!q.selected) throw new Error('sendMessage: no room is open');
        return q.sendComment(q.selected.id, text, uniqueId, type, payload, extras);
      });
    },
    resend(comment) {
      return act((q) => q.resendComment(comment));
    },
    loadMore() {
      return act(async (q) => {
        const first = state.messages.find((c) => c.id > 0);
        if (!first) return [];
        const older = await q.loadMore(first.id, { limit: pageSize });
        set({ hasMore: older.length >= pageSize });
        return older;
      });
    },
    publishTyping(isTyping = true) {
      if (!client || !client.selected) return Promise.resolve();
      return client.publishTyping(isTyping ? 1 : 0);
    },
  };

  return {
    getState: () => state,
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    get client() { return client; },
    start,
    stop,
    actions,
  };
}
