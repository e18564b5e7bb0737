// Shared by example/react and example/vue.
// Which server to talk to: ?server=http://127.0.0.1:PORT (the devserver),
// default the devserver's usual address. The app id is the devserver's.
const server = new URLSearchParams(location.search).get('server') || 'http://127.0.0.1:8080';
const url = new URL(server);

export const config = {
  AppId: 'dev',
  baseURL: url.origin,
  mqttURL: (url.protocol === 'https:' ? 'wss://' : 'ws://') + url.host + '/mqtt',
};

/** What to show when chatTarget(id) failed: a 404 means that user never logged in. */
export function chatTargetError(err: unknown, id: string): unknown {
  if ((err as { status?: number }).status === 404) {
    return new Error(`There is no user "${id}" on this server: they have to log in once first.`);
  }
  return err;
}
