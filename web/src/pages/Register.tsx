import { useRef, useState, useEffect } from 'react';
import { Link, useSearchParams } from 'react-router';

import { api } from '../api/endpoints';
import { Field } from '../components/Field';
import { Alert } from '../components/Status';
import { useSubmit } from '../components/useForm';
import { useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { safeNext } from '../nav';

export function Register() {
  const i18n = useI18n();
  const { t } = i18n;
  useTitle(t('register.title'));
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'), '');
  const { busy, fieldErrors, formError, submit } = useSubmit();
  const [done, setDone] = useState<string | null>(null);
  const doneHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (done) doneHeading.current?.focus();
  }, [done]);

  if (done) {
    return (
      <section className="narrow" aria-labelledby="done-title">
        <h1 id="done-title" ref={doneHeading} tabIndex={-1}>
          {t('register.doneTitle')}
        </h1>
        <Alert tone="success">{t('register.doneText', { email: done })}</Alert>
        <p>
          <Link to={`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`}>{t('nav.signIn')}</Link>
        </p>
      </section>
    );
  }

  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    void submit(async () => {
      await api.register({
        email,
        password: String(form.get('password') ?? ''),
        display_name: String(form.get('display_name') ?? '').trim(),
        locale: i18n.locale,
        time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      });
      setDone(email);
    });
  };

  return (
    <section className="narrow" aria-labelledby="register-title">
      <h1 id="register-title">{t('register.title')}</h1>
      <p className="lead">{t('register.lead')}</p>
      {formError && <Alert>{formError}</Alert>}
      <form onSubmit={onSubmit} noValidate className="stack">
        <Field
          label={t('field.name')}
          name="display_name"
          autoComplete="name"
          required
          maxLength={100}
          error={fieldErrors.display_name}
        />
        <Field
          label={t('field.email')}
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={254}
          error={fieldErrors.email}
        />
        <Field
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={128}
          hint={t('register.passwordHint')}
          error={fieldErrors.password}
        />
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? t('register.working') : t('register.submit')}
        </button>
      </form>
      <p className="aside-text">
        {t('register.haveAccount')} <Link to="/sign-in">{t('nav.signIn')}</Link>
      </p>
    </section>
  );
}
