// The QiscusSDKCore class: a thin shim over the Go/wasm core. It loads the
// runtime once per page, forwards every method as call(method, argsJSON) and
// fans batched events out to the v2 callbacks and mirrored properties. No
// chat logic lives here. build.mjs wraps this file as UMD and as ESM; both
// define __defaultWasmURL() (where the .wasm lives unless told otherwise) and
// __goClass() (Go's wasm_exec.js, bundled in, evaluated on first init()).
// Nothing runs at import: safe to import during server-side rendering.

const INTERCEPTOR = Object.freeze({
  MESSAGE_BEFORE_SENT: 'message::before-sent',
  MESSAGE_BEFORE_RECEIVED: 'message::before-received',
});

const UPDATE_COMMENT_STATUS_MODE = Object.freeze({
  disabled: 'UpdateCommentStatusMode.disabled',
  throttled: 'UpdateCommentStatusMode.throttled',
  enabled: 'UpdateCommentStatusMode.enabled',
});

const VERSION = 'WEB_2.16.9-go.0';
const WASM_FILE = 'qiscus-sdk-core.wasm';

// Methods that are plain calls into Go: same names and argument order as v2.
const FORWARDED = [
  // auth
  'setUser', 'getNonce', 'verifyIdentityToken', 'setUserWithIdentityToken', 'refreshAuthToken',
  'logout', 'disconnect', 'updateProfile', 'getUserProfile',
  // rooms
  'chatTarget', 'getRoomById', 'chatGroup', 'getOrCreateRoomByUniqueId', 'getOrCreateRoomByChannel',
  'createGroupRoom', 'getRoomsInfo', 'loadRoomList', 'updateRoom', 'addParticipantsToGroup',
  'removeParticipantsFromGroup', 'getParticipants', 'getTotalUnreadCount', 'getRoomUnreadCount',
  'exitChatRoom', 'clearRoomMessages',
  // messages
  'sendComment', 'loadComments', 'loadMore', 'readComment', 'receiveComment', 'deleteComment',
  'updateMessage', 'resendComment', 'searchMessages', 'searchMessage', 'getFileList',
  // users and presence
  'blockUser', 'unblockUser', 'getBlockedUser', 'getUsers', 'subscribeUserPresence',
  'unsubscribeUserPresence', 'publishOnlinePresence', 'getUserPresences', 'registerDeviceToken', 'removeDeviceToken',
  // realtime and misc
  'publishTyping', 'publishEvent', 'synchronize', 'synchronizeEvent', 'setCustomHeader',
  // issue 11: the rest of v2's prototype (sdk/v2opts.go)
  'getRoomParticipants', 'removeSelectedRoomParticipants', 'setActiveRoom', 'clearRoomsCache', 'sortComments',
  'startSync', 'stopSync', 'closeRealtimeConnection', 'openRealtimeConnection',
];

// Pure methods that return synchronously in v2 (no I/O; computed in Go).
const SYNC = [
  'generateMessage', 'generateFileAttachmentMessage', 'generateCustomMessage', 'generateReplyMessage',
  'getThumbnailURL', 'getBlurryThumbnailURL', 'prepareCommentToBeSubmitted',
];

// qiscus.events names: v2's bus names for our callback-style event names
// (reference §A.6). Names v2 has no bus event for get a kebab-case one.
const BUS_NAMES = Object.freeze({
  loginSuccess: 'login-success', loginError: 'login-error', authTokenRefreshed: 'token-refreshed',
  newMessages: 'newmessages', commentSent: 'comment-sent', commentRetryExceed: 'comment-retry-exceed',
  commentDelivered: 'comment-delivered', commentRead: 'comment-read', commentDeleted: 'comment-deleted',
  roomCleared: 'room-cleared', typing: 'typing', onRoomTyping: 'room-typing', presence: 'presence',
  roomChanged: 'room-changed', chatRoomCreated: 'chat-room-created', groupRoomCreated: 'group-room-created',
  blockUser: 'block-user', unblockUser: 'unblock-user', updateProfile: 'profile-updated',
  fileUploaded: 'file-uploaded', messageUpdated: 'message-updated', onReconnect: 'reconnect',
  prePostComment: 'pre-post-comment', startInit: 'start-init', participantsAdded: 'participants-added',
  participantsRemoved: 'participants-removed', userStatus: 'user-status',
});

// setHooks' argument: which interceptors and formatter the app has.
function hookFlags(beforeSent, beforeReceived, formatter) {
  return {
    [INTERCEPTOR.MESSAGE_BEFORE_SENT]: beforeSent,
    [INTERCEPTOR.MESSAGE_BEFORE_RECEIVED]: beforeReceived,
    commentFormatter: formatter,
  };
}
const NO_HOOKS = JSON.stringify(hookFlags(false, false, false));

let runtime = null; // Promise<bridge>, shared by every instance on the page

async function instantiate(url, imports) {
  if (typeof WebAssembly.instantiateStreaming === 'function') {
    try {
      return (await WebAssembly.instantiateStreaming(fetch(url), imports)).instance;
    } catch (e) {
      // Wrong Content-Type on some static hosts: fall back to bytes.
    }
  }
  const resp = await fetch(url);
  if (!resp.ok) throw new Error('qiscus-sdk-core: could not load ' + url + ' (' + resp.status + '); set init({wasmURL})');
  const bytes = await resp.arrayBuffer();
  const magic = new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength));
  if (magic.length < 4 || magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) {
    // Typically an HTML fallback page served for a missing file.
    throw new Error('qiscus-sdk-core: ' + url + ' is not a WebAssembly module (Content-Type ' +
      resp.headers.get('Content-Type') + '); set init({wasmURL})');
  }
  return (await WebAssembly.instantiate(bytes, imports)).instance;
}

function loadRuntime(url) {
  if (runtime) return runtime;
  runtime = (async () => {
    const Go = __goClass();
    const go = new Go();
    const ready = new Promise((resolve) => { globalThis.__qiscusSDKCoreReady = resolve; });
    const instance = await instantiate(url, go.importObject);
    const exited = go.run(instance);
    const bridge = await Promise.race([ready, exited.then(() => {
      throw new Error('qiscus-sdk-core: the wasm runtime exited during start-up');
    })]);
    delete globalThis.__qiscusSDKCoreReady;
    return bridge;
  })();
  runtime.catch(() => { runtime = null; }); // a later init() may retry
  return runtime;
}

// The wasm URL, most specific first: init({wasmURL}), QiscusSDKCore.wasmURL,
// init({assetBase}), QiscusSDKCore.assetBase, then the build's default.
function wasmURL(config) {
  const url = config.wasmURL || QiscusSDKCore.wasmURL;
  if (url) return String(url);
  const base = config.assetBase || QiscusSDKCore._assetBase;
  if (base) return (base.endsWith('/') ? base : base + '/') + WASM_FILE;
  return String(__defaultWasmURL());
}

function argsJSON(args) {
  // Functions cannot cross into Go; undefined becomes null like v2's form encoding drops it.
  return JSON.stringify(args, (k, v) => (typeof v === 'function' ? undefined : v));
}

// A tiny mitt-compatible emitter for `qiscus.events`.
function emitter() {
  const all = new Map();
  return {
    all,
    on(type, fn) { (all.get(type) || all.set(type, []).get(type)).push(fn); },
    off(type, fn) {
      const list = all.get(type);
      if (list && fn) list.splice(list.indexOf(fn) >>> 0, 1);
      else if (list) all.set(type, []);
    },
    emit(type, evt) {
      (all.get(type) || []).slice().forEach((fn) => fn(evt));
      (all.get('*') || []).slice().forEach((fn) => fn(type, evt));
    },
  };
}

function rejectWith(method, message) {
  const e = new Error(method + ': ' + message);
  e.status = 0;
  return Promise.reject(e);
}

class QiscusSDKCore {
  constructor() {
    this.events = emitter();
    this.AppId = null;
    this.baseURL = 'https://api.qiscus.com';
    this.mqttURL = 'wss://realtime-jogja.qiscus.com:1886/mqtt';
    this.isInit = false;
    this.isLogin = false;
    this.isConfigLoaded = false;
    this.userData = {};
    this.user_id = null;
    this.username = null;
    this.avatar_url = null;
    this.key = null;
    this.selected = null;
    this.rooms = [];
    this.last_received_comment_id = 0;
    this.options = { avatar: true };
    this._debugMode = false;
    this.version = VERSION;
    // v2's settings, mirrored from the core after init (sdk V2Properties)
    this._uploadURL = null;
    this.brokerLbUrl = 'https://realtime-lb.qiscus.com';
    this.syncInterval = 5000;
    this.syncOnConnect = 30000;
    this.syncOnlyWhenDisconnected = false;
    this.enableRealtime = true;
    this.enableSync = true;
    this.enableSyncEvent = true;
    this.enableLb = true;
    this.extras = null;
    this.updateCommentStatusMode = UPDATE_COMMENT_STATUS_MODE.enabled;
    this.updateCommentStatusThrottleDelay = 300;
    this.isTypingStatus = null;
    this.chatmateStatus = null;
    this.lastReceiveMessages = [];
    this.uploadedFiles = [];
    this._bridge = null;
    this._handle = null;
    this._hooksSent = null; // the hook flags the core has, as JSON
    this._eventSubs = new Map();
    this._hooks = { [INTERCEPTOR.MESSAGE_BEFORE_SENT]: [], [INTERCEPTOR.MESSAGE_BEFORE_RECEIVED]: [] };
  }

  static get Interceptor() { return INTERCEPTOR; }
  static get UpdateCommentStatusMode() { return UPDATE_COMMENT_STATUS_MODE; }
  get Interceptor() { return INTERCEPTOR; }

  // The lists the shim forwards to Go, for the method-table test.
  static get _goMembers() { return { forwarded: FORWARDED.slice(), sync: SYNC.slice() }; }

  // upload()'s endpoint; setting it reaches the core ('' or null: the default).
  get uploadURL() { return this._uploadURL || this.baseURL + '/api/v2/sdk/upload'; }
  set uploadURL(v) {
    this._uploadURL = v || null;
    if (this._bridge && this._handle !== null) this._call('setUploadURL', [v || '']).catch((e) => this._report('uploadURL', e));
  }

  // Setting debugMode after init switches the core's logging too.
  get debugMode() { return this._debugMode; }
  set debugMode(v) {
    this._debugMode = !!v;
    if (this._bridge && this._handle !== null) this._call('setDebugMode', [!!v]).catch((e) => this._report('debugMode', e));
  }

  _report(what, e) { console.error('qiscus-sdk-core: ' + what + ':', e); }

  // Where qiscus-sdk-core.wasm is served from, for a CDN or a custom path.
  // Default: next to this script (bundlers rewrite the ESM entry's literal
  // new URL('./qiscus-sdk-core.wasm', import.meta.url) to their hashed asset).
  static get assetBase() { return QiscusSDKCore._assetBase || ''; }
  static set assetBase(v) { QiscusSDKCore._assetBase = v && !v.endsWith('/') ? v + '/' : v; }

  async init(config) {
    if (!config || typeof config !== 'object' || !config.AppId) {
      return rejectWith('init', 'Please provide valid AppId');
    }
    this.options = Object.assign({ avatar: true }, config.options || {});
    this._debugMode = !!config.debugMode;
    this._bridge = await loadRuntime(wasmURL(config));
    if (this._handle === null) {
      this._handle = this._bridge.create((batch) => this._onEvents(batch), (name, json) => this._onHook(name, json));
      this._hooksSent = NO_HOOKS; // a new core instance has none
    }
    const cfg = Object.assign({}, config);
    delete cfg.options;
    delete cfg.wasmURL; // a URL object is not JSON; the core has no use for it
    if (cfg.uploadURL === undefined && this._uploadURL) cfg.uploadURL = this._uploadURL; // set before init
    await this._call('init', [cfg]); // its _state sets baseURL, mqttURL, uploadURL, sync* and the rest
    await this._syncHooks();
    this.AppId = config.AppId;
    this.isConfigLoaded = true;
  }

  _call(method, args, extra) {
    if (!this._bridge || this._handle === null) return rejectWith(method, 'call init() first');
    let json;
    try {
      json = argsJSON(args);
    } catch (e) {
      return rejectWith(method, 'arguments are not serialisable: ' + e.message);
    }
    const p = extra
      ? this._bridge.call(this._handle, method, json, ...extra)
      : this._bridge.call(this._handle, method, json);
    return p.then((r) => (r === 'null' ? undefined : JSON.parse(r)));
  }

  // Interceptors: fn(message) returns the message (or a Promise of it);
  // hooks run in order. The returned function really removes the hook.
  intercept(name, fn) {
    const list = this._hooks[name];
    if (!list) throw new TypeError('intercept: unknown interceptor ' + name);
    if (typeof fn !== 'function') throw new TypeError('intercept: callback must be a function');
    list.push(fn);
    this._syncHooks();
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
      this._syncHooks();
    };
  }

  // Tells the core which hooks exist, when that changed: a cold init()
  // with none makes no call.
  _syncHooks() {
    if (!this._bridge || this._handle === null) return Promise.resolve();
    const o = this.options;
    const flags = hookFlags(
      this._hooks[INTERCEPTOR.MESSAGE_BEFORE_SENT].length > 0,
      this._hooks[INTERCEPTOR.MESSAGE_BEFORE_RECEIVED].length > 0,
      typeof (o.commentFormaterCallback || o.commentFormatterCallback) === 'function',
    );
    const json = JSON.stringify(flags);
    if (json === this._hooksSent) return Promise.resolve();
    this._hooksSent = json;
    return this._call('setHooks', [flags]).catch((e) => {
      this._hooksSent = null; // unknown: send again next time
      throw e;
    });
  }

  async _onHook(name, json) {
    let v = JSON.parse(json);
    if (name === 'commentFormatter') {
      const f = this.options.commentFormaterCallback || this.options.commentFormatterCallback;
      return JSON.stringify(f ? f(v) : v);
    }
    for (const fn of this._hooks[name] || []) v = await fn(v);
    return JSON.stringify(v);
  }

  // upload(file, callback): callback(null, progressEvent) while sending,
  // then callback(null, null, url); resolves with the url.
  upload(file, callback) {
    return this._call('upload', [], [file, typeof callback === 'function' ? callback : undefined]);
  }

  // uploadFile(roomId, file): uploads, then sends v2's "[file] url [/file]"
  // message; resolves with that comment.
  uploadFile(roomId, file) {
    return this._call('uploadFile', [roomId], [file]);
  }

  onMessageUpdated(handler) {
    this.events.on(BUS_NAMES.messageUpdated, handler);
    return () => this.events.off(BUS_NAMES.messageUpdated, handler);
  }

  // Raises the /sync cursor in the core (never lowers it); resolves with it.
  updateLastReceivedComment(id) {
    if (id > this.last_received_comment_id) this.last_received_comment_id = id;
    return this._call('updateLastReceivedComment', [id]);
  }

  // v2's local list of uploads in progress ({name, roomId}); UI state only.
  addUploadedFile(name, roomId) { this.uploadedFiles.push({ name, roomId }); }

  removeUploadedFile(name, roomId) {
    const i = this.uploadedFiles.findIndex((f) => f.name === name && f.roomId === roomId);
    if (i >= 0) this.uploadedFiles.splice(i, 1);
  }

  // v2 called a misspelt callback here; this fires onReconnectCallback and
  // the 'reconnect' bus event.
  onReconnectMqtt() { this._dispatch('onReconnect', []); }

  // v2 registered its bus listeners here (again on every call); the core
  // wires its events once, so this does nothing.
  setEventListeners() {}

  logging(message, params) {
    if (this.debugMode) console.log('Qiscus ->', message, params === undefined ? '' : params);
  }

  get logger() {
    return this.debugMode ? console.log.bind(console, 'Qiscus ->') : () => {};
  }

  noop() {}

  subscribeEvent(roomId, callback) {
    if (typeof callback !== 'function') return rejectWith('subscribeEvent', 'callback must be a function');
    return this._call('subscribeEvent', [roomId]).then(() => { this._eventSubs.set(String(roomId), callback); });
  }

  unsubscribeEvent(roomId) {
    return this._call('unsubscribeEvent', [roomId]).then(() => { this._eventSubs.delete(String(roomId)); });
  }

  _onEvents(batch) {
    const events = JSON.parse(batch);
    for (let i = 0; i < events.length; i++) this._dispatch(events[i].n, events[i].a);
  }

  _dispatch(name, args) {
    switch (name) {
      case '_state': {
        const st = args[0];
        if ('uploadURL' in st) { this._uploadURL = st.uploadURL; delete st.uploadURL; } // not the setter
        Object.assign(this, st);
        return;
      }
      case '_selected':
        this.selected = args[0];
        return;
      case '_selectedComment': {
        const comments = this.selected && this.selected.comments;
        if (!comments) return;
        if (args[0] === 'insert') comments.splice(args[1], 0, args[2]);
        else if (args[0] === 'delete') comments.splice(args[1], 1);
        else comments[args[1]] = args[2];
        return;
      }
      case '_selectedPatch':
        if (this.selected) Object.assign(this.selected, args[0]);
        return;
      case '_customEvent': {
        const cb = this._eventSubs.get(String(args[0]));
        if (cb) this._safe(cb, [args[1]], 'subscribeEvent callback');
        return;
      }
      case '_notification':
        return;
      case 'newMessages':
        this.lastReceiveMessages = args[0];
        break;
      case 'fileUploaded':
        this.events.emit('fileupload', args[0]); // v2's name for it, as well as file-uploaded
        break;
      default:
    }
    this.events.emit(BUS_NAMES[name] || name, args.length > 1 ? args : args[0]);
    const cb = this.options[name + 'Callback'];
    if (typeof cb === 'function') this._safe(cb, args, name + 'Callback');
  }

  _safe(fn, args, what) {
    try {
      fn.apply(this, args);
    } catch (e) {
      // An app callback that throws must not stop later events.
      console.error('qiscus-sdk-core: ' + what + ' threw', e);
    }
  }
}

SYNC.forEach((m) => {
  Object.defineProperty(QiscusSDKCore.prototype, m, {
    value: function (...args) {
      if (!this._bridge || this._handle === null) throw new Error(m + ': call init() first');
      const r = this._bridge.callSync(this._handle, m, argsJSON(args));
      if (r instanceof Error) throw r;
      return r === 'null' ? undefined : JSON.parse(r);
    },
    writable: true,
    configurable: true,
  });
});

FORWARDED.forEach((m) => {
  Object.defineProperty(QiscusSDKCore.prototype, m, {
    value: function (...args) { return this._call(m, args); },
    writable: true,
    configurable: true,
  });
});
