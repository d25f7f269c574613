// A barber sets booking rules in Settings; a customer's open booking page follows them
// live: slots on the new grid, and none inside the buffer after a booking.
import { after, before, test } from 'node:test';
import {
  barber, book, clean, customer, desktop, launch, logIn, openPage, phone, seen, shopDay, showDay, slot,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('booking rules saved in Settings change the free times a customer sees, live', async () => {
  const chair = await barber();
  const day = shopDay(4);
  const page = await openPage(browser, phone);
  await showDay(page, chair.name, day);
  await slot(page, '09:30').waitFor();
  // Every half hour by default: no 09:15.
  await slot(page, '09:15').waitFor({ state: 'detached' });

  const barberPage = await openPage(browser, desktop);
  await logIn(barberPage, chair.email);
  await barberPage.getByRole('link', { name: 'Settings' }).click();
  await barberPage.getByLabel('Slots start every (minutes)').fill('15');
  await barberPage.getByLabel('Free time after each appointment (minutes)').fill('15');
  await barberPage.getByRole('button', { name: 'Save rules' }).click();
  await seen(barberPage.getByRole('status'), 'Booking rules saved.');

  // The customer's page, not reloaded, now offers the quarter hours.
  await slot(page, '09:15').waitFor({ timeout: 10_000 });
  // A booking at 10:00 takes 10:00 to 10:30 and its buffer to 10:45.
  await book(await customer(), chair.name, day, '10:00');
  await slot(page, '10:30').waitFor({ state: 'detached', timeout: 10_000 });
  await slot(page, '09:30').waitFor({ state: 'detached' });
  await slot(page, '10:45').waitFor();

  // The settings screen shows the rules as saved after a reload.
  await barberPage.reload();
  await barberPage.getByLabel('Slots start every (minutes)').waitFor();
  const grid = await barberPage.getByLabel('Slots start every (minutes)').inputValue();
  if (grid !== '15') throw new Error(`the grid reads ${grid} after a reload`);
  clean(page);
  clean(barberPage);
  await page.context().close();
  await barberPage.context().close();
});
