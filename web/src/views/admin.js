import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { get, post } from '../api.js';
import { Field, Notice, Page, useAction, useLoad } from './ui.js';

// What a new chair starts with; the barber changes it in their settings.
const USUAL_HOURS = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' }));

export function AdminPage() {
  const barbers = useLoad(() => get('/v1/barbers'), []);
  const [userId, setUserId] = useState('');
  const [name, setName] = useState('');
  const [usual, setUsual] = useState(true);
  const [outcome, run, setOutcome] = useAction();
  const submit = (event) => {
    event.preventDefault();
    if (!userId.trim() || !name.trim()) {
      setOutcome({ error: 'Enter the user id and the barber name.' });
      return;
    }
    run(async () => {
      const answer = await post('/v1/barbers', { user_id: userId.trim(), name: name.trim(), hours: usual ? USUAL_HOURS : [] });
      setUserId('');
      setName('');
      barbers.reload();
      return answer;
    }, (answer) => `${answer.barber.name} is now a barber. They log in again to work as one.`);
  };
  return html`
    <${Page} title="Admin">
      <section class="panel" aria-labelledby="make-barber-title">
        <h2 id="make-barber-title">Make a user a barber</h2>
        <form onSubmit=${submit} novalidate>
          <${Field} id="admin-user-id" label="User id" autocomplete="off" spellcheck="false" value=${userId}
            hint="The account's id, e.g. 3f2b9c1e-8d4a-4b6f-9e2d-1a7c5b3e9f01." onInput=${(event) => setUserId(event.currentTarget.value)} />
          <${Field} id="admin-barber-name" label="Barber name" value=${name}
            hint="The name clients book by." onInput=${(event) => setName(event.currentTarget.value)} />
          <div class="check">
            <input id="admin-usual-hours" type="checkbox" checked=${usual} onChange=${(event) => setUsual(event.currentTarget.checked)} />
            <label for="admin-usual-hours">Start with Monday to Saturday, 09:00 to 18:00</label>
          </div>
          <${Notice} ...${outcome} />
          <button type="submit" class="primary" disabled=${outcome.busy}>Make barber</button>
        </form>
      </section>
      <section class="panel" aria-labelledby="barbers-title">
        <h2 id="barbers-title">Barbers</h2>
        <${Notice} error=${barbers.error} />
        <ul class="plain">
          ${(barbers.data?.barbers || []).map((barber) => html`
            <li key=${barber.barber_id}><strong>${barber.name}</strong> <span class="muted mono">${barber.barber_id}</span></li>`)}
        </ul>
      </section>
    <//>`;
}
