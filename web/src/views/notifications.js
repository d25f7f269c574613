import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { post, q } from '../api.js';
import { inbox, markAllRead } from '../inbox.js';
import { navigate } from '../router.js';
import { useStore } from '../store.js';
import { dayTitle, when } from '../time.js';
import { Notice, Page, useAction } from './ui.js';

// The service writes days as "2026-12-08 at 11:00"; the app writes them out everywhere.
const writtenOut = (text) => text.replace(/(\d{4}-\d{2}-\d{2}) at (\d{2}:\d{2})/g, (_, day, time) => `${dayTitle(day)}, ${time}`);

/** A time held for the customer on the waitlist: claim it (it becomes their booking) or pass it on. */
function Offer({ entry }) {
  const [outcome, run] = useAction();
  const claim = () => run(async () => {
    const booked = await post(`/v1/holds/${q(entry.hold_id)}/claim`);
    navigate(`/appointments/${booked.appointment_id}`);
  }, 'Booked.');
  const pass = () => run(() => post(`/v1/holds/${q(entry.hold_id)}/pass`), 'Passed on to the next in line.');
  const label = when(entry.appointment_date_time);
  return html`
    <div class="actions">
      <button type="button" class="primary" onClick=${claim} disabled=${outcome.busy} aria-label=${`Claim ${label}`}>Claim</button>
      <button type="button" onClick=${pass} disabled=${outcome.busy} aria-label=${`Pass ${label}`}>Pass</button>
    </div>
    <${Notice} ...${outcome} />`;
}

export function NotificationsPage() {
  const { notifications, unread } = useStore(inbox);
  // Seen as soon as they are on screen, including those arriving while it is open.
  useEffect(() => {
    if (unread > 0) markAllRead();
  }, [unread]);
  return html`
    <${Page} title="Notifications">
      ${notifications.length === 0 ? html`<p class="muted">No notifications yet.</p>` : html`
        <ul class="notifications">
          ${notifications.map((entry) => html`
            <li key=${entry.id} class=${entry.urgent ? 'urgent' : ''}>
              <p>${entry.urgent && html`<strong>Urgent: </strong>`}${writtenOut(entry.message)}</p>
              <p class="muted">${entry.occurred_at ? when(entry.occurred_at) : ''}</p>
              ${entry.kind === 'waitlist_offer' ? html`<${Offer} entry=${entry} />` : html`
                <a href=${`#/appointments/${entry.appointment_id}`}
                  aria-label=${entry.appointment_date_time ? `Open appointment at ${when(entry.appointment_date_time)}` : 'Open the appointment'}>Open</a>`}
            </li>`)}
        </ul>`}
    <//>`;
}
