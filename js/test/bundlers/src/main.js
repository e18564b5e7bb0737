// Zero configuration: the bundler finds the wasm through the package's
// `new URL('./qiscus-sdk-core.wasm', import.meta.url)`.
import QiscusSDKCore from 'qiscus-sdk-core-wasm';

const server = new URLSearchParams(location.search).get('server');
const out = document.getElementById('out');
const say = (s) => { out.textContent += s + '\n'; };

async function main() {
  let heard;
  const echoed = new Promise((resolve) => { heard = resolve; });
  const qiscus = new QiscusSDKCore();
  await qiscus.init({
    AppId: 'dev',
    baseURL: server,
    mqttURL: server.replace(/^http/, 'ws') + '/mqtt',
    options: { newMessagesCallback: (comments) => comments.forEach((c) => heard(c.message)) },
  });
  say('init');
  await qiscus.setUser('smoke-user', 'smoke-key', 'Smoke');
  const room = await qiscus.getOrCreateRoomByUniqueId('bundler-smoke');
  const sent = await qiscus.sendComment(room.id, 'hello from a bundle');
  say('sent ' + sent.id);
  say('heard ' + (await echoed));
  return 'ok';
}

main().then(
  (r) => { window.__smoke = r; say(r); },
  (e) => { window.__smoke = 'error: ' + (e && e.message); say(window.__smoke); },
);
