// Compile-only check of js/dist/index.d.mts (from js/src/index.d.mts) against the v2 usage our tests and the
// docs rely on (`make test` runs `tsc --noEmit -p js/test/types`). Nothing here
// runs. Lines marked @ts-expect-error must stay errors.
import QiscusSDKCore, {
  type Comment,
  type CustomEvent,
  type LoginResults,
  type QiscusError,
  type RawComment,
  type Room,
  type TypingEvent,
} from '../../dist/index.mjs';

async function usage(): Promise<void> {
  const q = new QiscusSDKCore();
  const seen: RawComment[] = [];
  await q.init({
    AppId: 'dev',
    baseURL: 'http://127.0.0.1:8080',
    mqttURL: 'ws://127.0.0.1:8080/mqtt',
    withConfig: false,
    options: {
      loginSuccessCallback(r: LoginResults) {
        const token: string = r.user.token;
        void token;
      },
      newMessagesCallback(comments: RawComment[]) {
        for (const c of comments) {
          const uid: string = c.unique_temp_id;
          const text: string = c.message;
          const id: number = c.id;
          void uid, text, id;
          seen.push(c);
        }
      },
      typingCallback(e: TypingEvent) {
        const typing: boolean = e.message === '1';
        const room: string = e.room_id;
        void typing, room, e.username;
      },
      presenceCallback(message: string, userId: string) {
        void message, userId;
      },
      chatRoomCreatedCallback(e: { room: Room }) {
        void e.room.id;
      },
      commentSentCallback(e: { comment: Comment }) {
        void e.comment.status;
      },
    },
  });

  const login: LoginResults = await q.setUser('alice', 'alice-key', 'Alice');
  const email: string = login.user.email;
  const isLogin: boolean = q.isLogin;
  const isInit: boolean = q.isInit;
  void email, isLogin, isInit, q.userData, q.user_id;

  const room: Room = await q.chatTarget('bob');
  const roomId: number = room.id;
  const roomType: string = room.room_type;
  const participants: string[] = room.participants.map((p) => p.email);
  const history: Comment[] = room.comments;
  void roomType, participants, history;

  const again: Room = await q.getRoomById(roomId);
  void again.name;
  if (q.selected) {
    const cs: Comment[] = q.selected.comments;
    void cs;
  }

  const sent: Comment = await q.sendComment(roomId, 'hello', 'my-unique-id');
  const sentUid: string = sent.unique_temp_id;
  const sentId: string = sent.unique_id;
  void sentUid, sentId, sent.id, sent.status;
  await q.sendComment(roomId, 'custom', undefined, 'custom', { type: 'x', content: {} }, { k: 1 });

  const older: RawComment[] = await q.loadComments(roomId, { last_comment_id: sent.id, after: false, limit: 20 });
  void older;

  await q.publishTyping(1);
  await q.publishTyping(0);

  await q.subscribeEvent(String(roomId), (e: CustomEvent) => {
    const sender: string = e.sender;
    void sender, e.data;
  });
  await q.publishEvent(String(roomId), { hello: 'x' });
  await q.unsubscribeEvent(String(roomId));
  await q.subscribeUserPresence('bob');

  try {
    await q.sendComment(roomId, 'x'.repeat(4001));
  } catch (err) {
    const e = err as QiscusError;
    const status: number = e.status;
    const message: string = e.message;
    void status, message;
  }

  // @ts-expect-error chatTarget needs a user id
  await q.chatTarget();
  // @ts-expect-error typing takes 1 | 0 | boolean
  await q.publishTyping('typing');
  // @ts-expect-error init needs an AppId
  await q.init({ baseURL: 'http://127.0.0.1:8080' });

  await q.logout();
}

void usage;
