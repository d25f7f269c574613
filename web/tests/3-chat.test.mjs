// Customer and barber chat about an appointment, both ways and live; the history is there
// after a reload; a message from the other party raises the unread count, which falls
// when the notifications are seen.  The appointment is then moved and cancelled from
// its page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  barber, book, clean, customer, desktop, launch, logIn, openPage, phone, seen, shopDay, slot,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function send(page, text) {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

function notifications(page) {
  return page.getByRole('link', { name: /^Notifications/ });
}

test('customer and barber chat both ways, the history survives a reload, and the unread count rises and falls', async () => {
  const chair = await barber();
  const person = await customer();
  const day = shopDay(6);
  const appointment = await book(person, chair.name, day, '12:00');

  const page = await openPage(browser, phone);
  await logIn(page, person.email);
  await page.getByRole('link', { name: 'My appointments' }).waitFor();
  const barberPage = await openPage(browser, desktop);
  await logIn(barberPage, chair.email);
  await barberPage.getByRole('heading', { name: 'My day' }).waitFor();

  await page.goto(`/#/appointments/${appointment.appointment_id}`);
  await barberPage.goto(`/#/appointments/${appointment.appointment_id}`);
  const chat = page.getByRole('log', { name: 'Chat' });
  const barberChat = barberPage.getByRole('log', { name: 'Chat' });
  await chat.waitFor();
  await barberChat.waitFor();

  await send(page, 'Could you keep it short on the sides?');
  await seen(barberChat, 'Could you keep it short on the sides?');
  await send(barberPage, 'Of course. See you at noon.');
  await seen(chat, 'Of course. See you at noon.');

  await page.reload();
  await seen(page.getByRole('log', { name: 'Chat' }), 'Could you keep it short on the sides?');
  await seen(page.getByRole('log', { name: 'Chat' }), 'Of course. See you at noon.');

  // Away from the chat, a message from the barber is a notification.
  await page.getByRole('link', { name: 'My appointments' }).click();
  await send(barberPage, 'Running five minutes late, sorry.');
  await notifications(page).filter({ hasText: /1/ }).waitFor({ timeout: 10_000 });
  assert.match(await notifications(page).evaluate((link) => link.getAttribute('aria-label') ?? link.textContent), /1 unread/);
  await notifications(page).click();
  await seen(page.getByRole('main'), 'Running five minutes late');
  await page.waitForFunction(() => {
    const link = [...document.querySelectorAll('a')].find((a) => /^Notifications/.test(a.getAttribute('aria-label') ?? a.textContent.trim()));
    return link && !/[1-9]\d* unread/.test(link.getAttribute('aria-label') ?? link.textContent);
  }, null, { timeout: 10_000 });
  // Read on the server, not only on this page.
  await page.reload();
  await notifications(page).waitFor();
  assert.doesNotMatch(await notifications(page).evaluate((link) => link.getAttribute('aria-label') ?? link.textContent), /[1-9]\d* unread/);

  // Moved to another free time from its page, then cancelled there.
  await page.goto(`/#/appointments/${appointment.appointment_id}`);
  await page.getByRole('button', { name: 'Move' }).click();
  await page.getByLabel('New day', { exact: true }).fill(day);
  await slot(page, '16:00').click();
  await seen(page.getByRole('main'), '16:00');
  page.once('dialog', (dialog) => dialog.accept());
  await page.getByRole('button', { name: 'Cancel appointment' }).click();
  await seen(page.locator('.status'), 'canceled');
  clean(page);
  clean(barberPage);
  await barberPage.context().close();
});
