// A page whose socket drops, or whose real-time copy is killed, says it is reconnecting,
// comes back through the gateway (to another copy), and shows what happened meanwhile,
// without a reload.  Runs last: it kills one of the two copies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  api, barber, book, clean, connectionSeen, customer, desktop, launch, logIn, openPage, seen, shopDay, socketsByCopy,
  watchConnection,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// The customer's page, with its appointments socket passing through a gate: while the
// gate is shut, new connections are refused, as by a network that is down.
async function customerPage(person) {
  const page = await openPage(browser, desktop);
  page.gate = { shut: false, open: [] };
  await page.routeWebSocket(/\/websocket\/client\//, (socket) => {
    if (page.gate.shut) {
      socket.close({ code: 1006 });
      return;
    }
    socket.connectToServer();
    page.gate.open.push(socket);
  });
  await logIn(page, person.email);
  await page.getByRole('link', { name: 'My appointments' }).click();
  return page;
}

async function act(chair, appointment, action) {
  const result = await api(`/appointments/${appointment.appointment_id}/${action}`, { method: 'POST', token: chair.token });
  assert.equal(result.status, 200, JSON.stringify(result.body));
}

// A customer's pending booking with a barber, on the customer's live page.
async function pendingBooking(clock) {
  const chair = await barber();
  const person = await customer();
  const appointment = await book(person, chair.name, shopDay(8), clock);
  const page = await customerPage(person);
  const status = page.getByRole('listitem').filter({ hasText: chair.name }).locator('.status');
  await seen(status, 'pending');
  await seen(page.getByRole('status', { name: 'Connection' }), 'Live');
  await watchConnection(page);
  return { chair, appointment, page, status };
}

test('a dropped socket shows "Reconnecting…", then what it missed', async () => {
  const { chair, appointment, page, status } = await pendingBooking('13:00');

  page.gate.shut = true;
  for (const socket of page.gate.open.splice(0)) await socket.close({ code: 1006 });
  await seen(page.getByRole('status', { name: 'Connection' }), 'Reconnecting…');
  await act(chair, appointment, 'confirm');
  page.gate.shut = false;

  await seen(status, 'confirmed', 20_000);
  await seen(page.getByRole('status', { name: 'Connection' }), 'Live', 20_000);
  const states = await connectionSeen(page);
  assert.deepEqual(states.slice(-2), ['Reconnecting…', 'Live'], states.join(' → '));
  clean(page, [/WebSocket/]);
  await page.context().close();
});

test('a killed real-time copy: the page reconnects to the other and shows what it missed', async () => {
  const { chair, appointment, page, status } = await pendingBooking('15:30');

  // The copy holding this page's socket (the only page open now).
  const [victim] = [...(await socketsByCopy()).entries()].find(([, sockets]) => sockets > 0);
  page.gate.shut = true;
  process.kill(victim, 'SIGKILL');
  await seen(page.getByRole('status', { name: 'Connection' }), 'Reconnecting…');
  await act(chair, appointment, 'confirm');
  page.gate.shut = false;

  await seen(status, 'confirmed', 20_000);
  await seen(page.getByRole('status', { name: 'Connection' }), 'Live', 20_000);
  assert.equal((await socketsByCopy()).get(victim), -1, 'the killed copy still answers');
  const states = await connectionSeen(page);
  assert.deepEqual(states.slice(-2), ['Reconnecting…', 'Live'], states.join(' → '));
  clean(page, [/WebSocket/]);
  await page.context().close();
});
