// qiscus-sdk-core-wasm/react: useQiscus(options) wires the SDK's state into
// React (useSyncExternalStore over createChatStore). No chat logic here; see
// chat-store.mjs. The client starts when the component mounts and
// disconnects when it unmounts; options are read once, at mount.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { createChatStore } from './chat-store.mjs';

export function useQiscus(options) {
  const [store] = useState(() => createChatStore(options));
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  useEffect(() => {
    store.start();
    return () => {
      store.stop();
    };
  }, [store]);
  return Object.assign({}, state, store.actions, { client: store.client });
}

export { createChatStore };
