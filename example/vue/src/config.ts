// Which server to talk to: ?server=http://127.0.0.1:PORT (the devserver),
// default the devserver's usual address. The app id is the devserver's.
const server = new URLSearchParams(location.search).get('server') || 'http://127.0.0.1:8080';
const url = new URL(server);

export const config = {
  AppId: 'dev',
  baseURL: url.origin,
  mqttURL: (url.protocol === 'https:' ? 'wss://' : 'ws://') + url.host + '/mqtt',
};
