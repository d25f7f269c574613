import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { get, patch, post, q } from '../api.js';
import { onAppointmentChange } from '../inbox.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { shopDay, when, isValidDay } from '../time.js';
import { BarberActions, isLive } from './appointments.js';
import { explainTaken, money } from './book.js';
import { Chat } from './chat.js';
import { useLiveSlots, SlotList } from './slots.js';
import { Notice, Page, useLoad, useAction } from './ui.js';

function Move({ item, onMoved }) {
  const [day, setDay] = useState(shopDay(item.date_time));
  const { slots, stale } = useLiveSlots(item.barber_id, isValidDay(day) ? day : '', item.service);
  const [outcome, run] = useAction();
  const move = (slot) => run(async () => {
    try {
      const answer = await patch(`/v1/appointments/${q(item.appointment_id)}`, { date_time: slot });
      onMoved(`Moved to ${when(answer.appointment.date_time)}.`);
      return answer;
    } catch (failure) {
      throw explainTaken(failure);
    }
  });
  return html`
    <section aria-labelledby="move-title" class="panel">
      <h2 id="move-title">Move to another time</h2>
      <div class="field">
        <label for="move-day">New day</label>
        <input id="move-day" type="date" min=${shopDay()} value=${day} onChange=${(event) => setDay(event.currentTarget.value)} />
      </div>
      <${SlotList} slots=${slots} stale=${stale} onPick=${move} busy=${outcome.busy} />
      <${Notice} ...${outcome} />
    </section>`;
}

export function AppointmentPage({ id }) {
  const user = useStore(session);
  const { data, error, reload } = useLoad(() => get(`/v1/appointments/${q(id)}`), [id]);
  const [moving, setMoving] = useState(false);
  const [outcome, run, setOutcome] = useAction();
  useEffect(() => onAppointmentChange((frame) => {
    if (!frame || frame.appointment_id === id) reload();
  }), [id, reload]);

  const item = data?.appointment;
  if (!item) {
    return html`<${Page} title="Appointment">${error ? html`<${Notice} error=${error} />` : html`<p class="muted">Loading…</p>`}<//>`;
  }
  const asBarber = user?.user_id === item.barber_id;
  const cancel = () => run(async () => {
    await post(`/v1/appointments/${q(id)}/cancel`);
    setMoving(false);
    reload();
  }, 'The appointment is cancelled.');

  return html`
    <${Page} title=${`${item.service || 'Appointment'} with ${asBarber ? item.client_name : item.barber_name}`}>
      <section class="panel" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="details">
          <dt>When</dt><dd>${when(item.date_time)}</dd>
          <dt>Barber</dt><dd>${item.barber_name}</dd>
          <dt>Client</dt><dd>${item.client_name}</dd>
          <dt>Service</dt><dd>${item.service || 'Appointment'}${Number(item.price_cents) ? `, ${money(item.price_cents)}` : ''}</dd>
          <dt>Status</dt><dd><span class=${`status status-${item.status}`}>${item.status}</span></dd>
        </dl>
        <${Notice} error=${error} />
        ${isLive(item) && html`
          <div class="actions">
            <button type="button" class="primary" aria-expanded=${moving} onClick=${() => setMoving(!moving)}>Move</button>
            <button type="button" class="secondary" disabled=${outcome.busy} onClick=${cancel}>Cancel appointment</button>
          </div>`}
        ${asBarber && isLive(item) && html`
          <h3>Barber actions</h3>
          <${BarberActions} item=${item} onDone=${reload} skip="cancel" />`}
        <${Notice} ...${outcome} />
      </section>
      ${moving && isLive(item) && html`<${Move} item=${item} onMoved=${(text) => {
        setMoving(false);
        setOutcome({ ok: text });
        reload();
      }} />`}
      <${Chat} appointment=${item} me=${user?.user_id} />
    <//>`;
}
