// Types for qiscus-sdk-core-wasm/react.
import type { QiscusSDKCore } from './index.mjs';
import type { ChatState, ChatActions, ChatStoreOptions } from './chat-store.mjs';

export type {
  ChatState, ChatActions, ChatStoreOptions, ChatStatus, TypingUser, SessionStorageLike, ChatStore,
} from './chat-store.mjs';
export { createChatStore } from './chat-store.mjs';

export type UseQiscusResult = ChatState & ChatActions & {
  /** The SDK client once mounted (null during the first render). */
  client: QiscusSDKCore | null;
};

/** Starts a client on mount, disconnects on unmount. `options` are read once. */
export declare function useQiscus(options: ChatStoreOptions): UseQiscusResult;
