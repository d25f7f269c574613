import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { inbox } from './inbox.js';
import { route, navigate, loginFor } from './router.js';
import { session, logout } from './session.js';
import { connection } from './socket.js';
import { useStore } from './store.js';
import { AdminPage } from './views/admin.js';
import { AppointmentPage } from './views/appointment.js';
import { MyAppointmentsPage } from './views/appointments.js';
import { LoginPage, SignupPage, homeOf } from './views/auth.js';
import { BarberPage } from './views/barber.js';
import { BookPage } from './views/book.js';
import { NotificationsPage } from './views/notifications.js';
import { SettingsPage } from './views/settings.js';
import { Page } from './views/ui.js';

const ROUTES = [
  [/^\/$/, () => html`<${BookPage} />`],
  [/^\/login$/, () => html`<${LoginPage} />`, 'visitor'],
  [/^\/signup$/, () => html`<${SignupPage} />`, 'visitor'],
  [/^\/appointments$/, () => html`<${MyAppointmentsPage} />`, 'user'],
  [/^\/appointments\/([\w-]+)$/, (id) => html`<${AppointmentPage} key=${id} id=${id} />`, 'user'],
  [/^\/notifications$/, () => html`<${NotificationsPage} />`, 'user'],
  [/^\/barber$/, () => html`<${BarberPage} />`, 'barber'],
  [/^\/barber\/settings$/, () => html`<${SettingsPage} />`, 'barber'],
  [/^\/admin$/, () => html`<${AdminPage} />`, 'admin'],
];

function links(user, unread) {
  const notifications = ['#/notifications', 'Notifications', unread];
  if (!user) return [['#/', 'Book'], ['#/login', 'Log in'], ['#/signup', 'Sign up']];
  if (user.role === 'barber') return [['#/barber', 'My day'], ['#/barber/settings', 'Settings'], notifications, ['#/logout', 'Log out']];
  const own = [['#/', 'Book'], ['#/appointments', 'My appointments'], notifications];
  if (user.role === 'admin') own.push(['#/admin', 'Admin']);
  return [...own, ['#/logout', 'Log out']];
}

function Header({ user, path }) {
  const { unread } = useStore(inbox);
  const status = useStore(connection);
  return html`
    <header class="top">
      <a class="skip" href="#main" onClick=${(event) => { event.preventDefault(); document.getElementById('page-title')?.focus(); }}>Skip to content</a>
      <a class="brand" href=${`#${homeOf(user?.role)}`}>Barbershop</a>
      <nav aria-label="Main">
        <ul>
          ${links(user, unread).map(([href, label, count]) => html`
            <li key=${href}>
              <a href=${href} aria-current=${href === `#${path}` ? 'page' : undefined}
                aria-label=${count ? `${label}, ${count} unread` : undefined}>
                ${label}${count ? html` <span class="badge" aria-hidden="true">${count}</span>` : ''}
              </a>
            </li>`)}
        </ul>
      </nav>
      ${status && html`<span role="status" aria-label="Connection" class=${`connection connection-${status === 'Live' ? 'live' : 'down'}`}>${status}</span>`}
    </header>`;
}

function Refused({ text }) {
  return html`<${Page} title="Not here">${text && html`<p>${text}</p>`}<p><a href="#/">Back to booking</a></p><//>`;
}

function Screen({ user, path }) {
  const match = ROUTES.map(([pattern, view, who]) => [path.match(pattern), view, who]).find(([found]) => found);
  const who = match?.[2];
  const redirect = (who === 'user' || who === 'barber' || who === 'admin') && !user ? 'login'
    : path === '/logout' ? 'logout' : null;
  useEffect(() => {
    if (redirect === 'login') loginFor(path);
    else if (redirect === 'logout') {
      logout();
      // Replaced, so that Back never lands on the logout address again.
      navigate('/', { replace: true });
    }
  }, [redirect, path]);
  if (redirect) return null;
  if (!match) return html`<${Refused} text="There is no such page." />`;
  if (who === 'visitor' && user) {
    return html`<${Page} title="Welcome">
      <p>You are logged in as ${user.name}. <a href=${`#${homeOf(user.role)}`}>Carry on</a></p><//>`;
  }
  if ((who === 'barber' || who === 'admin') && user.role !== who) {
    return html`<${Refused} text=${who === 'barber' ? 'This page is for barbers.' : 'This page is for the shop\'s admins.'} />`;
  }
  return match[1](...match[0].slice(1));
}

function App() {
  const user = useStore(session);
  const path = useStore(route);
  const first = useRef(true);
  // After a change of page, keyboard and screen reader users start at its heading.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    requestAnimationFrame(() => document.getElementById('page-title')?.focus());
  }, [path]);
  return html`
    <${Header} user=${user} path=${path} />
    <main id="main"><${Screen} user=${user} path=${path} /></main>
    <footer class="bottom"><p>Times are the shop's, in Chisinau.</p></footer>`;
}

render(html`<${App} />`, document.getElementById('app'));
