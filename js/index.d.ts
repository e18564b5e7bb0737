// Type declarations for the Go/wasm qiscus-sdk-core. Hand-written to match
// what the runtime actually does; where v2 was inconsistent the v2 shape is
// kept and the difference is noted.

/** Server comment JSON (reference E.1), as newMessagesCallback receives it. */
export interface RawComment {
  id: number;
  id_str?: string;
  comment_before_id: number;
  comment_before_id_str?: string;
  message: string;
  type: string;
  payload: Record<string, unknown> | null;
  extras: Record<string, unknown> | null;
  email: string;
  username: string;
  user_id?: number;
  user_avatar_url?: string;
  room_id: number;
  room_id_str?: string;
  topic_id?: number;
  room_name?: string;
  unique_temp_id: string;
  timestamp: string;
  unix_timestamp: number;
  unix_nano_timestamp?: number;
  status?: CommentStatus;
  [key: string]: unknown;
}

/** v2 status vocabulary plus "failed" (v2 left failed sends as "pending"). */
export type CommentStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** The v2 Comment object: the raw fields plus these. */
export interface Comment extends RawComment {
  unique_id: string;
  before_id: number;
  username_as: string;
  username_real: string;
  status: CommentStatus;
  isPending: boolean;
  isSent: boolean;
  isDelivered: boolean;
  isRead: boolean;
  isFailed: boolean;
}

export interface Participant {
  id: number;
  email: string;
  username: string;
  avatar_url: string;
  extras?: Record<string, unknown>;
  last_comment_read_id: number;
  last_comment_received_id: number;
  [key: string]: unknown;
}

/** The v2 Room object (raw room fields plus these). */
export interface Room {
  id: number;
  name: string;
  room_name: string;
  avatar: string;
  room_type: 'single' | 'group' | 'channel' | string;
  chat_type?: string;
  isChannel: boolean;
  unique_id: string;
  options: string;
  participants: Participant[];
  participantNumber: number;
  count_notif: number;
  last_comment_id: number;
  last_comment_message: string;
  /** Ascending by id; kept current while the room is selected. */
  comments: Comment[];
  [key: string]: unknown;
}

export interface UserData {
  id: number;
  email: string;
  username: string;
  avatar_url: string;
  token: string;
  refresh_token: string;
  token_expires_at: string;
  last_comment_id: number;
  extras?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface LoginResults {
  user: UserData;
}

/** Errors reject as Error with the HTTP status (0 for client-side checks). */
export interface QiscusError extends Error {
  status: number;
  /** Set when a send failed: the comment is kept as failed under this id. */
  unique_temp_id?: string;
  serverMessage?: string;
}

export interface TypingEvent {
  message: '1' | '0';
  username: string;
  room_id: string;
}

export interface CustomEvent<T = Record<string, unknown>> {
  sender: string;
  data: T;
}

export interface Callbacks {
  loginSuccessCallback?(results: LoginResults): void;
  loginErrorCallback?(error: { status: number; message: string }): void;
  /** One comment per call, as in v2. Fired once per comment, whatever path it came by (MQTT, sync, send response). */
  newMessagesCallback?(comments: RawComment[]): void;
  commentSentCallback?(e: { comment: Comment }): void;
  chatRoomCreatedCallback?(e: { room: Room }): void;
  typingCallback?(e: TypingEvent): void;
  onRoomTypingCallback?(e: Record<string, unknown>): void;
  /** message is "1", "0" or "{0|1}:{epochMs}". */
  presenceCallback?(message: string, userId: string): void;
  /** Fired when a comment is delivered to (read by) every other participant. */
  commentDeliveredCallback?(e: { comment: Comment; userId: string }): void;
  commentReadCallback?(e: { comment: Comment; userId: string }): void;
  messageUpdatedCallback?(comment: RawComment): void;
  authTokenRefreshedCallback?(e: { token: string; refreshToken: string; expiredAt: string | null; oldToken: string }): void;
  /** Fired after a successful reconnection (v2 fired on every attempt). */
  onReconnectCallback?(): void;
  [name: string]: ((...args: any[]) => unknown) | undefined;
}

export interface InitConfig {
  AppId: string;
  baseURL?: string;
  mqttURL?: string;
  brokerUrl?: string;
  /** Default true: GET api/v2/sdk/config before init resolves. ws:// URLs are kept as given. */
  withConfig?: boolean;
  syncInterval?: number;
  syncOnConnect?: number;
  debugMode?: boolean;
  /** Where qiscus-sdk-core.wasm and wasm_exec.js are served from (default: next to this script). */
  assetBase?: string;
  options?: Callbacks;
  [key: string]: unknown;
}

export interface LoadCommentsOptions {
  last_comment_id?: number;
  timestamp?: string;
  after?: boolean;
  limit?: number;
}

export interface Emitter {
  on(type: string, fn: (e: any) => void): void;
  off(type: string, fn?: (e: any) => void): void;
  emit(type: string, e?: unknown): void;
}

export declare class QiscusSDKCore {
  constructor();
  static readonly Interceptor: {
    readonly MESSAGE_BEFORE_SENT: 'message::before-sent';
    readonly MESSAGE_BEFORE_RECEIVED: 'message::before-received';
  };
  static readonly UpdateCommentStatusMode: {
    readonly disabled: 'UpdateCommentStatusMode.disabled';
    readonly throttled: 'UpdateCommentStatusMode.throttled';
    readonly enabled: 'UpdateCommentStatusMode.enabled';
  };
  static assetBase: string;
  readonly Interceptor: typeof QiscusSDKCore.Interceptor;

  events: Emitter;
  AppId: string | null;
  baseURL: string;
  mqttURL: string;
  isInit: boolean;
  isLogin: boolean;
  isConfigLoaded: boolean;
  userData: UserData | Record<string, never>;
  user_id: string | null;
  username: string | null;
  avatar_url: string | null;
  selected: Room | null;
  rooms: Room[];
  last_received_comment_id: number;
  options: Callbacks & { avatar: boolean };
  debugMode: boolean;
  version: string;

  /** Rejects with "Please provide valid AppId" when AppId is missing. */
  init(config: InitConfig): Promise<void>;
  setUser(userId: string, userKey: string, username?: string, avatarURL?: string, extras?: Record<string, unknown> | null): Promise<LoginResults>;
  /** Logs out and closes the realtime connection. Always cleans up, even if the server call fails (v2 skipped cleanup). */
  logout(): Promise<void>;
  /** v2 returned undefined; here it returns the logout Promise. */
  disconnect(): Promise<void>;

  chatTarget(userId: string, options?: Record<string, unknown>): Promise<Room>;
  getRoomById(roomId: number | string): Promise<Room>;
  chatGroup(roomId: number | string): Promise<Room>;
  exitChatRoom(): Promise<void>;

  /** Resolves with the sent Comment; rejects with a QiscusError carrying unique_temp_id. */
  sendComment(roomId: number | string, text: string, uniqueId?: string, type?: string,
    payload?: string | Record<string, unknown> | null, extras?: Record<string, unknown> | null): Promise<Comment>;
  /** Always oldest first (v2's order depended on whether a room was selected). */
  loadComments(roomId: number | string, options?: LoadCommentsOptions): Promise<RawComment[]>;
  loadMore(lastCommentId: number, options?: LoadCommentsOptions): Promise<RawComment[]>;
  synchronize(): Promise<void>;

  /** Typing in the selected room: 1 starts (throttled), 0 stops; an automatic 0 follows 5 s after the last 1. */
  publishTyping(value: 1 | 0 | boolean): Promise<void>;
  publishEvent(roomId: string | number, payload: Record<string, unknown>): Promise<void>;
  subscribeEvent(roomId: string | number, callback: (e: CustomEvent) => void): Promise<void>;
  unsubscribeEvent(roomId: string | number): Promise<void>;
  subscribeUserPresence(userId: string): Promise<void>;
  unsubscribeUserPresence(userId: string): Promise<void>;

  setCustomHeader(headers: Record<string, string>): Promise<void>;
}

export default QiscusSDKCore;
