import { createStore } from './store.js';

const open = new Set();

/** "Live", "Reconnecting…" or "Offline" over every socket the page holds; null without any. */
export const connection = createStore(null);

function updateConnection() {
  if (open.size === 0) connection.set(null);
  else if (!navigator.onLine) connection.set('Offline');
  else connection.set([...open].every((socket) => socket.live) ? 'Live' : 'Reconnecting…');
}

// Stream ids are "<milliseconds>-<sequence>", compared as number pairs.
export function after(a, b) {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am > bm || (am === bm && as > bs);
}

const FIRST_DELAY = 500;
const LAST_DELAY = 15_000;

/**
 * A WebSocket that comes back by itself: backoff with jitter, and `since` so that what it
 * missed meanwhile is replayed, each message once.
 *   path: (refused) => Promise<string|null>; refused: the last attempt was turned away
 *     before opening (a stale token?); null: give up, e.g. the session ended
 *   since: where to start ('0-0' for a whole inbox; undefined for "now")
 *   onMessage(frame), onEnd(code) for closes that must not be retried
 */
export class LiveSocket {
  constructor({ path, since, onMessage, onEnd }) {
    Object.assign(this, { path, onMessage, onEnd });
    this.since = since;
    this.welcome = null;
    this.attempt = 0;
    this.live = false;
    this.closed = false;
    this.outbox = [];
    this.retry = () => this.connect();
    addEventListener('online', this.retry);
    addEventListener('offline', updateConnection);
    open.add(this);
    updateConnection();
    this.connect();
  }

  async connect() {
    clearTimeout(this.timer);
    if (this.closed || this.ws) return;
    const path = await this.path(this.refused && navigator.onLine);
    if (this.closed || this.ws) return;
    if (!path) return this.end(4001);
    const url = new URL(path, location.href);
    url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.since) url.searchParams.set('since', this.since);
    const ws = new WebSocket(url);
    this.ws = ws;
    this.refused = true;
    ws.onopen = () => { this.refused = false; };
    ws.onmessage = (event) => this.receive(event.data);
    ws.onclose = (event) => this.dropped(ws, event.code);
  }

  receive(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (!this.live) {
      this.live = true;
      this.attempt = 0;
      updateConnection();
      for (const queued of this.outbox.splice(0)) this.ws.send(queued);
    }
    if (frame.type === 'welcome') {
      this.welcome = frame.id;
      return;
    }
    if (frame.type === 'resync_required') {
      // What was missed is gone from the stream: the owner reloads, and we carry on from now.
      this.since = this.welcome;
    } else if (frame.id && frame.type !== 'chat_ack') {
      // An ack names the id of a message still to come on this socket: not a position.
      if (this.since && !after(frame.id, this.since)) return;
      this.since = frame.id;
    }
    this.onMessage(frame);
  }

  dropped(ws, code) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.live = false;
    if (!this.since && this.welcome) this.since = this.welcome;
    updateConnection();
    if (this.closed) return;
    // 4001: the login session ended, and its token will only be refused again.
    if (code === 4001) return this.end(code);
    const delay = Math.min(LAST_DELAY, FIRST_DELAY * 2 ** this.attempt++);
    this.timer = setTimeout(this.retry, delay / 2 + Math.random() * (delay / 2));
  }

  /** Sends now, or once connected again. */
  send(frame) {
    const text = JSON.stringify(frame);
    if (this.live && this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
    else this.outbox.push(text);
  }

  end(code) {
    this.close();
    this.onEnd?.(code);
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    removeEventListener('online', this.retry);
    removeEventListener('offline', updateConnection);
    open.delete(this);
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      ws.onmessage = null;
      // Closing while still connecting makes the browser log an error: wait for the open.
      if (ws.readyState === WebSocket.CONNECTING) ws.onopen = () => ws.close(1000);
      else ws.close(1000);
    }
    updateConnection();
  }
}
