import { html } from 'htm/preact';
import { createStore, useStore } from '../store.js';
import { addDays, dayTitle, isValidDay, shopDay, weekday } from '../time.js';
import { AppointmentList, useAppointments } from './appointments.js';
import { Notice, Page } from './ui.js';

const view = createStore({ day: shopDay(), span: 'day' });

export function BarberPage() {
  const { day, span } = useStore(view);
  const valid = isValidDay(day) ? day : shopDay();
  const from = span === 'week' ? addDays(valid, 1 - weekday(valid)) : valid;
  const days = span === 'week' ? 7 : 1;
  const { data, error, reload } = useAppointments(from, addDays(from, days));
  const set = (change) => view.set({ ...view.get(), ...change });
  const step = (count) => set({ day: addDays(valid, count * days) });

  const byDay = Array.from({ length: days }, (_, index) => {
    const date = addDays(from, index);
    return { date, items: (data || []).filter((item) => shopDay(item.date_time) === date) };
  });
  const unit = span === 'week' ? 'week' : 'day';

  return html`
    <${Page} title="My day">
      <div class="toolbar">
        <div class="field">
          <label for="barber-day">Day</label>
          <input id="barber-day" type="date" value=${day} onChange=${(event) => set({ day: event.currentTarget.value })} />
        </div>
        <div class="segmented" role="group" aria-label="Show">
          <button type="button" aria-pressed=${span === 'day'} onClick=${() => set({ span: 'day' })}>Day</button>
          <button type="button" aria-pressed=${span === 'week'} onClick=${() => set({ span: 'week' })}>Week</button>
        </div>
        <div class="actions">
          <button type="button" class="secondary" onClick=${() => step(-1)}>Previous ${unit}</button>
          <button type="button" class="secondary" onClick=${() => set({ day: shopDay() })}>Today</button>
          <button type="button" class="secondary" onClick=${() => step(1)}>Next ${unit}</button>
        </div>
      </div>
      <${Notice} error=${error} />
      ${!data && !error ? html`<p class="muted">Loading…</p>` : byDay.map(({ date, items }) => html`
        <section key=${date}>
          <h2>${dayTitle(date)}${items.length ? ` (${items.length})` : ''}</h2>
          <${AppointmentList} items=${items} asBarber onChange=${reload} empty="No appointments." />
        </section>`)}
    <//>`;
}
