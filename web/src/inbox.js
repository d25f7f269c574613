import { createStore } from './store.js';
import { LiveSocket, after } from './socket.js';
import { session, freshToken, forget, refresh } from './session.js';

/**
 * The signed-in user's own stream: appointment events and notifications, for every
 * screen. `notifications` is newest first; each entry is { id, type, message, read, ... }.
 */
export const inbox = createStore({ notifications: [], unread: 0 });

// Anyone who shows appointments listens here to refresh when one changes.
const appointmentListeners = new Set();
export function onAppointmentChange(listener) {
  appointmentListeners.add(listener);
  return () => appointmentListeners.delete(listener);
}

// Events made by the other party are news; a reminder or an urgent notice is a
// `notification` whose read status the server keeps. What the user did themself is listed
// but not counted as unread.
const NEWS = {
  customer: ['appointment_confirmation', 'appointment_completed', 'appointment_no_show'],
  barber: ['appointment_created'],
  admin: [],
};

const seenKey = (userId) => `barbershop.seen.${userId}`;

let socket = null;
let owner = null;

// The chats on screen: a message in one of them is read as it arrives, and so is its
// notification.
const chatsOnScreen = new Map();

function isChatSeen(entry) {
  return entry.type === 'notification' && entry.kind === 'chat_message' && !entry.read
    && chatsOnScreen.has(entry.appointment_id);
}

function markRead(entries) {
  for (const entry of entries) socket?.send({ type: 'mark_read', notification_id: entry.id });
}

/** While a chat is on screen, its messages' notifications are read. Returns the undo. */
export function showingChat(appointmentId) {
  chatsOnScreen.set(appointmentId, (chatsOnScreen.get(appointmentId) || 0) + 1);
  markRead(inbox.get().notifications.filter(isChatSeen));
  return () => {
    const left = chatsOnScreen.get(appointmentId) - 1;
    if (left > 0) chatsOnScreen.set(appointmentId, left);
    else chatsOnScreen.delete(appointmentId);
  };
}

function isUnread(entry, role, seen) {
  if (entry.type === 'notification') return !entry.read;
  return (NEWS[role] || []).includes(entry.type) && (!seen || after(entry.id, seen));
}

function recount() {
  const current = session.get();
  if (!current) return;
  const seen = localStorage.getItem(seenKey(current.user_id));
  inbox.set((state) => ({
    ...state,
    unread: state.notifications.filter((entry) => isUnread(entry, current.role, seen)).length,
  }));
}

function receive(frame) {
  if (frame.type === 'resync_required') {
    for (const listener of appointmentListeners) listener(null);
    return;
  }
  if (frame.type === 'notification_read') {
    inbox.set((state) => ({
      ...state,
      notifications: state.notifications.map((entry) =>
        entry.id === frame.notification_id ? { ...entry, read: true } : entry),
    }));
  } else if (frame.message && (frame.appointment_id || frame.kind === 'waitlist_offer')) {
    // A waitlist offer is about a time held, not an appointment.
    const entry = { ...frame, read: frame.type === 'notification' ? frame.status === 'read' : false };
    inbox.set((state) => ({ ...state, notifications: [entry, ...state.notifications] }));
    if (isChatSeen(entry)) markRead([entry]);
    if (frame.type !== 'notification') for (const listener of appointmentListeners) listener(frame);
  }
  recount();
}

/** Everything shown is now seen: server notifications are marked read on every device. */
export function markAllRead() {
  const current = session.get();
  const { notifications } = inbox.get();
  if (!current || !socket) return;
  markRead(notifications.filter((entry) => entry.type === 'notification' && !entry.read));
  const newest = notifications[0]?.id;
  if (newest) localStorage.setItem(seenKey(current.user_id), newest);
  recount();
}

function start(current) {
  const stream = current.role === 'barber' ? 'barber' : 'client';
  owner = current.user_id;
  inbox.set({ notifications: [], unread: 0 });
  socket = new LiveSocket({
    // The whole inbox is replayed on each page load: that is the notification history.
    since: '0-0',
    path: async (refused) => {
      if (refused) await refresh();
      const token = await freshToken();
      return token && `/websocket/${stream}/${current.user_id}/appointments?token=${encodeURIComponent(token)}`;
    },
    onMessage: receive,
    onEnd: () => forget(),
  });
}

function stop() {
  socket?.close();
  socket = null;
  owner = null;
  inbox.set({ notifications: [], unread: 0 });
}

function follow(current) {
  if (current?.user_id === owner) return;
  stop();
  if (current) start(current);
}

session.subscribe(follow);
follow(session.get());
