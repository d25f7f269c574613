import { session, freshToken, refresh, forget } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The API writes its messages for people but in lower case, as parts of a sentence.
function sentence(text) {
  const trimmed = String(text || '').trim();
  if (!trimmed) return 'Something went wrong. Try again.';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** One JSON call, no token handling: the session module uses it for logging in itself. */
export async function request(method, path, { body, token, headers = {} } = {}) {
  const init = { method, headers: { ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'NETWORK', 'The barbershop cannot be reached. Check your connection and try again.');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, data.code || 'UNKNOWN', sentence(data.message));
  return data;
}

/** A call as the logged-in user (when there is one), refreshing the access token once when refused. */
export async function api(method, path, options = {}) {
  const signedIn = Boolean(session.get());
  const token = signedIn ? await freshToken() : undefined;
  try {
    return await request(method, path, { ...options, token });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401 || !signedIn) throw error;
    if (!(await refresh())) {
      forget();
      throw new ApiError(401, 'UNAUTHENTICATED', 'Your session has ended. Log in again.');
    }
    return request(method, path, { ...options, token: session.get().token });
  }
}

export const get = (path) => api('GET', path);
export const post = (path, body, options) => api('POST', path, { ...options, body });
export const patch = (path, body) => api('PATCH', path, { body });
export const put = (path, body) => api('PUT', path, { body });
export const del = (path) => api('DELETE', path);

export const q = encodeURIComponent;
