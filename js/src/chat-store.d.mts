// Types for chat-store.mjs (shared by qiscus-sdk-core-wasm/react and /vue).
import type {
  QiscusSDKCore, InitConfig, Callbacks, Room, Comment, UserData, LoginResults,
} from './index.mjs';

/** idle → starting → logged-out ⇄ logging-in → ready; error if init() failed. */
export type ChatStatus = 'idle' | 'starting' | 'logged-out' | 'logging-in' | 'ready' | 'error';

export interface TypingUser {
  userId: string;
  username: string;
}

export interface ChatState {
  readonly status: ChatStatus;
  /** The last start/login/restore/room-list error (actions also reject with theirs). */
  readonly error: (Error & { status?: number }) | null;
  readonly user: UserData | null;
  /** loadRoomList's rooms, refreshed on new messages and new rooms; the open room counts as read. */
  readonly rooms: readonly Room[];
  /** A copy of qiscus.selected (its comments are `messages`). */
  readonly room: Room | null;
  /** qiscus.selected.comments: ascending, pending and failed ones last, statuses kept current by the SDK. */
  readonly messages: readonly Comment[];
  /** Who is typing in the open room. */
  readonly typing: readonly TypingUser[];
  /** Whether loadMore() may find older messages. */
  readonly hasMore: boolean;
}

/** The subset of Storage used for the session (localStorage, sessionStorage, or your own). */
export interface SessionStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface ChatStoreOptions {
  /** Passed to init(); its `options` callbacks are called after the store's own. */
  config: InitConfig;
  /**
   * Where the login result (user id, token, refresh token; never the password)
   * is kept so a reload logs back in with setUserWithIdentityToken. Omit to
   * keep nothing.
   */
  storage?: SessionStorageLike | null;
  /** Default "qiscus-sdk-core-wasm/session/<AppId>". */
  storageKey?: string;
  /** Comments per loadMore() page. Default 20. */
  pageSize?: number;
  /** Default { show_empty: true, limit: 100 }. */
  roomListOptions?: Parameters<QiscusSDKCore['loadRoomList']>[0];
  /** More SDK callbacks, called after the store's own handling. */
  callbacks?: Callbacks;
}

export interface ChatActions {
  /** setUser, then keeps the session in `storage`. Rejects with the SDK's error. */
  login(userId: string, userKey: string, username?: string, avatarURL?: string, extras?: Record<string, unknown> | null): Promise<LoginResults>;
  /** Forgets the stored session and logs out. */
  logout(): Promise<void>;
  refreshRooms(): Promise<readonly Room[]>;
  openRoom(roomId: number | string): Promise<Room>;
  /** Opens (creating if needed) the 1:1 room; rejects with status 404 for an unknown user. */
  chatTarget(userId: string, options?: Record<string, unknown>): Promise<Room>;
  /** createGroupRoom, then opens the group; rejects with status 404 when a member is unknown. */
  createGroup(name: string, userIds: string[], options?: { avatarURL?: string; [k: string]: unknown }): Promise<Room>;
  closeRoom(): Promise<void>;
  /** sendComment to the open room; a failed send rejects and stays in `messages` with status 'failed'. */
  sendMessage(text: string, uniqueId?: string, type?: string, payload?: string | Record<string, unknown> | null, extras?: Record<string, unknown> | null): Promise<Comment>;
  resend(comment: Comment): Promise<Room | undefined>;
  /** Older messages of the open room (merged into `messages`). */
  loadMore(): Promise<Comment[]>;
  /** publishTyping in the open room (the SDK throttles and stops by itself). */
  publishTyping(isTyping?: boolean): Promise<void>;
}

export interface ChatStore {
  getState(): ChatState;
  subscribe(listener: () => void): () => void;
  /** The SDK client, from start() until stop(). */
  readonly client: QiscusSDKCore | null;
  /** Creates the client, init()s it and restores a stored session. */
  start(): Promise<void>;
  /** Disconnects and resets the state; start() may be called again. */
  stop(): Promise<void>;
  readonly actions: ChatActions;
}

export declare function createChatStore(options: ChatStoreOptions): ChatStore;
