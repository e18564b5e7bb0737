// Compile-only check of js/dist/index.d.ts, the CommonJS/UMD declarations
// that js/build.mjs derives from src/index.d.mts: require() gets the class,
// and the interfaces are reachable through its namespace.
import QiscusSDKCore = require('../../../dist/index.js');

export async function usage(): Promise<string> {
  const q = new QiscusSDKCore();
  QiscusSDKCore.assetBase = '/static/qiscus/';
  QiscusSDKCore.wasmURL = new URL('https://cdn.example.invalid/qiscus-sdk-core.wasm');
  await q.init({ AppId: 'dev', wasmURL: '/assets/qiscus-sdk-core.wasm' });
  const room: QiscusSDKCore.Room = await q.chatTarget('bob');
  const sent: QiscusSDKCore.Comment = await q.sendComment(room.id, 'hi');
  const mode: 'UpdateCommentStatusMode.enabled' = QiscusSDKCore.UpdateCommentStatusMode.enabled;
  // @ts-expect-error unknown interceptor names are rejected
  q.intercept('message::unknown', (m: unknown) => m);
  return sent.unique_temp_id + mode;
}
