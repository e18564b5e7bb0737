import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQiscus, type UseQiscusResult } from 'qiscus-sdk-core-wasm/react';
import type { Comment, Room } from 'qiscus-sdk-core-wasm';
import { config, chatTargetError } from '../../shared/chat';

const TICKS: Record<string, string> = { pending: '…', sent: '✓', delivered: '✓✓', read: '✓✓', failed: '!' };

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function App() {
  // The login result (never the password) stays in sessionStorage: a reload
  // logs back in, each tab keeps its own user, closing the tab forgets it.
  const chat = useQiscus({ config, storage: sessionStorage });
  const [error, setError] = useState('');

  // run shows an action's failure instead of losing it.
  const run = (fn: () => Promise<unknown>) => {
    setError('');
    fn().catch((err) => setError(message(err)));
  };

  return (
    <main>
      <header>
        <h1>Qiscus React chat</h1>
        {chat.user && <span id="me">{`${chat.user.username} (${chat.user.email})`}</span>}
        {chat.status === 'ready' && (
          <button id="logout" type="button" onClick={() => run(chat.logout)}>Log out</button>
        )}
      </header>
      {(error || (chat.error && chat.status !== 'ready')) && (
        <div id="error" role="alert">{error || message(chat.error)}</div>
      )}
      {chat.status === 'ready' ? (
        <div id="app">
          <Sidebar chat={chat} run={run} />
          <ChatPane chat={chat} run={run} />
        </div>
      ) : chat.status === 'logged-out' || chat.status === 'logging-in' ? (
        <Login chat={chat} run={run} />
      ) : (
        <p className="loading">{chat.status === 'error' ? 'Could not start the SDK.' : 'Loading…'}</p>
      )}
    </main>
  );
}

type Props = { chat: UseQiscusResult; run: (fn: () => Promise<unknown>) => void };

function Login({ chat, run }: Props) {
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(() => chat.login(id.trim(), password, name.trim() || id.trim()));
  };
  return (
    <form id="login" onSubmit={submit} autoComplete="off">
      <label>User id <input id="user-id" value={id} onChange={(e) => setId(e.target.value)} required /></label>
      <label>Password <input id="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
      <label>Display name <input id="name" value={name} onChange={(e) => setName(e.target.value)} /></label>
      <button id="login-button" type="submit" disabled={chat.status === 'logging-in'}>Log in</button>
    </form>
  );
}

function Sidebar({ chat, run }: Props) {
  const [target, setTarget] = useState('');
  const [group, setGroup] = useState('');
  const [members, setMembers] = useState('');
  const newChat = (e: FormEvent) => {
    e.preventDefault();
    const id = target.trim();
    run(async () => {
      try {
        await chat.chatTarget(id);
      } catch (err) {
        throw chatTargetError(err, id);
      }
      setTarget('');
    });
  };
  const newGroup = (e: FormEvent) => {
    e.preventDefault();
    const ids = members.split(',').map((s) => s.trim()).filter(Boolean);
    run(async () => {
      await chat.createGroup(group.trim(), ids);
      setGroup('');
      setMembers('');
    });
  };
  return (
    <aside>
      <form id="new-chat" onSubmit={newChat} autoComplete="off">
        <input id="target" placeholder="Chat with user id" value={target} onChange={(e) => setTarget(e.target.value)} required />
        <button type="submit">Chat</button>
      </form>
      <form id="new-group" onSubmit={newGroup} autoComplete="off">
        <input id="group-name" placeholder="Group name" value={group} onChange={(e) => setGroup(e.target.value)} required />
        <input id="group-members" placeholder="Members: user ids, comma separated" value={members} onChange={(e) => setMembers(e.target.value)} required />
        <button type="submit">Create</button>
      </form>
      <ul id="rooms">
        {chat.rooms.map((r: Room) => (
          <li key={r.id} className={chat.room?.id === r.id ? 'open' : ''} onClick={() => run(() => chat.openRoom(r.id))}>
            <span className="name">
              {r.name || r.room_name}
              {r.room_type === 'group' && <small className="tag">group</small>}
            </span>
            <span className="unread">{r.count_notif > 0 ? r.count_notif : ''}</span>
            <span className="last">{r.last_comment_message}</span>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function ChatPane({ chat, run }: Props) {
  const [text, setText] = useState('');
  const list = useRef<HTMLUListElement>(null);
  const me = chat.user?.email;
  const last = chat.messages[chat.messages.length - 1];

  // Follow new messages at the bottom.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [last?.unique_temp_id, last?.id, chat.room?.id]);

  if (!chat.room) return <section id="chat"><p id="placeholder">Pick a room, or start a chat.</p></section>;

  const send = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const t = text;
    setText('');
    chat.publishTyping(false).catch(() => {});
    run(() => chat.sendMessage(t));
  };
  const older = () => {
    const el = list.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    run(async () => {
      await chat.loadMore();
      requestAnimationFrame(() => {
        if (el) el.scrollTop = el.scrollHeight - fromBottom; // keep the reader's place
      });
    });
  };
  return (
    <section id="chat">
      <div id="room-head"><span id="room-title">{chat.room.name || chat.room.room_name}</span></div>
      {chat.hasMore && <button id="more" type="button" onClick={older}>Load older messages</button>}
      <ul id="messages" ref={list}>
        {chat.messages.map((c: Comment) => {
          const mine = c.email === me;
          return (
            <li key={c.unique_temp_id || c.id} className={mine ? 'msg mine' : 'msg'} data-id={c.id} data-status={mine ? c.status : undefined}
              onClick={mine && c.status === 'failed' ? () => run(() => chat.resend(c)) : undefined}>
              {!mine && <span className="who">{c.username || c.email}</span>}
              <span className="text">{c.message}</span>
              <span className="meta">
                {new Date(c.unix_timestamp ? c.unix_timestamp * 1000 : Date.parse(c.timestamp)).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                {mine && <span className="tick">{TICKS[c.status] || ''}</span>}
              </span>
            </li>
          );
        })}
      </ul>
      <div id="typing">
        {chat.typing.length > 0 && `${chat.typing.map((t) => t.username).join(', ')} ${chat.typing.length === 1 ? 'is' : 'are'} typing…`}
      </div>
      <form id="composer" onSubmit={send} autoComplete="off">
        <input id="message-input" placeholder="Write a message" maxLength={4000} value={text}
          onChange={(e) => {
            setText(e.target.value);
            if (e.target.value) chat.publishTyping(true).catch(() => {});
          }} />
        <button id="send" type="submit">Send</button>
      </form>
    </section>
  );
}
