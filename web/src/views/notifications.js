import { html } from 'htm/preact';
import { useEffect } from 'preact/hooks';
import { inbox, markAllRead } from '../inbox.js';
import { useStore } from '../store.js';
import { dayTitle, when } from '../time.js';
import { Page } from './ui.js';

// The service writes days as "2026-12-08 at 11:00"; the app writes them out everywhere.
const writtenOut = (text) => text.replace(/(\d{4}-\d{2}-\d{2}) at (\d{2}:\d{2})/g, (_, day, time) => `${dayTitle(day)}, ${time}`);

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
              <a href=${`#/appointments/${entry.appointment_id}`}
                aria-label=${entry.appointment_date_time ? `Open appointment at ${when(entry.appointment_date_time)}` : 'Open the appointment'}>Open</a>
            </li>`)}
        </ul>`}
    <//>`;
}
