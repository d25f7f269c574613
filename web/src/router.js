import { createStore } from './store.js';

function parse() {
  return (location.hash.replace(/^#/, '') || '/').split('?')[0];
}

/** The path after the '#', e.g. "/appointments/9b1c…". */
export const route = createStore(parse());
addEventListener('hashchange', () => route.set(parse()));

export function navigate(path, { replace = false } = {}) {
  if (replace) {
    history.replaceState(null, '', `#${path}`);
    route.set(path);
  } else if (parse() === path) route.set(path);
  else location.hash = path;
}

// Where to go once logged in, when a page asked for it.
let returnTo = null;
export function loginFor(path) {
  returnTo = path;
  navigate('/login', { replace: true });
}
export function takeReturn() {
  const path = returnTo;
  returnTo = null;
  return path;
}
