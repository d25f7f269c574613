// Every screen, at phone width and at desktop width: no axe-core violation, nothing wider
// than the screen, no console error, and a screenshot of each under the test output.  And
// the first screen's JavaScript and CSS are under 100 KB compressed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  accessible, baseUrl, barber, book, clean, customer, desktop, launch, logIn, openPage, phone, screenshot, seen,
  shopDay, showDay, slot,
} from './support.mjs';

let browser;
let chair;
let person;
let appointment;
const day = shopDay(7);

before(async () => {
  browser = await launch();
  chair = await barber();
  person = await customer();
  appointment = await book(person, chair.name, day, '09:30');
});
after(async () => { await browser?.close(); });

async function check(page, screen, ready) {
  try {
    await ready.waitFor();
  } catch (error) {
    await screenshot(page, `FAILED-${screen}`);
    throw error;
  }
  await accessible(page, `${screen} at ${page.viewportSize().width} px`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${screen} is ${overflow} px wider than the screen`);
  await screenshot(page, screen);
}

for (const viewport of [phone, desktop]) {
  test(`every screen at ${viewport.width} px`, async () => {
    const visitor = await openPage(browser, viewport);
    await showDay(visitor, chair.name, day);
    await check(visitor, 'book', slot(visitor, '10:00'));
    await visitor.goto('/#/login');
    await check(visitor, 'login', visitor.getByRole('button', { name: 'Log in' }));
    await visitor.goto('/#/signup');
    await check(visitor, 'signup', visitor.getByRole('button', { name: 'Sign up' }));
    clean(visitor);

    const page = await openPage(browser, viewport);
    await logIn(page, person.email);
    await page.getByRole('link', { name: 'My appointments' }).click();
    await check(page, 'appointments', page.getByRole('listitem').filter({ hasText: chair.name }));
    await page.goto(`/#/appointments/${appointment.appointment_id}`);
    await check(page, 'appointment', page.getByRole('log', { name: 'Chat' }));
    await page.getByRole('link', { name: /^Notifications/ }).click();
    await check(page, 'notifications', page.getByRole('heading', { name: /Notifications/ }));
    clean(page);

    const barberPage = await openPage(browser, viewport);
    await logIn(barberPage, chair.email);
    await barberPage.getByRole('heading', { name: 'My day' }).waitFor();
    await barberPage.getByLabel('Day', { exact: true }).fill(day);
    await check(barberPage, 'barber-day', barberPage.getByRole('listitem').filter({ hasText: person.username }));
    await barberPage.getByRole('button', { name: 'Week' }).click();
    await check(barberPage, 'barber-week', barberPage.getByRole('listitem').filter({ hasText: person.username }));
    await barberPage.getByRole('link', { name: 'Settings' }).click();
    await check(barberPage, 'barber-settings', barberPage.getByRole('heading', { name: 'Time off', exact: true }));
    clean(barberPage);

    const adminPage = await openPage(browser, viewport);
    await logIn(adminPage, 'admin@barbershop.test', 'barbershop-demo');
    await adminPage.getByRole('link', { name: 'Admin' }).click();
    await check(adminPage, 'admin', adminPage.getByRole('button', { name: 'Make barber' }));
    clean(adminPage);
  });
}

test('an admin makes a user a barber from the admin screen', async () => {
  const future = await customer('future-barber');
  const page = await openPage(browser, desktop);
  await logIn(page, 'admin@barbershop.test', 'barbershop-demo');
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.getByLabel('User id', { exact: true }).fill(future.userId);
  const name = `Chair ${future.username.slice(-6)}`;
  await page.getByLabel('Barber name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Make barber' }).click();
  await seen(page.getByRole('status'), name);
  const barbers = await (await fetch(`${baseUrl}/v1/barbers`)).json();
  assert.ok(barbers.barbers.some((b) => b.name === name), `${name} is not among the barbers`);
  clean(page);
});

test('the first screen\'s JavaScript and CSS are under 100 KB compressed', async () => {
  const index = await (await fetch(`${baseUrl}/`)).text();
  const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), index);
  let total = 0;
  for (const asset of assets) {
    const response = await fetch(`${baseUrl}${asset}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(response.headers.get('content-encoding'), 'gzip', asset);
    total += Number(response.headers.get('content-length'));
  }
  console.log(`first screen: ${(total / 1024).toFixed(1)} KiB of JavaScript and CSS, compressed`);
  assert.ok(total < 100 * 1024, `${total} bytes`);
});
