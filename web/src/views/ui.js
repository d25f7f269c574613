import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** A form's outcome: a status line when it worked, an alert when it did not. */
export function Notice({ ok, error }) {
  return html`
    ${ok && html`<p role="status" class="notice ok">${ok}</p>`}
    ${error && html`<p role="alert" class="notice error">${error}</p>`}`;
}

export function Field({ id, label, hint, ...input }) {
  return html`
    <div class="field">
      <label for=${id} id=${`${id}-label`}>${label}</label>
      <input id=${id} aria-describedby=${hint ? `${id}-hint` : undefined} ...${input} />
      ${hint && html`<p class="hint" id=${`${id}-hint`}>${hint}</p>`}
    </div>`;
}

/**
 * Data from the API for a screen: { data, error, reload }; reload keeps what is shown meanwhile.
 * Only the latest load's answer is shown: one started earlier (for a day no longer on screen, say,
 * by a live event) that answers later is dropped.
 */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null });
  const latest = useRef(0);
  const reload = useCallback(() => {
    latest.current += 1;
    const ticket = latest.current;
    const current = () => ticket === latest.current;
    load().then(
      (data) => current() && setState({ data, error: null }),
      (error) => current() && setState((previous) => ({ data: previous.data, error: error.message })),
    );
    return () => { if (current()) latest.current += 1; };
  }, deps);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** Runs an action, keeping its outcome for a Notice. */
export function useAction() {
  const [outcome, setOutcome] = useState({ ok: null, error: null, busy: false });
  const run = useCallback(async (action, okText) => {
    setOutcome({ ok: null, error: null, busy: true });
    try {
      const result = await action();
      setOutcome({ ok: typeof okText === 'function' ? okText(result) : okText, error: null, busy: false });
      return result;
    } catch (error) {
      setOutcome({ ok: null, error: error.message, busy: false });
      return undefined;
    }
  }, []);
  return [outcome, run, setOutcome];
}

export function Page({ title, children }) {
  useEffect(() => { document.title = `${title} · Barbershop`; }, [title]);
  return html`<h1 tabindex="-1" id="page-title">${title}</h1>${children}`;
}
