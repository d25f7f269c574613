// A customer waits for a taken time from the booking page; when its booker cancels, the
// time is held for them, offered live in Notifications, and their tap on Claim books it.
import { after, before, test } from 'node:test';
import {
  api, barber, book, clean, customer, desktop, launch, logIn, openPage, seen, shopDay, showDay,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a cancelled time goes to the customer waiting for it, who claims it from Notifications', async () => {
  const chair = await barber();
  const day = shopDay(5);
  const first = await customer();
  const taken = await book(first, chair.name, day, '10:00');
  // Every other time of the day is booked too, so that only the cancelled one frees up.
  for (const clock of ['09:00', '09:30', '10:30', '11:00', '11:30']) await book(await customer(), chair.name, day, clock);

  const waiting = await customer();
  const page = await openPage(browser, desktop);
  await logIn(page, waiting.email);
  await showDay(page, chair.name, day);
  await page.getByLabel('From').fill('09:00');
  await page.getByLabel('To').fill('12:00');
  await page.getByRole('button', { name: 'Join the waitlist' }).click();
  await seen(page.getByRole('status'), 'You are in line');

  const canceled = await api(`/appointments/${taken.appointment_id}/cancel`, { method: 'POST', token: first.token });
  if (canceled.status >= 300) throw new Error(`cancel: ${canceled.status} ${JSON.stringify(canceled.body)}`);
  await page.getByRole('link', { name: /^Notifications/ }).click();
  await page.getByRole('button', { name: /^Claim / }).click({ timeout: 10_000 });
  await page.getByRole('heading', { name: `Haircut with ${chair.name}` }).waitFor();
  clean(page);
  await page.context().close();
});
