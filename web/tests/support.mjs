// What the browser tests share: the platform's address, accounts and barbers made over
// the JSON API, Chromium started as the platform's tests start it, pages that fail their
// test on a console error, axe-core's check and screenshots.
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const baseUrl = process.env.BARBERSHOP_WEB_URL;
const output = process.env.BARBERSHOP_WEB_OUTPUT;
if (!baseUrl || !output) {
  throw new Error('run through tests/web/browser_test.sh, which starts the platform these tests need');
}

export const password = 'a long enough password';
export const phone = { width: 360, height: 740 };
export const desktop = { width: 1280, height: 800 };
export const shopZone = 'Europe/Chisinau';

// A JSON API call: its status and its body (parsed).
export async function api(path, { method = 'GET', token, body } = {}) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}/v1${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {} };
}

async function expectOk(what, call) {
  const result = await call;
  assert.ok(result.status < 300, `${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

// A name no other test run has used: 3 to 32 of [a-z0-9_.-].
export function uniqueName(prefix) {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

// A new customer account, logged in over the API.
export async function customer(prefix = 'customer') {
  const username = uniqueName(prefix);
  const email = `${username}@example.test`;
  const signed = await expectOk('sign-up', api('/accounts', { method: 'POST', body: { username, email, password } }));
  const session = await expectOk('login', api('/sessions', { method: 'POST', body: { email, password } }));
  return { username, email, userId: signed.user_id, token: session.token };
}

export async function admin() {
  return expectOk('admin login', api('/sessions', {
    method: 'POST',
    body: { email: 'admin@barbershop.test', password: 'barbershop-demo' },
  }));
}

// A barber of this test's own, working 09:00 to 18:00 every day with one 30-minute
// service, so that no other test's bookings touch their days.
export async function barber(prefix = 'barber') {
  const person = await customer(prefix);
  const { token } = await admin();
  const name = uniqueName('Chair');
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' }));
  const saved = await expectOk('make barber', api('/barbers', {
    method: 'POST', token, body: { user_id: person.userId, name, hours },
  }));
  // A user made a barber logs in again to act as one.
  const session = await expectOk('barber login', api('/sessions', {
    method: 'POST', body: { email: person.email, password },
  }));
  await expectOk('service', api(`/barbers/${encodeURIComponent(name)}/services`, {
    method: 'PUT', token: session.token,
    body: { service: { name: 'Haircut', duration_minutes: 30, price_cents: '2500' } },
  }));
  return { ...person, name, barberId: saved.barber.barber_id, token: session.token };
}

// The shop's calendar day `days` after today, as YYYY-MM-DD.  The tests book three or
// more days ahead: far enough that the browser's clock and the services' (which a test
// run may move forward by up to a day) agree that it is to come.
export function shopDay(days) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: shopZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(Date.now() + days * 86_400_000));
}

// The day written out as the app writes it ("Monday, 7 December 2026"), for matching.
export function writtenDay(day) {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
  }).format(new Date(`${day}T12:00:00Z`));
}

// ISO 8601 in the shop's zone for a day and a wall-clock time: the offset is the zone's
// on that day at noon, which holds at the hours the tests book.
export function shopTime(day, clock) {
  const noon = new Date(`${day}T12:00:00Z`);
  const local = new Date(noon.toLocaleString('en-US', { timeZone: shopZone }));
  const utc = new Date(noon.toLocaleString('en-US', { timeZone: 'UTC' }));
  const minutes = Math.round((local - utc) / 60_000);
  const sign = minutes >= 0 ? '+' : '-';
  const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
  return `${day}T${clock}:00${sign}${hh}:${mm}`;
}

export async function book(person, barberName, day, clock) {
  const booked = await expectOk('booking', api('/appointments', {
    method: 'POST', token: person.token,
    body: { user_id: person.userId, barber_name: barberName, date_time: shopTime(day, clock), service: 'Haircut' },
  }));
  return booked.appointment;
}

// Debian's Chromium, headless, with a fresh profile of its own, on the real clock.
export async function launch() {
  const env = { ...process.env };
  delete env.LD_PRELOAD;
  delete env.FAKETIME;
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    env,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A page in a context of its own (its own storage: another person), which records every
// console error, uncaught exception and failed request; `clean(page)` asserts there were
// none.
export async function openPage(browser, viewport = desktop) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', baseURL: baseUrl });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.problems.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => {
    // A socket the test closes on purpose, or one still open when the page goes away.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    page.problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  return page;
}

export function clean(page, allowed = []) {
  const problems = page.problems.filter((line) => !allowed.some((pattern) => pattern.test(line)));
  assert.deepEqual(problems, [], `the page had problems:\n${problems.join('\n')}`);
}

// axe-core on the page as it is: no violation of any rule.
export async function accessible(page, screen) {
  const results = await new AxeBuilder({ page }).analyze();
  const found = results.violations.map((violation) =>
    `${violation.id} (${violation.impact}): ${violation.help}\n    ${violation.nodes.map((node) => node.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(found, [], `axe-core found violations on ${screen}:\n${found.join('\n')}`);
}

// A screenshot of the whole page under the test output, named by screen and width.
export async function screenshot(page, screen) {
  const folder = join(output, 'screenshots');
  await mkdir(folder, { recursive: true });
  const { width } = page.viewportSize();
  await page.screenshot({ path: join(folder, `${screen}-${width}px.png`), fullPage: true });
}

// Every text the connection indicator shows from now on, in order (it may change faster
// than a test could look).
export async function watchConnection(page) {
  await page.evaluate(() => {
    window.connectionSeen = [];
    const record = () => {
      const indicator = document.querySelector('[role="status"][aria-label="Connection"]');
      const text = indicator?.textContent.trim();
      if (text && window.connectionSeen.at(-1) !== text) window.connectionSeen.push(text);
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

export async function connectionSeen(page) {
  return page.evaluate(() => window.connectionSeen);
}

export async function logIn(page, email, secret = password) {
  await page.goto('/#/login');
  await page.getByLabel('E-mail', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(secret);
  await page.getByRole('button', { name: 'Log in' }).click();
}

// Waits until `locator` holds `text` (a string or a RegExp) and is visible.
export async function seen(locator, text, timeout = 15_000) {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
}

// The app's own free-slot button for a time on the booking page.
export function slot(page, clock) {
  return page.getByRole('list', { name: 'Free times' }).getByRole('button', { name: clock, exact: true });
}

// The booking page showing a barber's day for one service.
export async function showDay(page, barberName, day, service = 'Haircut') {
  await page.goto('/#/');
  await page.getByLabel('Barber', { exact: true }).selectOption({ label: barberName });
  const services = page.getByLabel('Service', { exact: true });
  await services.locator('option', { hasText: service }).first().waitFor({ state: 'attached' });
  await services.selectOption(await services.locator('option', { hasText: service }).first().getAttribute('value'));
  await page.getByLabel('Day', { exact: true }).fill(day);
}

// A customer logged in on `page`, with the booking page showing a barber's day.
export async function customerOnDay(page, person, barberName, day, service = 'Haircut') {
  await logIn(page, person.email);
  await page.getByRole('link', { name: 'My appointments' }).waitFor();
  await showDay(page, barberName, day, service);
}

// How many WebSockets each real-time copy holds, by its process id.
export async function socketsByCopy() {
  const pids = process.env.BARBERSHOP_REALTIME_PIDS.split(' ');
  const ports = process.env.BARBERSHOP_REALTIME_PORTS.split(' ');
  const counts = new Map();
  for (const [index, port] of ports.entries()) {
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const line = text.split('\n').find((row) => row.startsWith('realtime_connections '));
      counts.set(Number(pids[index]), Number(line?.split(' ')[1] ?? 0));
    } catch {
      counts.set(Number(pids[index]), -1);  // gone
    }
  }
  return counts;
}
