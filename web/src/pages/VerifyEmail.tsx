import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { api } from '../api/endpoints';
import { Alert, Loading } from '../components/Status';
import { useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { useSession } from '../session/session';

type Outcome = 'working' | 'done' | 'failed' | 'missing';

// The page the verification e-mail links to (/verify-email?token=...): it
// confirms the address at once with the token.
export function VerifyEmail() {
  const { t } = useI18n();
  useTitle(t('verify.title'));
  const session = useSession();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [outcome, setOutcome] = useState<Outcome>(token ? 'working' : 'missing');
  const [resent, setResent] = useState(false);
  const sentFor = useRef<string | null>(null);

  useEffect(() => {
    // The token is single-use: confirm once, even if the effect runs twice.
    if (!token || sentFor.current === token) return;
    sentFor.current = token;
    api.verifyEmail(token).then(
      () => setOutcome('done'),
      () => setOutcome('failed'),
    );
  }, [token]);

  const signedIn = session.state.status === 'signed-in';
  return (
    <section className="narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">{t('verify.title')}</h1>
      {outcome === 'working' && <Loading />}
      {outcome === 'done' && (
        <>
          <Alert tone="success">{t('verify.done')}</Alert>
          <p>
            {signedIn ? (
              <Link to="/learning">{t('enrol.goToLearning')}</Link>
            ) : (
              <Link to="/sign-in" className="button">
                {t('verify.signIn')}
              </Link>
            )}
          </p>
        </>
      )}
      {(outcome === 'failed' || outcome === 'missing') && (
        <>
          <Alert>{t(outcome === 'failed' ? 'verify.failed' : 'verify.missing')}</Alert>
          {signedIn &&
            (resent ? (
              <Alert tone="success">{t('verify.resent')}</Alert>
            ) : (
              <button
                type="button"
                className="button button--secondary"
                onClick={() => api.resendVerification().then(() => setResent(true), () => setOutcome('failed'))}
              >
                {t('verify.resend')}
              </button>
            ))}
        </>
      )}
    </section>
  );
}
