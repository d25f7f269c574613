// A customer makes a calendar link on "My appointments" and a calendar application reads
// their booking from it through the gateway; a new link ends the one shown before.
import { after, before, test } from 'node:test';
import {
  barber, book, clean, customer, desktop, launch, logIn, openPage, seen, shopDay,
} from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('a calendar link shows the bookings to a calendar application, until a new one replaces it', async () => {
  const chair = await barber();
  const person = await customer();
  const booked = await book(person, chair.name, shopDay(3), '11:00');
  const page = await openPage(browser, desktop);
  await logIn(page, person.email);
  await page.getByRole('link', { name: 'My appointments' }).click();
  await page.getByRole('button', { name: 'Make a new calendar link' }).click();
  await seen(page.getByRole('status'), 'New calendar link made.');
  const link = await page.getByLabel('Your calendar link').inputValue();
  if (!/\/calendar\/[\w-]{43}\.ics$/.test(link)) throw new Error(`not a calendar link: ${link}`);

  // What a calendar application fetches: the feed, with the booking's UID in it.
  const feed = await fetch(link);
  if (feed.status !== 200) throw new Error(`the link answers ${feed.status}`);
  const type = feed.headers.get('content-type');
  if (!type.startsWith('text/calendar')) throw new Error(`the link answers ${type}`);
  const text = await feed.text();
  if (!text.includes(`UID:${booked.appointment_id}@barbershop`)) throw new Error(`the feed lacks the booking:\n${text}`);

  await page.getByRole('button', { name: 'Make a new calendar link' }).click();
  await page.waitForFunction(
    (old) => document.getElementById('calendar-link')?.value !== old, link, { timeout: 10_000 });
  if ((await fetch(link)).status !== 404) throw new Error('the old link still works');
  clean(page);
  await page.context().close();
});
