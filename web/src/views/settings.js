import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { del, get, post, put, q } from '../api.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { WEEKDAYS, addDays, when } from '../time.js';
import { money } from './book.js';
import { CalendarLink } from './calendar.js';
import { Field, Notice, Page, useAction, useLoad } from './ui.js';

const toCents = (text) => Math.round(Number(String(text).replace(',', '.')) * 100);

function Hours({ barber, onSaved }) {
  const [name, setName] = useState(barber.name);
  const [autoConfirm, setAutoConfirm] = useState(barber.auto_confirm);
  const [hours, setHours] = useState(barber.hours);
  const [outcome, run] = useAction();
  const update = (index, change) => setHours(hours.map((item, at) => (at === index ? { ...item, ...change } : item)));
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      await post('/v1/barbers', { name: name.trim(), hours, auto_confirm: autoConfirm });
      onSaved();
    }, 'Working hours saved.');
  };
  return html`
    <section class="panel" aria-labelledby="hours-title">
      <h2 id="hours-title">Working hours</h2>
      <form onSubmit=${save}>
        <${Field} id="barber-name" label="Name clients book you by" value=${name} onInput=${(event) => setName(event.currentTarget.value)} />
        <div class="check">
          <input id="auto-confirm" type="checkbox" checked=${autoConfirm} onChange=${(event) => setAutoConfirm(event.currentTarget.checked)} />
          <label for="auto-confirm">Confirm new bookings at once</label>
        </div>
        <ul class="week">
          ${WEEKDAYS.map((dayName, dayIndex) => {
            const weekday = dayIndex + 1;
            const rows = hours.map((item, index) => ({ item, index })).filter(({ item }) => item.weekday === weekday);
            return html`
              <li key=${weekday}>
                <span class="weekday">${dayName}</span>
                <div class="intervals">
                  ${rows.length === 0 && html`<span class="muted">Closed</span>`}
                  ${rows.map(({ item, index }) => html`
                    <div class="interval" key=${index}>
                      <input type="time" aria-label=${`${dayName} opens`} value=${item.opens} required
                        onChange=${(event) => update(index, { opens: event.currentTarget.value })} />
                      <span aria-hidden="true">to</span>
                      <input type="time" aria-label=${`${dayName} closes`} value=${item.closes} required
                        onChange=${(event) => update(index, { closes: event.currentTarget.value })} />
                      <button type="button" class="secondary" aria-label=${`Remove ${dayName} ${item.opens} to ${item.closes}`}
                        onClick=${() => setHours(hours.filter((_, at) => at !== index))}>Remove</button>
                    </div>`)}
                  <button type="button" class="secondary" aria-label=${`Add hours on ${dayName}`}
                    onClick=${() => setHours([...hours, { weekday, opens: '09:00', closes: '18:00' }])}>Add</button>
                </div>
              </li>`;
          })}
        </ul>
        <${Notice} ...${outcome} />
        <button type="submit" class="primary" disabled=${outcome.busy}>Save hours</button>
      </form>
    </section>`;
}

const RULES = [
  { key: 'grid_minutes', label: 'Slots start every (minutes)', min: 5, max: 240, step: 5 },
  { key: 'buffer_minutes', label: 'Free time after each appointment (minutes)', min: 0, max: 240, step: 5 },
  { key: 'min_notice_minutes', label: 'Book at least this far ahead (minutes)', min: 0, max: 43200, step: 1 },
  { key: 'horizon_days', label: 'Book at most this far ahead (days)', min: 1, max: 730, step: 1 },
  { key: 'cancel_notice_minutes', label: 'Clients cancel or move up to (minutes before)', min: 0, max: 10080, step: 1 },
];

function Rules({ barber, onSaved }) {
  const [rules, setRules] = useState(() => Object.fromEntries(RULES.map(({ key }) => [key, String(barber.rules?.[key] ?? '')])));
  const [outcome, run] = useAction();
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      const chosen = Object.fromEntries(RULES.map(({ key }) => [key, Number(rules[key])]));
      await post('/v1/barbers', { name: barber.name, hours: barber.hours, auto_confirm: barber.auto_confirm, rules: chosen });
      onSaved();
    }, 'Booking rules saved.');
  };
  return html`
    <section class="panel" aria-labelledby="rules-title">
      <h2 id="rules-title">Booking rules</h2>
      <form class="row" onSubmit=${save}>
        ${RULES.map(({ key, label, min, max, step }) => html`
          <${Field} key=${key} id=${`rule-${key}`} label=${label} type="number" inputmode="numeric" required
            min=${min} max=${max} step=${step} value=${rules[key]}
            onInput=${(event) => setRules({ ...rules, [key]: event.currentTarget.value })} />`)}
        <div class="actions"><button type="submit" class="primary" disabled=${outcome.busy}>Save rules</button></div>
      </form>
      <${Notice} ...${outcome} />
    </section>`;
}

function ServiceRow({ barberName, service, onChange }) {
  const [minutes, setMinutes] = useState(String(service.duration_minutes));
  const [price, setPrice] = useState(money(service.price_cents));
  const [outcome, run] = useAction();
  const id = `service-${service.name.replace(/\W+/g, '-')}`;
  const save = (event) => {
    event.preventDefault();
    run(async () => {
      await put(`/v1/barbers/${q(barberName)}/services`, {
        service: { name: service.name, duration_minutes: Number(minutes), price_cents: toCents(price) },
      });
      onChange();
    }, `${service.name} saved.`);
  };
  const remove = () => run(async () => {
    await del(`/v1/barbers/${q(barberName)}/services/${q(service.name)}`);
    onChange();
  }, `${service.name} removed.`);
  return html`
    <li>
      <form class="row" onSubmit=${save}>
        <span class="service-name" id=${`${id}-name`}>${service.name}</span>
        <${Field} id=${`${id}-minutes`} label="Minutes" aria-labelledby=${`${id}-name ${id}-minutes-label`} type="number" min="5" max="480" step="5" value=${minutes}
          onInput=${(event) => setMinutes(event.currentTarget.value)} />
        <${Field} id=${`${id}-price`} label="Price" aria-labelledby=${`${id}-name ${id}-price-label`} inputmode="decimal" value=${price}
          onInput=${(event) => setPrice(event.currentTarget.value)} />
        <div class="actions">
          <button type="submit" class="primary" aria-label=${`Save ${service.name}`} disabled=${outcome.busy}>Save</button>
          <button type="button" class="secondary" aria-label=${`Remove ${service.name}`} disabled=${outcome.busy} onClick=${remove}>Remove</button>
        </div>
      </form>
      <${Notice} ...${outcome} />
    </li>`;
}

function Services({ barber, onChange }) {
  const [draft, setDraft] = useState({ name: '', minutes: '30', price: '' });
  const [outcome, run] = useAction();
  const bind = (field) => ({ value: draft[field], onInput: (event) => setDraft({ ...draft, [field]: event.currentTarget.value }) });
  const add = (event) => {
    event.preventDefault();
    const name = draft.name.trim();
    run(async () => {
      await put(`/v1/barbers/${q(barber.name)}/services`, {
        service: { name, duration_minutes: Number(draft.minutes), price_cents: toCents(draft.price || 0) },
      });
      setDraft({ name: '', minutes: '30', price: '' });
      onChange();
    }, `${name} added.`);
  };
  return html`
    <section class="panel" aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      ${barber.services.length === 0 ? html`<p class="muted">No services yet: clients book 30 minutes.</p>` : html`
        <ul class="services">
          ${barber.services.map((service) => html`
            <${ServiceRow} key=${service.name}
              barberName=${barber.name} service=${service} onChange=${onChange} />`)}
        </ul>`}
      <h3>Add a service</h3>
      <form class="row" onSubmit=${add}>
        <${Field} id="new-service-name" label="Service name" ...${bind('name')} />
        <${Field} id="new-service-minutes" label="Minutes" type="number" min="5" max="480" step="5" ...${bind('minutes')} />
        <${Field} id="new-service-price" label="Price" inputmode="decimal" placeholder="25.00" ...${bind('price')} />
        <div class="actions"><button type="submit" class="primary" disabled=${outcome.busy}>Add service</button></div>
      </form>
      <${Notice} ...${outcome} />
    </section>`;
}

function TimeOff({ barber }) {
  const list = useLoad(() => get(`/v1/barbers/${q(barber.name)}/time-off`), [barber.name]);
  const [draft, setDraft] = useState({ fromDay: '', fromTime: '', toDay: '', toTime: '', reason: '' });
  const [outcome, run] = useAction();
  const bind = (field) => ({ value: draft[field], onInput: (event) => setDraft({ ...draft, [field]: event.currentTarget.value }) });
  const add = (event) => {
    event.preventDefault();
    const toDay = draft.toDay || draft.fromDay;
    if (!draft.fromDay) {
      run(() => Promise.reject(new Error('Pick the first day off.')));
      return;
    }
    // Without a time, the days are whole: off from the first day's start to the end of the last.
    const from = draft.fromTime ? `${draft.fromDay}T${draft.fromTime}` : draft.fromDay;
    const to = draft.toTime ? `${toDay}T${draft.toTime}` : addDays(toDay, 1);
    run(async () => {
      await post(`/v1/barbers/${q(barber.name)}/time-off`, { from, to, reason: draft.reason.trim() });
      setDraft({ fromDay: '', fromTime: '', toDay: '', toTime: '', reason: '' });
      list.reload();
    }, 'Time off added.');
  };
  const remove = (item) => run(async () => {
    await del(`/v1/time-off/${q(item.time_off_id)}`);
    list.reload();
  }, 'Time off removed.');
  const items = list.data?.time_off || [];
  return html`
    <section class="panel" aria-labelledby="time-off-title">
      <h2 id="time-off-title">Time off</h2>
      <${Notice} error=${list.error} />
      ${items.length === 0 ? html`<p class="muted">No time off ahead.</p>` : html`
        <ul class="time-off">
          ${items.map((item) => html`
            <li key=${item.time_off_id}>
              <span>${when(item.from)} to ${when(item.to)}${item.reason ? ` (${item.reason})` : ''}</span>
              <button type="button" class="secondary" aria-label=${`Remove time off from ${when(item.from)}`}
                disabled=${outcome.busy} onClick=${() => remove(item)}>Remove</button>
            </li>`)}
        </ul>`}
      <h3>Add time off</h3>
      <form class="row" onSubmit=${add}>
        <${Field} id="off-from-day" label="From day" type="date" ...${bind('fromDay')} />
        <${Field} id="off-from-time" label="From time (optional)" type="time" ...${bind('fromTime')} />
        <${Field} id="off-to-day" label="To day" type="date" ...${bind('toDay')} />
        <${Field} id="off-to-time" label="Until time (optional)" type="time" ...${bind('toTime')} />
        <${Field} id="off-reason" label="Reason (optional)" maxlength="200" ...${bind('reason')} />
        <div class="actions"><button type="submit" class="primary" disabled=${outcome.busy}>Add time off</button></div>
      </form>
      <${Notice} ...${outcome} />
    </section>`;
}

export function SettingsPage() {
  const user = useStore(session);
  const { data, error, reload } = useLoad(() => get('/v1/barbers'), []);
  const barber = data?.barbers.find((item) => item.barber_id === user?.user_id);
  return html`
    <${Page} title="Settings">
      <${Notice} error=${error} />
      ${!data ? !error && html`<p class="muted">Loading…</p>`
        : !barber ? html`<p>This account has no barber's chair.</p>` : html`
          <${Hours} barber=${barber} onSaved=${reload} />
          <${Rules} barber=${barber} onSaved=${reload} />
          <${Services} barber=${barber} onChange=${reload} />
          <${TimeOff} barber=${barber} />
          <${CalendarLink} />`}
    <//>`;
}
