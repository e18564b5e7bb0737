// Types for qiscus-sdk-core-wasm/vue.
import type { ComputedRef } from 'vue';
import type { QiscusSDKCore } from './index.mjs';
import type { ChatState, ChatActions, ChatStoreOptions } from './chat-store.mjs';

export type {
  ChatState, ChatActions, ChatStoreOptions, ChatStatus, TypingUser, SessionStorageLike, ChatStore,
} from './chat-store.mjs';
export { createChatStore } from './chat-store.mjs';

export type UseQiscusResult = { readonly [K in keyof ChatState]: ComputedRef<ChatState[K]> } & ChatActions & {
  /** The whole state as one read-only ref. */
  state: ComputedRef<ChatState>;
  /** The SDK client once mounted, else null. */
  client(): QiscusSDKCore | null;
  /** Disconnects now (it also happens when the calling component's scope is disposed). */
  stop(): Promise<void>;
};

/** Call in setup(): starts a client on mount, disconnects when the scope is disposed. `options` are read once. */
export declare function useQiscus(options: ChatStoreOptions): UseQiscusResult;
