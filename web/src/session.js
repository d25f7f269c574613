import { createStore } from './store.js';
import { request } from './api.js';

const KEY = 'barbershop.session';

function load() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

/** The logged-in user: tokens, user_id, role, name, barber_name; null for a visitor. */
export const session = createStore(load());

function save(value) {
  if (value) localStorage.setItem(KEY, JSON.stringify(value));
  else localStorage.removeItem(KEY);
  session.set(value);
}

// Another tab that refreshed or logged out has the newer truth.
addEventListener('storage', (event) => {
  if (event.key === KEY) session.set(load());
});

export function forget() {
  save(null);
}

function fromLogin(answer, previous = {}) {
  return {
    ...previous,
    token: answer.token,
    refresh_token: answer.refresh_token,
    expires_at: answer.expires_at,
    user_id: answer.user_id,
    role: answer.role,
  };
}

export async function login(email, password) {
  const answer = await request('POST', '/v1/sessions', { body: { email, password } });
  const profile = await request('GET', '/v1/profile', { token: answer.token });
  save({ ...fromLogin(answer), name: profile.username, barber_name: profile.barber_name });
}

export async function signup(username, email, password) {
  await request('POST', '/v1/accounts', { body: { username, email, password } });
  await login(email, password);
}

export async function logout() {
  const current = session.get();
  forget();
  if (current) await request('POST', '/v1/sessions/logout', { token: current.token }).catch(() => {});
}

const expiresSoon = (value) => new Date(value.expires_at).getTime() - Date.now() < 60_000;

let refreshing = null;

async function refreshNow() {
  // A refresh token works once: tabs take turns, and a tab that waited uses what the
  // other one got rather than spending the same token twice (which would end the session).
  const stored = load();
  const current = session.get();
  if (!current || !stored || stored.user_id !== current.user_id) return false;
  if (stored.refresh_token !== current.refresh_token && !expiresSoon(stored)) {
    session.set(stored);
    return true;
  }
  try {
    save(fromLogin(await request('POST', '/v1/sessions/refresh', { body: { refresh_token: stored.refresh_token } }), stored));
    return true;
  } catch (error) {
    if (error.status === 401) forget();
    return false;
  }
}

/** A new access token; false when the session cannot go on. One refresh at a time. */
export function refresh() {
  refreshing ??= (navigator.locks ? navigator.locks.request(KEY, refreshNow) : refreshNow())
    .finally(() => { refreshing = null; });
  return refreshing;
}

/** The access token, refreshed first when it is about to expire. */
export async function freshToken() {
  const current = session.get();
  if (current && expiresSoon(current)) await refresh();
  return session.get()?.token;
}
