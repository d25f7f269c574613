// What goes wrong is said in words: a wrong password, an empty form, and an error the
// API answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clean, customer, desktop, launch, openPage, password } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function alertText(page) {
  const alert = page.getByRole('alert').filter({ hasText: /\w/ });
  await alert.first().waitFor();
  const text = (await alert.first().textContent()).trim();
  assert.doesNotMatch(text, /undefined|null|\[object|^\d{3}$|UNAUTHENTICATED|INVALID_ARGUMENT|ALREADY_EXISTS/, text);
  assert.ok(text.length > 10, `too short to help: "${text}"`);
  return text;
}

test('a wrong password says so', async () => {
  const person = await customer();
  const page = await openPage(browser, desktop);
  await page.goto('/#/login');
  await page.getByLabel('E-mail', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: 'Log in' }).click();
  assert.match(await alertText(page), /password/i);
  assert.match(page.url(), /#\/login/);
  clean(page, [/status of 401/]);
  await page.context().close();
});

test('an empty form says what is missing', async () => {
  const page = await openPage(browser, desktop);
  await page.goto('/#/signup');
  await page.getByRole('button', { name: 'Sign up' }).click();
  assert.match(await alertText(page), /name|e-mail|password/i);
  await page.goto('/#/login');
  await page.getByRole('button', { name: 'Log in' }).click();
  assert.match(await alertText(page), /e-mail|password/i);
  clean(page);
  await page.context().close();
});

test('an error from the API is shown as the API words it', async () => {
  const taken = await customer();
  const page = await openPage(browser, desktop);
  await page.goto('/#/signup');
  await page.getByLabel('Name', { exact: true }).fill(`${taken.username}-two`);
  await page.getByLabel('E-mail', { exact: true }).fill(taken.email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  assert.match(await alertText(page), /e-mail|already|registered|taken|in use/i);
  clean(page, [/status of 409/]);
  await page.context().close();
});
