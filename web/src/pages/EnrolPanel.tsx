import { useState } from 'react';
import { Link, useLocation } from 'react-router';

import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Course, CourseRun, Enrolment } from '../api/types';
import { Alert, ErrorNotice, Loading, useErrorText } from '../components/Status';
import { useApi } from '../hooks';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { useSession } from '../session/session';

// The learner's standing in a run, or the button to join it: self-enrolment
// (open), a request (approval), the waitlist when the run is full.
export function EnrolPanel({ course, run }: { course: Course; run: CourseRun }) {
  const { t, date } = useI18n();
  const session = useSession();
  const location = useLocation();
  const here = location.pathname;

  if (session.state.status === 'loading') return <Loading />;
  if (session.state.status === 'anonymous') {
    return (
      <div className="enrol">
        <p>{t('enrol.signInFirst')}</p>
        <div className="button-row">
          <Link className="button" to={`/sign-in?next=${encodeURIComponent(here)}`}>
            {t('nav.signIn')}
          </Link>
          <Link className="button button--secondary" to={`/register?next=${encodeURIComponent(here)}`}>
            {t('nav.register')}
          </Link>
        </div>
      </div>
    );
  }
  if (course.enrolment_policy === 'invitation') return <p className="enrol">{t('enrol.invitationOnly')}</p>;
  const now = Date.now();
  if (run.enrolment_opens_at && Date.parse(run.enrolment_opens_at) > now)
    return <p className="enrol">{t('enrol.notYetOpen', { date: date(run.enrolment_opens_at) })}</p>;
  return <SelfEnrol course={course} run={run} closed={!!run.enrolment_closes_at && Date.parse(run.enrolment_closes_at) <= now} />;
}

function SelfEnrol({ course, run, closed }: { course: Course; run: CourseRun; closed: boolean }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const mine = useApi<Enrolment | null>(
    (signal) =>
      api.myEnrolment(run.id, signal).catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) return null;
        throw err;
      }),
    run.id,
  );
  const [sent, setSent] = useState<Enrolment | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (mine.loading) return <Loading />;
  if (mine.error != null) return <ErrorNotice error={mine.error} onRetry={mine.reload} />;
  const enrolment = sent ?? mine.data ?? null;

  if (enrolment && enrolment.state !== 'dropped') return <Standing enrolment={enrolment} fresh={sent !== null} />;
  if (closed) return <p className="enrol">{t('enrol.closed')}</p>;

  const enrol = async () => {
    setBusy(true);
    setError(null);
    try {
      setSent(await api.enrol(run.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="enrol">
      {enrolment?.state === 'dropped' && <p>{t('enrol.dropped')}</p>}
      <button type="button" className="button button--wide" onClick={enrol} disabled={busy}>
        {busy ? t('enrol.working') : t(course.enrolment_policy === 'approval' ? 'enrol.request' : 'enrol.enrol')}
      </button>
      {error != null && <Alert>{errorText(error)}</Alert>}
    </div>
  );
}

const STANDING: Record<Enrolment['state'], MessageKey> = {
  active: 'enrol.active',
  completed: 'enrol.completed',
  pending: 'enrol.pending',
  waitlisted: 'enrol.waitlisted',
  rejected: 'enrol.rejected',
  dropped: 'enrol.dropped',
};

function Standing({ enrolment, fresh }: { enrolment: Enrolment; fresh: boolean }) {
  const { t } = useI18n();
  const tone = enrolment.state === 'active' || enrolment.state === 'completed' ? 'success' : 'info';
  const text = t(STANDING[enrolment.state], { position: enrolment.waitlist_position ?? 0 });
  return (
    <div className="enrol">
      {fresh ? <Alert tone={tone}>{text}</Alert> : <p className={`standing standing--${tone}`}>{text}</p>}
      {(enrolment.state === 'active' || enrolment.state === 'completed') && (
        <p>
          <Link to="/learning" className="arrow-link">
            {t('enrol.goToLearning')}
          </Link>
        </p>
      )}
    </div>
  );
}
