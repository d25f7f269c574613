import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { post } from '../api.js';
import { Notice, useAction } from './ui.js';

/**
 * The account's calendar link: a secret address of an iCalendar feed of its appointments,
 * for Google Calendar, Apple Calendar and the like to subscribe to.  The server keeps only
 * a hash of it, so it is shown once, when made; making a new one ends the old one.
 */
export function CalendarLink() {
  const [link, setLink] = useState('');
  const [outcome, run] = useAction();
  const make = () => run(async () => {
    const made = await post('/v1/profile/calendar-link');
    setLink(`${window.location.origin}${made.path}`);
  }, 'New calendar link made. Any link made before no longer works.');
  return html`
    <section class="panel" aria-labelledby="calendar-title">
      <h2 id="calendar-title">Calendar link</h2>
      <p class="muted">Subscribe to your appointments from Google Calendar, Apple Calendar or Outlook with a secret
        link. Keep it to yourself: anyone with it sees your appointments. It is shown only once; making a new one
        stops the old one.</p>
      ${link && html`
        <div class="field">
          <label for="calendar-link">Your calendar link</label>
          <input id="calendar-link" readonly value=${link} onFocus=${(event) => event.currentTarget.select()} />
        </div>`}
      <div class="actions">
        <button type="button" onClick=${make} disabled=${outcome.busy}>Make a new calendar link</button>
      </div>
      <${Notice} ...${outcome} />
    </section>`;
}
