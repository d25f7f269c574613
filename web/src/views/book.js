import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { session } from '../session.js';
import { createStore, useStore } from '../store.js';
import { shopDay, when, dayTitle, isValidDay } from '../time.js';
import { Field, Notice, Page, useLoad, useAction } from './ui.js';
import { useLiveSlots, SlotList } from './slots.js';

// Kept outside the page so that a visitor who logs in to book comes back to their choice.
const choice = createStore({ barberId: '', service: '', day: shopDay() });

export const money = (cents) => (Number(cents) / 100).toFixed(2);

/** A refused booking or move, told the way a customer thinks of it. */
export function explainTaken(failure) {
  if (failure.status === 409) {
    failure.message = /client already/i.test(failure.message)
      ? 'You already have an appointment at that time — pick another.'
      : 'That time was just taken — pick another.';
  }
  return failure;
}

export function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Waiting in line for a time on the day: a freed time in the window is held for the customer and told live. */
function JoinWaitlist({ barber, service, day }) {
  const [from, setFrom] = useState('09:00');
  const [to, setTo] = useState('18:00');
  const [outcome, run] = useAction();
  const join = (event) => {
    event.preventDefault();
    run(() => post('/v1/waitlist', { barber_name: barber.name, date: day, from, to, service }),
      (answer) => (answer.entry?.hold
        ? html`A time is held for you: ${when(answer.entry.hold.date_time)}. Claim it from <a href="#/notifications">Notifications</a>.`
        : 'You are in line: when a time in your window frees up, it is held for you and you are told here.'));
  };
  return html`
    <form class="row" onSubmit=${join} aria-labelledby="waitlist-title">
      <h3 id="waitlist-title">Wait for a time</h3>
      <${Field} id="waitlist-from" label="From" type="time" required value=${from} onInput=${(event) => setFrom(event.currentTarget.value)} />
      <${Field} id="waitlist-to" label="To" type="time" required value=${to} onInput=${(event) => setTo(event.currentTarget.value)} />
      <div class="actions"><button type="submit" disabled=${outcome.busy}>Join the waitlist</button></div>
      <${Notice} ...${outcome} />
    </form>`;
}

export function BookPage() {
  const user = useStore(session);
  const picked = useStore(choice);
  const { day } = picked;
  const { data, error } = useLoad(() => get('/v1/barbers'), []);
  const barbers = data?.barbers || [];
  // What was picked, while it is still offered; else the first barber and service.
  const barber = barbers.find((candidate) => candidate.barber_id === picked.barberId) || barbers[0];
  const services = barber?.services || [];
  const service = services.some((item) => item.name === picked.service) ? picked.service : services[0]?.name || '';
  const [outcome, run, setOutcome] = useAction();
  const [wanted, setWanted] = useState(null);

  const { slots, stale } = useLiveSlots(barber?.barber_id, isValidDay(day) ? day : '', service);
  const change = (field) => (event) => {
    setOutcome({ ok: null, error: null, busy: false });
    setWanted(null);
    choice.set({ barberId: barber?.barber_id, service, day, [field]: event.currentTarget.value });
  };

  const book = (slot) => {
    if (!user) {
      setWanted(slot);
      return;
    }
    run(async () => {
      try {
        return await post('/v1/appointments', { date_time: slot, barber_name: barber.name, service },
          { headers: { 'Idempotency-Key': idempotencyKey() } });
      } catch (failure) {
        throw explainTaken(failure);
      }
    }, (answer) => html`Booked: ${service || 'an appointment'} with ${barber.name} on ${when(answer.appointment.date_time)}${
      answer.appointment.status === 'pending' ? ', waiting for the barber to confirm' : ''}.${' '}
      <a href=${`#/appointments/${answer.appointment_id}`}>View this appointment</a>`);
  };

  return html`
    <${Page} title="Book a visit">
      ${error && html`<p role="alert" class="notice error">${error}</p>`}
      <form class="choices" onSubmit=${(event) => event.preventDefault()}>
        <div class="field">
          <label for="barber">Barber</label>
          <select id="barber" value=${barber?.barber_id} onChange=${change('barberId')}>
            ${barbers.map((item) => html`<option key=${item.barber_id} value=${item.barber_id}>${item.name}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="service">Service</label>
          <select id="service" value=${service} onChange=${change('service')}>
            ${services.map((item) => html`
              <option key=${item.name} value=${item.name}>${item.name} (${item.duration_minutes} min, ${money(item.price_cents)})</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="day">Day</label>
          <input id="day" type="date" min=${shopDay()} value=${day} onChange=${change('day')} />
        </div>
      </form>
      <section>
        <h2>${isValidDay(day) ? `Free times on ${dayTitle(day)}` : 'Free times'}</h2>
        <p class="muted">Tap a time to book it. Times are the shop's (Chisinau).</p>
        <${SlotList} slots=${barber ? slots : []} stale=${stale} onPick=${book} busy=${outcome.busy} />
        ${wanted && html`
          <p class="notice">To book ${when(wanted)}, <a href="#/login">log in to book</a> or <a href="#/signup">sign up to book</a>.</p>`}
        <${Notice} ...${outcome} />
        ${user && barber && isValidDay(day) && html`<${JoinWaitlist} barber=${barber} service=${service} day=${day} />`}
      </section>
    <//>`;
}
