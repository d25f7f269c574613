import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { get, post, q } from '../api.js';
import { onAppointmentChange } from '../inbox.js';
import { addDays, shopDay, when } from '../time.js';
import { CalendarLink } from './calendar.js';
import { Notice, Page, useLoad, useAction } from './ui.js';

/** Every appointment of the caller starting in [from, to), kept current by their stream. */
export function useAppointments(from, to) {
  const loaded = useLoad(async () => {
    const all = [];
    let start = from;
    // A list holds at most 500; the last one comes again at the top of the next page.
    for (;;) {
      const page = await get(`/v1/appointments?from=${q(start)}${to ? `&to=${q(to)}` : ''}`);
      const seen = new Set(all.map((item) => item.appointment_id));
      all.push(...page.appointments.filter((item) => !seen.has(item.appointment_id)));
      if (!page.more || !page.appointments.length) return all;
      start = page.appointments[page.appointments.length - 1].date_time.slice(0, 19);
    }
  }, [from, to]);
  useEffect(() => onAppointmentChange(() => loaded.reload()), [loaded.reload]);
  return loaded;
}

export const isLive = (item) => item.status === 'pending' || item.status === 'confirmed';

/** What a barber may do next with an appointment in this status. */
const NEXT = {
  pending: [['Confirm', 'confirm'], ['Cancel', 'cancel']],
  confirmed: [['Complete', 'complete'], ['No-show', 'no-show'], ['Cancel', 'cancel']],
};

export function BarberActions({ item, onDone, skip, children }) {
  const [outcome, run] = useAction();
  const act = (path, label) => run(async () => {
    await post(`/v1/appointments/${q(item.appointment_id)}/${path}`);
    onDone?.();
  }, `${label}: done.`);
  return html`
    <div class="actions">
      ${children}
      ${(NEXT[item.status] || []).filter(([, path]) => path !== skip).map(([label, path]) => html`
        <button type="button" key=${path} class=${path === 'cancel' || path === 'no-show' ? 'secondary' : 'primary'}
          disabled=${outcome.busy} onClick=${() => act(path, label)}>${label}</button>`)}
    </div>
    <${Notice} error=${outcome.error} />`;
}

export function AppointmentItem({ item, asBarber, onChange }) {
  const at = when(item.date_time);
  const open = html`<a class="button-link" href=${`#/appointments/${item.appointment_id}`} aria-label=${`Open appointment at ${at}`}>Open</a>`;
  return html`
    <li class="appointment">
      <div class="appointment-head">
        <p class="who">${asBarber ? item.client_name : item.barber_name}</p>
        <span class=${`status status-${item.status}`}>${item.status}</span>
      </div>
      <p class="when">${at}</p>
      <p class="what">${item.service || 'Appointment'}</p>
      ${asBarber ? html`<${BarberActions} item=${item} onDone=${onChange}>${open}<//>` : html`<div class="actions">${open}</div>`}
    </li>`;
}

export function AppointmentList({ items, asBarber, empty, onChange }) {
  if (!items.length) return html`<p class="muted">${empty}</p>`;
  return html`
    <ul class="appointments">
      ${items.map((item) => html`<${AppointmentItem} key=${item.appointment_id} item=${item} asBarber=${asBarber} onChange=${onChange} />`)}
    </ul>`;
}

export function MyAppointmentsPage() {
  const from = addDays(shopDay(), -365);
  const { data, error, reload } = useAppointments(from);
  const now = Date.now();
  const items = data || [];
  const upcoming = items.filter((item) => isLive(item) && new Date(item.end_time).getTime() > now);
  const past = items.filter((item) => !upcoming.includes(item)).reverse();
  return html`
    <${Page} title="My appointments">
      <${Notice} error=${error} />
      ${!data && !error ? html`<p class="muted">Loading…</p>` : html`
        <section aria-labelledby="upcoming-title">
          <h2 id="upcoming-title">Upcoming</h2>
          <${AppointmentList} items=${upcoming} onChange=${reload} empty=${html`Nothing booked. <a href="#/">Book a visit</a>`} />
        </section>
        <section aria-labelledby="past-title">
          <h2 id="past-title">Past and cancelled</h2>
          <${AppointmentList} items=${past} onChange=${reload} empty="Nothing here yet." />
        </section>
        <${CalendarLink} />`}
    <//>`;
}
