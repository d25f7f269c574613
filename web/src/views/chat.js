import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { showingChat } from '../inbox.js';
import { LiveSocket } from '../socket.js';
import { freshToken, refresh } from '../session.js';
import { when } from '../time.js';
import { Notice } from './ui.js';

// The service keeps a chat open until a week after the appointment ends.
const OPEN_FOR = 7 * 24 * 3600 * 1000;

function author(message, appointment, me) {
  const name = message.sender === 'barber' ? appointment.barber_name
    : message.sender === 'client' ? appointment.client_name : 'Admin';
  return message.sender_id === me ? `${name} (you)` : name;
}

export function Chat({ appointment, me }) {
  const [messages, setMessages] = useState([]);
  const [online, setOnline] = useState({});
  const [text, setText] = useState('');
  const [error, setError] = useState(null);
  const socket = useRef(null);
  const log = useRef(null);
  const id = appointment.appointment_id;
  const open = new Date(appointment.end_time).getTime() + OPEN_FOR > Date.now();

  useEffect(() => {
    setMessages([]);
    if (!open) return undefined;
    socket.current = new LiveSocket({
      path: async (refused) => {
        if (refused) await refresh();
        const token = await freshToken();
        return token && `/websocket/appointment/${encodeURIComponent(id)}/chat?token=${encodeURIComponent(token)}`;
      },
      onMessage: (frame) => {
        if (frame.type === 'chat_message') {
          setMessages((list) => (list.some((item) => item.id === frame.id) ? list : [...list, frame]));
        } else if (frame.type === 'presence') {
          setOnline((state) => ({ ...state, [frame.user_id]: frame.online }));
        } else if (frame.type === 'error') {
          setError(frame.message);
        }
      },
    });
    return () => socket.current.close();
  }, [id, open]);

  useEffect(() => showingChat(id), [id]);

  useEffect(() => {
    if (log.current) log.current.scrollTop = log.current.scrollHeight;
  }, [messages]);

  const send = (event) => {
    event.preventDefault();
    const message = text.trim();
    if (!message) {
      setError('Write a message first.');
      return;
    }
    socket.current.send({ type: 'chat_message', message });
    setError(null);
    setText('');
  };

  const other = me === appointment.barber_id
    ? [appointment.client_id, appointment.client_name] : [appointment.barber_id, appointment.barber_name];

  return html`
    <section aria-labelledby="chat-title" class="panel">
      <h2 id="chat-title">Chat</h2>
      ${!open ? html`<p class="muted">This chat closed a week after the appointment.</p>` : html`
        ${online[other[0]] !== undefined && html`<p class="muted">${other[1]} is ${online[other[0]] ? 'here now' : 'away'}.</p>`}
        <div class="chat" role="log" aria-label="Chat" ref=${log} tabindex="0"><ul>
          ${messages.length === 0 && html`<li class="muted">No messages yet.</li>`}
          ${messages.map((message) => html`
            <li key=${message.id} class=${message.sender_id === me ? 'mine' : ''}>
              <span class="author">${author(message, appointment, me)}</span>
              <span class="sent">${message.sent_at ? when(message.sent_at) : ''}</span>
              <p class="text">${message.message}</p>
            </li>`)}
        </ul></div>
        <form onSubmit=${send} class="chat-form">
          <label for="chat-message">Message</label>
          <textarea id="chat-message" rows="3" maxlength="4000" value=${text}
            onInput=${(event) => setText(event.currentTarget.value)}
            onKeyDown=${(event) => { if (event.key === 'Enter' && !event.shiftKey) send(event); }}></textarea>
          <${Notice} error=${error} />
          <button type="submit" class="primary">Send</button>
        </form>`}
    </section>`;
}
