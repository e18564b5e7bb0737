// Compile-only: every method of the v2 surface, with the argument order and
// the resolved types index.d.ts promises. Nothing here runs.
import QiscusSDKCore, { type Comment, type GroupRoomSummary, type Participant, type Room, type UserData } from '../../dist/index.mjs';

export async function surface(q: QiscusSDKCore, file: Blob): Promise<void> {
  // auth
  const nonce: { nonce: string; expired_at: string | number } = await q.getNonce();
  const verified = await q.verifyIdentityToken('jwt' + nonce.nonce);
  await q.setUserWithIdentityToken(verified);
  const refreshed: { token: string; refresh_token: string; token_expires_at: string } = await q.refreshAuthToken();
  const me: UserData = await q.updateProfile({ name: 'A', avatar_url: 'https://x/a.png', extras: { k: 1 } });
  const profile: UserData = await q.getUserProfile();
  void refreshed, me, profile;

  // rooms
  const r1: Room = await q.getOrCreateRoomByUniqueId('u1', 'Name', 'https://x/a.png');
  const r2: Room = await q.getOrCreateRoomByChannel('u2');
  const group: GroupRoomSummary = await q.createGroupRoom('G', ['bob', 'carol']);
  const info = await q.getRoomsInfo({ room_ids: [r1.id], room_unique_ids: [r2.unique_id] });
  const infoCount: number = info.results.rooms_info.length;
  const list: Room[] = await q.loadRoomList({ page: 1, limit: 20 });
  await q.updateRoom({ id: group.id, room_name: 'New' });
  const added: Participant[] = await q.addParticipantsToGroup(group.id, ['dave']);
  const removed: string[] = await q.removeParticipantsFromGroup(group.id, ['dave']);
  const parts = await q.getParticipants(r1.unique_id, 1, 20);
  const total: number = parts.meta.total;
  const unread: number = await q.getTotalUnreadCount();
  const unreadRooms: number = await q.getRoomUnreadCount();
  await q.exitChatRoom();
  await q.clearRoomMessages([r1.unique_id]);
  void infoCount, list, added, removed, total, unread, unreadRooms;

  // messages
  const sent: Comment = await q.sendComment(r1.id, 'hi');
  const older = await q.loadMore(sent.id, { limit: 10 });
  await q.readComment(r1.id, sent.id);
  await q.receiveComment(r1.id, sent.id);
  const del = await q.deleteComment(r1.id, [sent.unique_id], true, true);
  const delCount: number = del.results.comments.length;
  const edited = await q.updateMessage({ message: 'edit', unique_id: sent.unique_id });
  await q.resendComment(sent);
  const found: Comment[] = await q.searchMessages({ query: 'hi', room_id: r1.id });
  const found2 = await q.searchMessage({ query: 'hi', roomIds: [r1.id], roomType: 'group' });
  const files = await q.getFileList({ roomIds: [r1.id], fileType: 'media' });
  const g1: Comment = q.generateMessage({ roomId: r1.id, text: 'x' });
  const g2: Comment = q.generateFileAttachmentMessage({ roomId: r1.id, url: 'https://x/f.png', caption: 'c' });
  const g3: Comment = q.generateCustomMessage({ roomId: r1.id, text: 'x', type: 'promo', payload: { a: 1 } });
  const g4: Comment = q.generateReplyMessage({ roomId: r1.id, text: 'x', repliedMessage: sent });
  const thumb: string = q.getThumbnailURL('https://res.cloudinary.com/x/image/upload/a.jpg');
  const url: string = await q.upload(file, (err, progress, done) => {
    void err;
    void progress;
    void done;
  });
  const fileComment: Comment = await q.uploadFile(r1.id, file);
  const off: () => void = q.onMessageUpdated((c) => void c.id);
  off();
  void older, delCount, edited, found, found2, files, g1, g2, g3, g4, thumb, url, fileComment;

  // users and presence
  await q.blockUser('bob');
  await q.unblockUser('bob');
  const blocked = await q.getBlockedUser(1, 20);
  const users = await q.getUsers('', 1, 20);
  const usersTotal: number = users.meta.total_data;
  await q.subscribeUserPresence('bob');
  await q.unsubscribeUserPresence('bob');
  await q.publishOnlinePresence(true);
  const presences = await q.getUserPresences(['bob']);
  const online: boolean = presences[0].status === 1;
  await q.registerDeviceToken('t', false, 'rn');
  await q.removeDeviceToken('t');
  void blocked, usersTotal, online;

  // hooks and misc
  const unhook = q.intercept(QiscusSDKCore.Interceptor.MESSAGE_BEFORE_SENT, (m) => m);
  unhook();
  q.intercept(q.Interceptor.MESSAGE_BEFORE_RECEIVED, async (m) => m);
  await q.setCustomHeader({ 'X-Custom': '1' });
  await q.synchronize();
  await q.synchronizeEvent();
  q.updateLastReceivedComment(10);
  q.logging('x');
  q.logger('y');
  await q.logout();
  await q.disconnect();

  // @ts-expect-error createGroupRoom needs an array of ids
  await q.createGroupRoom('G', 'bob');
  // @ts-expect-error intercept takes one of the two interceptor names
  q.intercept('nope', (m) => m);
}
