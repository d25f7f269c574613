import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { LiveSocket } from '../socket.js';
import { clock } from '../time.js';

/**
 * A barber's free starts on a shop day, kept current by the availability stream, and
 * whether they may be out of date (the stream could not read them: the service reads
 * them again by itself and sends the whole list once it can).
 */
export function useLiveSlots(barberId, day, service) {
  const [slots, setSlots] = useState(null);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    setSlots(null);
    setStale(false);
    if (!barberId || !day) return undefined;
    const query = new URLSearchParams({ date: day });
    if (service) query.set('service', service);
    // Each frame carries the whole list: a slot someone else took is simply not in it.
    const socket = new LiveSocket({
      path: async () => `/websocket/barber/${encodeURIComponent(barberId)}/availability?${query}`,
      onMessage: (frame) => {
        if (Array.isArray(frame.slots)) {
          setSlots(frame.slots);
          setStale(false);
        } else if (frame.type === 'error' && frame.code === 'unavailable') {
          setStale(true);
        }
      },
    });
    return () => socket.close();
  }, [barberId, day, service]);
  return { slots, stale };
}

export function SlotList({ slots, stale, onPick, busy }) {
  if (slots === null) {
    // The stream's first word was that the day could not be read: say so rather than
    // seem to load for as long as the shop's system is away.
    if (stale) return html`<p role="note" class="muted">Free times cannot be shown just now: the shop's system is not answering. They appear by themselves once it does.</p>`;
    return html`<p class="muted">Loading free times…</p>`;
  }
  const note = stale && html`
    <p role="note" class="muted">These times may be out of date: the shop's system is not answering just now. They update by themselves once it does.</p>`;
  if (slots.length === 0) return html`${note}<p>No free times on this day</p>`;
  return html`
    ${note}
    <ul class="slots" aria-label="Free times">
      ${slots.map((slot) => html`
        <li key=${slot}><button type="button" class="slot" disabled=${busy} onClick=${() => onPick(slot)}>${clock(slot)}</button></li>`)}
    </ul>`;
}
