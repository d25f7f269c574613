import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { login, signup, session } from '../session.js';
import { navigate, takeReturn } from '../router.js';
import { Field, Notice, Page, useAction } from './ui.js';

export function homeOf(role) {
  return role === 'barber' ? '/barber' : role === 'admin' ? '/admin' : '/';
}

function done() {
  navigate(takeReturn() || homeOf(session.get()?.role));
}

function useForm(initial) {
  const [values, setValues] = useState(initial);
  const bind = (name) => ({
    value: values[name],
    onInput: (event) => setValues({ ...values, [name]: event.currentTarget.value }),
  });
  return [values, bind];
}

export function LoginPage() {
  const [values, bind] = useForm({ email: '', password: '' });
  const [outcome, run, setOutcome] = useAction();
  const submit = async (event) => {
    event.preventDefault();
    const email = values.email.trim();
    if (!email || !values.password) {
      setOutcome({ error: !email && !values.password ? 'Enter your e-mail and password.'
        : !email ? 'Enter your e-mail.' : 'Enter your password.' });
      return;
    }
    const ok = await run(async () => {
      try {
        await login(email, values.password);
        return true;
      } catch (failure) {
        if (failure.status === 401) failure.message = 'Wrong e-mail or password. Check them and try again.';
        throw failure;
      }
    });
    if (ok) done();
  };
  return html`
    <${Page} title="Log in">
      <form class="panel narrow" onSubmit=${submit} novalidate>
        <${Field} id="login-email" label="E-mail" type="email" autocomplete="username" ...${bind('email')} />
        <${Field} id="login-password" label="Password" type="password" autocomplete="current-password" ...${bind('password')} />
        <${Notice} error=${outcome.error} />
        <button type="submit" class="primary" disabled=${outcome.busy}>Log in</button>
        <p>New here? <a href="#/signup">Create an account</a></p>
      </form>
    <//>`;
}

export function SignupPage() {
  const [values, bind] = useForm({ username: '', email: '', password: '' });
  const [outcome, run, setOutcome] = useAction();
  const submit = async (event) => {
    event.preventDefault();
    const username = values.username.trim();
    const email = values.email.trim();
    const missing = [!username && 'your name', !email && 'your e-mail', !values.password && 'a password'].filter(Boolean);
    if (missing.length) {
      setOutcome({ error: `Enter ${missing.join(', ').replace(/, ([^,]*)$/, ' and $1')}.` });
      return;
    }
    if (await run(() => signup(username, email, values.password).then(() => true))) done();
  };
  return html`
    <${Page} title="Sign up">
      <form class="panel narrow" onSubmit=${submit} novalidate>
        <${Field} id="signup-name" label="Name" autocomplete="username" autocapitalize="none"
          hint="3 to 32 lower-case letters, digits, dots, dashes or underscores; the barber sees it." ...${bind('username')} />
        <${Field} id="signup-email" label="E-mail" type="email" autocomplete="email" ...${bind('email')} />
        <${Field} id="signup-password" label="Password" type="password" autocomplete="new-password"
          hint="At least 8 characters." ...${bind('password')} />
        <${Notice} error=${outcome.error} />
        <button type="submit" class="primary" disabled=${outcome.busy}>Sign up</button>
        <p>Have an account? <a href="#/login">Log in instead</a></p>
      </form>
    <//>`;
}
