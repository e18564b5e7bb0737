// qiscus-sdk-core-wasm/vue: useQiscus(options) wires the SDK's state into
// read-only Vue refs (over createChatStore). No chat logic here; see
// chat-store.mjs. Call it in setup(): the client starts when the component
// is mounted and disconnects when its scope is disposed. Options are read
// once.
import { shallowRef, computed, onMounted, onScopeDispose, getCurrentInstance, getCurrentScope } from 'vue';
import { createChatStore } from './chat-store.mjs';

const KEYS = ['status', 'error', 'user', 'rooms', 'room', 'messages', 'typing', 'hasMore'];

export function useQiscus(options) {
  const store = createChatStore(options);
  const state = shallowRef(store.getState());
  const off = store.subscribe(() => {
    state.value = store.getState();
  });
  const refs = {};
  for (const k of KEYS) refs[k] = computed(() => state.value[k]);
  if (getCurrentInstance()) onMounted(() => store.start());
  else store.start();
  if (getCurrentScope()) {
    onScopeDispose(() => {
      off();
      store.stop();
    });
  }
  return Object.assign(refs, store.actions, {
    state: computed(() => state.value),
    client: () => store.client,
    stop: () => {
      off();
      return store.stop();
    },
  });
}

export { createChatStore };
