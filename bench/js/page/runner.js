// Page-side benchmark runner. The driver (bench/js/run.mjs) stores a job under
// /__bench/kv/job-<id>, starts Chromium on runner.html?job=<id> and waits for
// /__bench/kv/result-<id>. Everything is timed here with performance.now();
// the browser has no DevTools client attached. Every loop is bounded.
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const jobId = params.get('job');
  const statusEl = document.getElementById('status');
  const status = (s) => { if (statusEl) statusEl.textContent = s; };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const now = () => performance.now();
  const wall = () => performance.timeOrigin + performance.now();

  async function kvGet(key, waitMs) {
    const r = await fetch('/__bench/kv/' + encodeURIComponent(key) + '?wait=' + waitMs, { cache: 'no-store' });
    if (r.status === 404) return null;
    if (!r.ok) throw new Error('kv get ' + key + ': HTTP ' + r.status);
    return r.json();
  }
  async function kvPut(key, value) {
    const r = await fetch('/__bench/kv/' + encodeURIComponent(key), { method: 'PUT', body: JSON.stringify(value) });
    if (!r.ok) throw new Error('kv put ' + key + ': HTTP ' + r.status);
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new Error('could not load ' + src));
      document.head.appendChild(s);
    });
  }

  // Remember the linear memory of any wasm instance (the Go runtime's "mem"
  // export) without touching the SDK: wrap the two instantiate entry points.
  function captureWasmMemory() {
    const keep = (r) => {
      const inst = r && (r.instance || r);
      if (inst && inst.exports && inst.exports.mem instanceof WebAssembly.Memory) window.__wasmMem = inst.exports.mem;
      return r;
    };
    const s = WebAssembly.instantiateStreaming;
    if (s) WebAssembly.instantiateStreaming = function (...a) { return s.apply(this, a).then(keep); };
    const i = WebAssembly.instantiate;
    WebAssembly.instantiate = function (...a) { return i.apply(this, a).then(keep); };
  }

  // Where a cold start goes (ours only: the official has no wasm): when the
  // module was handed to WebAssembly.instantiate*, when that resolved, and
  // when the Go program called the loader's ready hook (runtime and package
  // init done). Times are performance.now(); the SDK is not touched.
  const marks = {};
  function markColdStart() {
    const wrap = (name) => {
      const f = WebAssembly[name];
      if (!f) return;
      WebAssembly[name] = function (...a) {
        if (marks.instantiate_called === undefined) marks.instantiate_called = now();
        return f.apply(this, a).then((r) => {
          marks.instantiated = now();
          return r;
        });
      };
    };
    wrap('instantiateStreaming');
    wrap('instantiate');
    // The MQTT WebSocket of either client: created, open, first frames in
    // (CONNACK, SUBACK…) and out.
    const WS = window.WebSocket;
    window.WebSocket = class extends WS {
      constructor(...a) {
        super(...a);
        const m = { created: now(), in: [], out: [] };
        (marks.ws = marks.ws || []).push(m);
        this.addEventListener('open', () => { m.open = now(); });
        this.addEventListener('message', () => { if (m.in.length < 4) m.in.push(now()); });
      }
      send(d) {
        const m = marks.ws[marks.ws.length - 1];
        if (m && m.out.length < 4) m.out.push(now());
        return super.send(d);
      }
    };
    let hook;
    Object.defineProperty(globalThis, '__qiscusSDKCoreReady', {
      configurable: true,
      get: () => hook,
      set: (fn) => {
        hook = (...a) => {
          marks.go_ready = now();
          return fn(...a);
        };
      },
    });
  }

  let onMsgs = () => {};

  // Load the SDK (cache-busted URL), init and setUser; times from before the
  // <script> is inserted.
  async function startClient(job) {
    const origin = location.origin;
    const src = job.client === 'ours'
      ? origin + '/sdk/qiscus-sdk-core.js?v=' + job.nonce
      : origin + '/__bench/official/qiscus-sdk-core.min.js?v=' + job.nonce;
    const t0 = now();
    await loadScript(src);
    const tScript = now();
    const q = new window.QiscusSDKCore();
    window.q = q;
    await q.init({
      AppId: 'dev',
      baseURL: origin,
      mqttURL: job.mqttURL || origin.replace(/^http/, 'ws') + '/mqtt',
      withConfig: false,
      options: { newMessagesCallback: (m) => onMsgs(m) },
    });
    const tInit = now();
    await q.setUser(job.userId, job.userId + '-key', job.userId);
    const tUser = now();
    const split = { t0, script: tScript, init: tInit, user: tUser };
    return {
      q,
      split,
      timing: { script_ms: tScript - t0, init_ms: tInit - t0, user_ms: tUser - t0 },
      token: q.userData && q.userData.token,
    };
  }

  // The cold start as consecutive steps (ms, from the script's insertion):
  // resource timing gives the fetches, markColdStart the wasm steps.
  function coldSplit(sp) {
    const rel = (t) => (t === undefined ? null : t - sp.t0);
    const entry = (re) => performance.getEntriesByType('resource').find((e) => re.test(e.name));
    const w = entry(/\.wasm(\?|$)/);
    const l = entry(/\/login_or_register$/);
    return {
      script_loaded: rel(sp.script),
      wasm_fetch_start: w ? rel(w.startTime) : null,
      wasm_response_start: w ? rel(w.responseStart) : null,
      wasm_response_end: w ? rel(w.responseEnd) : null,
      instantiate_called: rel(marks.instantiate_called),
      instantiated: rel(marks.instantiated),
      go_ready: rel(marks.go_ready),
      init_resolved: rel(sp.init),
      login_start: l ? rel(l.startTime) : null,
      login_end: l ? rel(l.responseEnd) : null,
      setuser_resolved: rel(sp.user),
      ws: (marks.ws || []).map((m) => ({
        created: rel(m.created), open: rel(m.open), out: m.out.map(rel), in: m.in.map(rel),
      })),
    };
  }

  function resources() {
    return performance.getEntriesByType('resource')
      .filter((e) => !e.name.includes('/__bench/'))
      .map((e) => ({ name: e.name.replace(location.origin, ''), transfer: e.transferSize, body: e.encodedBodySize }));
  }

  // Count deliveries of our synthetic messages (unique_temp_id prefix).
  function counter(prefix, expected) {
    // marks[k]: when the k-th tenth of the messages had arrived, so the
    // cost per message can be compared as the open room grows.
    const s = { n: 0, ids: new Float64Array(expected * 2 + 16), tFirst: 0, tLast: 0, other: 0, batches: 0, marks: [] };
    onMsgs = (msgs) => {
      const t = now();
      const list = Array.isArray(msgs) ? msgs : [msgs];
      s.batches++;
      for (let i = 0; i < list.length; i++) {
        const m = list[i];
        const u = m && (m.unique_temp_id || m.unique_id);
        if (typeof u !== 'string' || !u.startsWith(prefix)) { s.other++; continue; }
        if (s.n < s.ids.length) s.ids[s.n] = Number(m.id);
        s.n++;
      }
      if (!s.tFirst) s.tFirst = t;
      s.tLast = t;
      while (s.marks.length < 10 && s.n >= ((s.marks.length + 1) * expected) / 10) s.marks.push(t);
    };
    return s;
  }

  // Exactly once and in order, against first..first+n-1.
  function verify(s, first, n) {
    const len = Math.min(s.n, s.ids.length);
    const seen = new Uint8Array(n);
    let dup = 0; let outOfOrder = 0; let foreign = 0; let prev = -Infinity;
    for (let i = 0; i < len; i++) {
      const id = s.ids[i];
      const k = id - first;
      if (k < 0 || k >= n || !Number.isInteger(k)) foreign++;
      else if (seen[k]) dup++;
      else seen[k] = 1;
      if (id <= prev) outOfOrder++;
      prev = id;
    }
    let missing = 0;
    for (let k = 0; k < n; k++) if (!seen[k]) missing++;
    return { delivered: s.n, unique: n - missing, dup, missing, out_of_order: outOfOrder, foreign, other: s.other, callbacks: s.batches };
  }

  async function restCounts() {
    const r = await fetch('/__bench/stats', { cache: 'no-store' });
    return r.ok ? r.json() : {};
  }

  // REST requests between two restCounts() snapshots, e.g. {"GET sync 200": 2000}.
  function restDelta(a, b) {
    const d = {};
    for (const k of Object.keys(b)) if ((b[k] || 0) - (a[k] || 0) > 0) d[k] = b[k] - (a[k] || 0);
    return d;
  }

  // Ask the server to publish job.n comments to {token}/c, spread over
  // job.rooms in runs of job.chunk, never more than job.window ahead of what
  // the app has been given (so no broker queue overflows), until all arrived,
  // deliveries stall for 5 s, or job.limitMs passes.
  async function pump(job, token) {
    const countsBefore = await restCounts();
    const s = counter(job.prefix, job.n);
    const before = {};
    let published = 0; let bytes = 0; let pubMs = 0; let publishes = 0;
    const t0 = now();
    const deadline = t0 + job.limitMs;
    let lastN = 0; let lastProgress = t0;
    for (let i = 0; i < 2000000 && now() < deadline; i++) {
      if (s.n >= job.n) break;
      if (s.n !== lastN) { lastN = s.n; lastProgress = now(); }
      if (published < job.n && published - s.n < job.window) {
        const room = job.rooms[Math.floor(published / job.chunk) % job.rooms.length];
        const count = Math.min(job.chunk, job.n - published);
        const r = await fetch('/__bench/publish', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            broker: job.broker, topic: token + '/c', first_id: job.firstId + published,
            before_id: before[room.roomId] || 0, count, room_id: room.roomId, room_name: room.roomName,
            sender_email: room.senderId, sender_name: room.senderName, sender_pk: room.senderPk, uid_prefix: job.prefix,
          }),
        });
        if (!r.ok) throw new Error('publish: HTTP ' + r.status + ' ' + (await r.text()));
        const pr = await r.json();
        bytes += pr.bytes; pubMs += pr.ms; publishes++;
        before[room.roomId] = job.firstId + published + count - 1;
        published += count;
        continue;
      }
      if (published >= job.n && now() - lastProgress > 5000) break; // stalled: something was lost
      await sleep(2);
    }
    const v = verify(s, job.firstId, published);
    const elapsed = s.tLast - t0;
    await sleep(500); // requests the last messages triggered
    const rest = restDelta(countsBefore, await restCounts());
    return Object.assign(v, {
      rest_requests: rest,
      n: published,
      elapsed_ms: elapsed,
      first_ms: s.tFirst - t0,
      tenths_ms: s.marks.map((t, i) => t - (i ? s.marks[i - 1] : t0)),
      msgs_per_s: v.unique > 0 && elapsed > 0 ? (v.unique / elapsed) * 1000 : 0,
      publish_requests: publishes,
      publisher_ms: pubMs,
      mean_bytes: published ? bytes / published : 0,
      timed_out: now() >= deadline,
    });
  }

  async function memorySnapshot() {
    for (let i = 0; i < 2; i++) {
      if (typeof window.gc === 'function') window.gc();
      await sleep(100);
    }
    const js = performance.memory ? performance.memory.usedJSHeapSize : 0;
    const wasm = window.__wasmMem ? window.__wasmMem.buffer.byteLength : 0;
    return { js_heap_used: js, js_heap_total: performance.memory ? performance.memory.totalJSHeapSize : 0, wasm_memory: wasm, total: js + wasm, gc: typeof window.gc === 'function' };
  }

  const KINDS = {
    // 2. cold start
    async cold(job) {
      markColdStart();
      // bench/js/profile.mjs --cold: wait until its profiler is attached.
      if (job.gate && !(await kvGet(job.gate, 30000))) throw new Error('gate ' + job.gate + ' not opened');
      const c = await startClient(job);
      return { timing: c.timing, split: coldSplit(c.split), resources: resources() };
    },

    // 3. receive throughput: (a) no room open, (b) the messages' room selected
    async tp(job) {
      const c = await startClient(job);
      if (!c.token) throw new Error('no userData.token after setUser');
      if (job.situation === 'b') await c.q.chatTarget(job.rooms[0].senderId);
      await sleep(1000); // subscriptions and the room's timers settle (the same for both clients)
      status('pumping');
      return { timing: c.timing, result: await pump(job, c.token) };
    },

    // 5. memory after job.n messages across job.rooms.length rooms
    async mem(job) {
      captureWasmMemory();
      const c = await startClient(job);
      await sleep(1000);
      const afterLogin = await memorySnapshot();
      const delivery = await pump(job, c.token);
      await sleep(1000);
      const after = await memorySnapshot();
      return { after_login: afterLogin, after, delivery };
    },

    // 4. latency, receiver: opened by the sender page on another site
    // (localhost vs 127.0.0.1), so it runs in its own renderer process.
    async latRecv(job) {
      const recv = {};
      const srv = {};
      let count = 0;
      onMsgs = (msgs) => {
        const t = wall();
        for (const m of Array.isArray(msgs) ? msgs : [msgs]) {
          const u = m && (m.unique_temp_id || m.unique_id);
          if (typeof u === 'string' && u.startsWith(job.prefix) && recv[u] === undefined) {
            recv[u] = t;
            // The server's stamp (same machine, same clock) splits the
            // latency into the send leg and the receive leg.
            const ns = Number(m.unix_nano_timestamp);
            if (ns > 0) srv[u] = ns / 1e6;
            count++;
          }
        }
      };
      await startClient(job);
      await kvPut('ready-' + job.pair, { at: wall() });
      const deadline = now() + job.seconds * 1000 + 60000;
      for (let i = 0; i < 100000 && now() < deadline && count < job.total; i++) {
        if (i % 10 === 0 && (await kvGet('sent-' + job.pair, 0))) {
          // The sender finished: allow 5 s for stragglers.
          const until = now() + 5000;
          while (count < job.total && now() < until) await sleep(50);
          break;
        }
        await sleep(100);
      }
      return { recv, srv, count };
    },

    // 4. latency, sender
    async latSend(job) {
      // When each probe's post_comment request actually leaves the client
      // (fetch for ours, XMLHttpRequest for the official), so the send leg
      // splits into client time and server time. Wrapped before the SDK loads.
      const issued = {};
      const stamp = (body) => {
        let text = body;
        if (body instanceof Uint8Array || body instanceof ArrayBuffer) text = new TextDecoder().decode(body);
        if (typeof text !== 'string') return;
        const m = new RegExp(job.prefix + '\\d+').exec(text);
        if (m && issued[m[0]] === undefined) issued[m[0]] = wall();
      };
      // REST requests by path, and how many were in flight when a probe
      // left: what else the client sends while it chats.
      const requests = {};
      let inflight = 0;
      const inflightAtProbe = [];
      const track = (url, body) => {
        const name = String(url).replace(/^[a-z]+:\/\/[^/]+/, '').replace(/\?.*$/, '');
        requests[name] = (requests[name] || 0) + 1;
        if (name.endsWith('/post_comment')) inflightAtProbe.push(inflight);
        stamp(body);
      };
      const f = window.fetch;
      window.fetch = function (url, init) {
        track(url && url.url ? url.url : url, init && init.body);
        inflight++;
        const p = f.apply(this, arguments);
        p.then(() => inflight--, () => inflight--);
        return p;
      };
      const open = XMLHttpRequest.prototype.open;
      XMLHttpRequest.prototype.open = function (method, url) {
        this.__benchURL = url;
        return open.apply(this, arguments);
      };
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (body) {
        track(this.__benchURL, body);
        inflight++;
        this.addEventListener('loadend', () => inflight--);
        return send.apply(this, arguments);
      };
      await startClient(job);
      const peer = job.peerURL + '?job=' + encodeURIComponent(job.peerJob);
      const w = window.open(peer, '_blank', 'noopener');
      if (w) w.opener = null;
      if (!(await kvGet('ready-' + job.pair, 60000))) throw new Error('receiver page not ready within 60 s');
      const room = await window.q.chatTarget(job.peerId);
      await sleep(1000);
      const sent = {};
      let errors = 0;
      const period = 1000 / job.rate;
      const pending = [];
      const start = now() + 50;
      for (let i = 0; i < job.total; i++) {
        const wait = start + i * period - now();
        if (wait > 0) await sleep(wait);
        const u = job.prefix + i;
        sent[u] = wall();
        pending.push(window.q.sendComment(room.id, 'latency probe ' + i, u).catch(() => { errors++; }));
      }
      await Promise.race([Promise.all(pending), sleep(15000)]);
      await kvPut('sent-' + job.pair, { total: job.total });
      inflightAtProbe.sort((x, y) => x - y);
      return { sent, issued, errors, requests, inflight_at_probe_p50: inflightAtProbe[Math.floor(inflightAtProbe.length / 2)], inflight_at_probe_max: inflightAtProbe[inflightAtProbe.length - 1] };
    },
  };

  (async () => {
    let result;
    try {
      const job = await kvGet('job-' + jobId, 30000);
      if (!job) throw new Error('no job ' + jobId);
      status('running ' + job.kind);
      result = Object.assign({ ok: true }, await KINDS[job.kind](job));
    } catch (e) {
      result = { ok: false, error: String((e && e.stack) || e) };
    }
    status('done');
    await kvPut('result-' + jobId, result);
  })();
})();
