// Type declarations for the Go/wasm qiscus-sdk-core (ESM; js/build.mjs derives
// the CommonJS/UMD dist/index.d.ts from this file). Hand-written to match
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
  /** Fired when a room is opened, at once (v2 waited 3 s). */
  roomChangedCallback?(room: Room): void;
  /** A send failed with a transient error after its retries; the comment is status 'failed'. */
  commentRetryExceedCallback?(comment: Comment): void;
  commentDeletedCallback?(e: { roomId: number | string; commentUniqueIds: string[]; isForEveryone: boolean; isHard: boolean }): void;
  roomClearedCallback?(room: Record<string, unknown>): void;
  groupRoomCreatedCallback?(room: GroupRoomSummary): void;
  blockUserCallback?(user: Record<string, unknown>): void;
  unblockUserCallback?(user: Record<string, unknown>): void;
  updateProfileCallback?(input: { name?: string; avatar_url?: string; extras?: Record<string, unknown> }): void;
  /** Fires after upload/uploadFile (v2 never fired it). */
  fileUploadedCallback?(url: string): void;
  prePostCommentCallback?(text: string): void;
  /** Its return value replaces the text. Both spellings work. */
  commentFormaterCallback?(text: string): string;
  commentFormatterCallback?(text: string): string;
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
  /** No periodic /sync while realtime is up (the syncs that fill a reconnect's gap still run). */
  syncOnlyWhenDisconnected?: boolean;
  /** false: no MQTT connection at all; /sync polls at syncInterval (v2 connected anyway after login). */
  enableRealtime?: boolean;
  /** Broker load balancer, asked after a connection closes (v2 §D.5); the scheme follows mqttURL's. */
  brokerLbURL?: string;
  /** Use the balancer. Unset: off for a custom baseURL/mqttURL without brokerLbURL, as in v2. */
  enableRealtimeLB?: boolean;
  /** upload()'s and uploadFile()'s endpoint (v2's uploadFile ignored it). */
  uploadURL?: string;
  /** disabled: no "received" receipts ("read" still go); throttled: merged over the delay, nothing dropped. */
  updateCommentStatusMode?: 'UpdateCommentStatusMode.disabled' | 'UpdateCommentStatusMode.throttled' | 'UpdateCommentStatusMode.enabled';
  updateCommentStatusThrottleDelay?: number;
  debugMode?: boolean;
  /**
   * The URL of qiscus-sdk-core.wasm, for a CDN or a custom path. Default: the
   * ESM entry's `new URL('./qiscus-sdk-core.wasm', import.meta.url)` (which
   * bundlers rewrite to their hashed asset), or next to the UMD script.
   */
  wasmURL?: string | URL;
  /** The directory qiscus-sdk-core.wasm is served from (wasmURL wins). */
  assetBase?: string;
  options?: Callbacks;
  [key: string]: unknown;
}

export interface LoadCommentsOptions {
  last_comment_id?: number;
  /** Sent to load_comments as given. */
  timestamp?: string | number;
  after?: boolean;
  limit?: number;
}

/**
 * qiscus.events: v2's event names (start-init, login-success, login-error,
 * token-refreshed, newmessages, comment-sent, comment-retry-exceed,
 * comment-delivered, comment-read, comment-deleted, room-cleared, typing,
 * room-typing, presence, room-changed, chat-room-created, group-room-created,
 * participants-added, participants-removed, block-user, unblock-user,
 * profile-updated, user-status, fileupload and file-uploaded, both with the
 * url), plus message-updated, reconnect and pre-post-comment, which v2 did
 * not put on its bus.
 */
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
  /** Directory of qiscus-sdk-core.wasm for every instance ('' = the default). */
  static assetBase: string;
  /** URL of qiscus-sdk-core.wasm for every instance (wins over assetBase). */
  static wasmURL: string | URL | undefined;
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
  /** Setting it after init switches the core's console logging too. */
  debugMode: boolean;
  version: string;
  /** upload()'s endpoint; assigning it reaches the core (null or '' restores the default). */
  get uploadURL(): string;
  set uploadURL(url: string | null);
  /** ms; the core's values after init and the app config. syncOnConnect is -1 when off (default 30000 here, 10000 in v2). */
  syncInterval: number;
  syncOnConnect: number;
  syncOnlyWhenDisconnected: boolean;
  enableRealtime: boolean;
  /** startSync()/stopSync() and the app config's enable_sync. */
  enableSync: boolean;
  /** The app config's enable_sync_event; true unless it says false (v2 defaulted to false). */
  enableSyncEvent: boolean;
  enableLb: boolean;
  brokerLbUrl: string;
  /** Default extras of sendComment, from the app config. */
  extras: Record<string, unknown> | null;
  updateCommentStatusMode: string;
  updateCommentStatusThrottleDelay: number;
  /** "{username} is typing ..." while someone types in the selected room, else null. */
  isTypingStatus: string | null;
  /** The selected 1-on-1 room's other user: "Online" or "Last seen {ISO time}" (v2 never said Online). */
  chatmateStatus: string | null;
  /** The last batch given to newMessagesCallback. */
  lastReceiveMessages: RawComment[];
  /** v2's local list maintained by addUploadedFile/removeUploadedFile. */
  uploadedFiles: Array<{ name: string; roomId: number | string }>;

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

  // --- auth ---
  /** expired_at: the server's value (the devserver sends unix seconds). */
  getNonce(): Promise<{ nonce: string; expired_at: string | number }>;
  verifyIdentityToken(identityToken: string): Promise<LoginResults & Record<string, unknown>>;
  /** v2 returned undefined and never opened a realtime connection for this user; here it returns a Promise and connects. */
  setUserWithIdentityToken(data: LoginResults & Record<string, unknown>): Promise<LoginResults & Record<string, unknown>>;
  refreshAuthToken(): Promise<{ token: string; refresh_token: string; token_expires_at: string }>;
  /** Rejects on failure (v2 swallowed errors and resolved undefined). */
  updateProfile(profile: { name?: string; avatar_url?: string; extras?: Record<string, unknown> }): Promise<UserData>;
  getUserProfile(): Promise<UserData>;

  // --- rooms ---
  getOrCreateRoomByUniqueId(uniqueId: string, roomName?: string, avatarURL?: string): Promise<Room>;
  getOrCreateRoomByChannel(uniqueId: string, roomName?: string, avatarURL?: string): Promise<Room>;
  /** options is optional here (v2 threw a TypeError without it). Resolves v2's camelCase summary, not a Room. */
  createGroupRoom(name: string, userIds: string[], options?: { avatarURL?: string; [k: string]: unknown }): Promise<GroupRoomSummary>;
  /** Resolves the whole response body, as v2 did. */
  getRoomsInfo(options: { room_ids?: Array<number | string>; room_unique_ids?: string[]; show_participants?: boolean; show_removed?: boolean }): Promise<{ status: number; results: { meta: Record<string, number>; rooms_info: Array<Record<string, unknown>> } }>;
  /** Rooms with comments: []. A room without a last comment is fine (v2 threw). */
  loadRoomList(options?: { page?: number; limit?: number; show_participants?: boolean; show_empty?: boolean; room_type?: string }): Promise<Room[]>;
  /** Resolves results.room (raw). */
  updateRoom(room: { id: number | string; room_name?: string; avatar_url?: string; options?: Record<string, unknown> | string }): Promise<Record<string, unknown>>;
  addParticipantsToGroup(roomId: number | string, userIds: string[]): Promise<Participant[]>;
  /** Resolves the removed user ids. */
  removeParticipantsFromGroup(roomId: number | string, userIds: string[]): Promise<string[]>;
  /** Works (v2.14+ threw before sending parameters). */
  getParticipants(roomUniqueId: string, page?: number, limit?: number): Promise<{ meta: { current_offset?: number; per_page?: number; total: number }; participants: Participant[] }>;
  getTotalUnreadCount(): Promise<number>;
  getRoomUnreadCount(): Promise<number>;
  /** Takes room unique ids. Resolves the whole body; roomClearedCallback fires from realtime. */
  clearRoomMessages(roomUniqueIds: string[]): Promise<{ status: number; results: { rooms: Array<Record<string, unknown>> } }>;

  // --- messages ---
  /** Receipts are coalesced per room and retried; the Promise settles when queued. */
  readComment(roomId: number | string, commentId: number): Promise<void>;
  receiveComment(roomId: number | string, commentId: number): Promise<void>;
  /** Resolves the whole body. commentDeletedCallback fires with the arguments as given (defaults true). */
  deleteComment(roomId: number | string, commentUniqueIds: string[], isForEveryone?: boolean, isHard?: boolean): Promise<{ status: number; results: { comments: RawComment[] } }>;
  updateMessage(message: { message: string; unique_id?: string; unique_temp_id?: string; extras?: Record<string, unknown>; payload?: Record<string, unknown> }): Promise<RawComment>;
  /** Re-posts with the same unique id (stored once); resolves `selected`. */
  resendComment(comment: Comment | RawComment): Promise<Room | undefined>;
  /** Deprecated in v2; resolves Comment objects. */
  searchMessages(options: { query: string; room_id?: number | string; last_comment_id?: number }): Promise<Comment[]>;
  searchMessage(options: { query: string; roomIds?: Array<number | string>; userId?: string; type?: string; roomType?: 'single' | 'group' | 'channel'; page?: number; limit?: number }): Promise<{ status: number; results: { comments: RawComment[]; page?: number; limit?: number; total?: number } }>;
  getFileList(options?: { roomIds?: Array<number | string>; fileType?: string; page?: number; limit?: number; sender?: string; userId?: string; includeExtensions?: string[]; excludeExtensions?: string[] }): Promise<{ status: number; results: Record<string, unknown> }>;
  /** Synchronous and local only: a pending Comment (v2 has no method that sends it; pass its fields to sendComment). */
  generateMessage(o: { roomId: number | string; text: string; extras?: Record<string, unknown> }): Comment;
  generateFileAttachmentMessage(o: { roomId: number | string; caption?: string; url: string; text?: string; extras?: Record<string, unknown>; filename?: string; size?: number }): Comment;
  generateCustomMessage(o: { roomId: number | string; text: string; type: string; payload?: unknown; extras?: Record<string, unknown> }): Comment;
  generateReplyMessage(o: { roomId: number | string; text: string; repliedMessage: Comment | RawComment; extras?: Record<string, unknown> }): Comment;
  /** Synchronous, as in v2 (throws before init()). */
  getThumbnailURL(url: string): string;
  getBlurryThumbnailURL(url: string): string;
  /** callback(null, progressEvent) while uploading, then callback(null, null, url). Resolves the url. */
  upload(file: Blob, callback?: (error: Error | null, progress: ProgressEvent | null, url?: string) => void): Promise<string>;
  /** Uploads and sends "[file] url [/file]"; fires fileUploadedCallback (v2 never did). Resolves the sent Comment (v2: undefined). */
  uploadFile(roomId: number | string, file: Blob): Promise<Comment>;
  onMessageUpdated(handler: (comment: RawComment) => void): () => void;

  // --- users and presence ---
  blockUser(userId: string): Promise<Record<string, unknown>>;
  unblockUser(userId: string): Promise<Record<string, unknown>>;
  getBlockedUser(page?: number, limit?: number): Promise<Array<Record<string, unknown>>>;
  /** Works (v2.14+ threw). */
  getUsers(query?: string, page?: number, limit?: number): Promise<{ meta: { total_data: number; total_page: number }; users: Array<Record<string, unknown>> }>;
  /** Does not stack heartbeats (v2 did). */
  publishOnlinePresence(online: boolean): Promise<void>;
  registerDeviceToken(token: string, isDevelopment?: boolean, devicePlatform?: string): Promise<Record<string, unknown>>;
  removeDeviceToken(token: string, isDevelopment?: boolean, devicePlatform?: string): Promise<Record<string, unknown>>;
  getUserPresences(userIds: string[]): Promise<Array<{ email: string; status: number; timestamp: string | number }>>;

  // --- hooks and misc ---
  /** fn returns the (possibly changed) message or a Promise of it. The returned function removes the hook (v2's did not). */
  intercept(name: 'message::before-sent' | 'message::before-received', fn: (message: any) => any): () => void;
  synchronizeEvent(): Promise<void>;
  /** Raises the /sync cursor in the core (never lowers it): later syncs start after id. Resolves the cursor. */
  updateLastReceivedComment(id: number): Promise<number>;

  // --- issue 11: the rest of v2's prototype ---
  /** Opens a Room the app already has (topics, receipts, selected) without a request. v2 returned undefined. */
  setActiveRoom(room: Room | Record<string, unknown>): Promise<void>;
  /** Sorts selected.comments by unix_timestamp, pending ones last. */
  sortComments(): Promise<void>;
  /** Forgets the rooms kept for receipts, except the selected one. */
  clearRoomsCache(): Promise<void>;
  /** Local edit of selected.participants; resolves the participants as they were. */
  removeSelectedRoomParticipants(values: Array<string | number>, key?: 'id' | 'email' | 'username'): Promise<Participant[]>;
  /** Deprecated in v2 and broken there since 2.14; works here. */
  getRoomParticipants(roomUniqueId: string, offset?: number): Promise<{ meta: { current_offset?: number; per_page?: number; total: number }; participants: Participant[] }>;
  /** Synchronous: the pending Comment for these fields (unique id, unix_timestamp now). */
  prepareCommentToBeSubmitted(comment: Partial<RawComment> & Record<string, unknown>): Comment;
  /** Stop/resume the periodic /sync and /sync_event (gap-filling syncs after a reconnect still run). */
  startSync(): Promise<void>;
  stopSync(): Promise<void>;
  /** Close the MQTT connection and keep it closed (/sync polls meanwhile); open reconnects. */
  closeRealtimeConnection(): Promise<void>;
  openRealtimeConnection(): Promise<void>;
  /** Fires onReconnectCallback and the 'reconnect' event (v2 called a misspelt callback). */
  onReconnectMqtt(): void;
  /** A no-op: the core wires its events once (v2 registered its listeners again on every call). */
  setEventListeners(): void;
  addUploadedFile(name: string, roomId: number | string): void;
  removeUploadedFile(name: string, roomId: number | string): void;
  logging(message: string, params?: unknown): void;
  readonly logger: (...args: unknown[]) => void;
  noop(): void;
}

export interface GroupRoomSummary {
  id: number;
  name: string;
  lastCommentId: number;
  lastCommentMessage: string;
  lastTopicId: number;
  avatarURL: string;
  options: string;
  participants: Array<{ id: number; email: string; username: string; avatarURL: string }>;
}

export default QiscusSDKCore;
