// A customer signs up and books in one tap; the barber, in another browser, sees the
// booking appear and confirms it; the customer sees "confirmed": no reload anywhere.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  barber, clean, customer, customerOnDay, desktop, launch, logIn, openPage, password, phone, seen, shopDay, showDay,
  slot, uniqueName, writtenDay,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a booking made at phone width appears live on the barber\'s day and its confirmation live on the customer\'s page', async () => {
  const chair = await barber();
  const day = shopDay(3);

  const barberPage = await openPage(browser, desktop);
  await logIn(barberPage, chair.email);
  await barberPage.getByRole('heading', { name: 'My day' }).waitFor();
  await barberPage.getByLabel('Day', { exact: true }).fill(day);
  await seen(barberPage.getByRole('status', { name: 'Connection' }), 'Live');

  const page = await openPage(browser, phone);
  const username = uniqueName('newcomer');
  await page.goto('/#/signup');
  await page.getByLabel('Name', { exact: true }).fill(username);
  await page.getByLabel('E-mail', { exact: true }).fill(`${username}@example.test`);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('link', { name: 'My appointments' }).waitFor();

  await showDay(page, chair.name, day);
  await slot(page, '10:00').click();
  await seen(page.getByRole('status'), 'Booked');
  await seen(page.getByRole('status'), writtenDay(day));
  // Taken: gone from the booker's own page too.
  await slot(page, '10:00').waitFor({ state: 'detached', timeout: 5_000 });

  const booking = barberPage.getByRole('listitem').filter({ hasText: username });
  await booking.waitFor({ timeout: 10_000 });
  await page.getByRole('link', { name: 'My appointments' }).click();
  const mine = page.getByRole('listitem').filter({ hasText: chair.name });
  await seen(mine.locator('.status'), 'pending');

  await booking.getByRole('button', { name: 'Confirm' }).click();
  await seen(mine.locator('.status'), 'confirmed', 10_000);
  await seen(booking.locator('.status'), 'confirmed', 10_000);
  assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), 1);
  clean(page);
  clean(barberPage);
  await barberPage.context().close();
});

test('a slot can be booked with the keyboard alone', async () => {
  const chair = await barber();
  const day = shopDay(5);
  const page = await openPage(browser, desktop);
  const person = await customer();
  await customerOnDay(page, person, chair.name, day);
  await slot(page, '11:30').waitFor();
  await page.evaluate(() => document.activeElement?.blur());
  let focused = '';
  for (let presses = 0; presses < 80 && focused !== '11:30'; presses += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement?.textContent.trim() ?? '');
  }
  assert.equal(focused, '11:30', 'Tab never reached the 11:30 slot');
  await page.keyboard.press('Enter');
  await seen(page.getByRole('status'), 'Booked');
  clean(page);
  await page.context().close();
});
