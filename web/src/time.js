// Every time is shown in the shop's zone, wherever the browser is: a customer abroad books
// the shop's 10:00, not their own.
export const SHOP_ZONE = 'Europe/Chisinau';

const parts = new Intl.DateTimeFormat('en-GB', {
  timeZone: SHOP_ZONE, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const dayParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric',
});

function pick(formatter, date) {
  const out = {};
  for (const { type, value } of formatter.formatToParts(date)) out[type] = value;
  return out;
}

/** "Monday, 7 December 2026, 10:00" */
export function when(iso) {
  const p = pick(parts, new Date(iso));
  return `${p.weekday}, ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute}`;
}

/** "10:00", the shop's clock */
export function clock(iso) {
  const p = pick(parts, new Date(iso));
  return `${p.hour}:${p.minute}`;
}

/** The shop's calendar day of an instant, "2026-12-07". */
export function shopDay(iso = new Date()) {
  const p = pick(new Intl.DateTimeFormat('en-CA', { timeZone: SHOP_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }), new Date(iso));
  return `${p.year}-${p.month}-${p.day}`;
}

// Calendar days are computed at UTC noon so no zone or DST shift can move them.
const noon = (day) => new Date(`${day}T12:00:00Z`);

/** "Monday, 7 December 2026" for a calendar day "2026-12-07" */
export function dayTitle(day) {
  const p = pick(dayParts, noon(day));
  return `${p.weekday}, ${p.day} ${p.month} ${p.year}`;
}

export function addDays(day, count) {
  const date = noon(day);
  date.setUTCDate(date.getUTCDate() + count);
  return date.toISOString().slice(0, 10);
}

/** 1 = Monday ... 7 = Sunday, as the API numbers weekdays */
export function weekday(day) {
  return noon(day).getUTCDay() || 7;
}

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function isValidDay(day) {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(noon(day).getTime());
}
