import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';

import { ApiError } from '../api/client';
import { Field } from '../components/Field';
import { Alert } from '../components/Status';
import { useSubmit } from '../components/useForm';
import { useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { safeNext } from '../nav';
import { useSession } from '../session/session';

export function SignIn() {
  const { t } = useI18n();
  useTitle(t('signIn.title'));
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const { busy, fieldErrors, formError, submit } = useSubmit();

  if (session.state.status === 'signed-in' && !busy) return <Navigate to={next} replace />;

  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    void submit(
      async () => {
        await session.signIn(String(form.get('email') ?? '').trim(), String(form.get('password') ?? ''));
        navigate(next, { replace: true });
      },
      // One message for a wrong address or password: nothing tells which (AUTH).
      (err) => (err instanceof ApiError && err.status === 401 ? t('signIn.failed') : null),
    );
  };

  return (
    <section className="narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t('signIn.title')}</h1>
      {formError && <Alert>{formError}</Alert>}
      <form onSubmit={onSubmit} noValidate className="stack">
        <Field label={t('field.email')} name="email" type="email" autoComplete="email" required error={fieldErrors.email} />
        <Field
          label={t('field.password')}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={fieldErrors.password}
        />
        <button type="submit" className="button button--wide" disabled={busy}>
          {busy ? t('signIn.working') : t('signIn.submit')}
        </button>
      </form>
      <p className="aside-text">
        {t('signIn.noAccount')}{' '}
        <Link to={`/register${params.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>{t('nav.register')}</Link>
      </p>
    </section>
  );
}
