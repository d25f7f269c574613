import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { LiveSocket } from '../socket.js';
import { clock } from '../time.js';

/** A barber's free starts on a shop day, kept current by the availability stream. */
export function useLiveSlots(barberId, day, service) {
  const [slots, setSlots] = useState(null);
  useEffect(() => {
    setSlots(null);
    if (!barberId || !day) return undefined;
    const query = new URLSearchParams({ date: day });
    if (service) query.set('service', service);
    // Each frame carries the whole list: a slot someone else took is simply not in it.
    const socket = new LiveSocket({
      path: async () => `/websocket/barber/${encodeURIComponent(barberId)}/availability?${query}`,
      onMessage: (frame) => { if (Array.isArray(frame.slots)) setSlots(frame.slots); },
    });
    return () => socket.close();
  }, [barberId, day, service]);
  return slots;
}

export function SlotList({ slots, onPick, busy }) {
  if (slots === null) return html`<p class="muted">Loading free times…</p>`;
  if (slots.length === 0) return html`<p>No free times on this day</p>`;
  return html`
    <ul class="slots" aria-label="Free times">
      ${slots.map((slot) => html`
        <li key=${slot}><button type="button" class="slot" disabled=${busy} onClick=${() => onPick(slot)}>${clock(slot)}</button></li>`)}
    </ul>`;
}
