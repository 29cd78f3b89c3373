import { Link, Navigate, useLocation } from 'react-router';

import { api } from '../api/endpoints';
import type { DashboardEnrolment } from '../api/types';
import { ErrorNotice, Loading } from '../components/Status';
import { useApi, useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { isMessageKey } from '../i18n/format';
import { useSession } from '../session/session';

export function MyLearning() {
  const { t } = useI18n();
  useTitle(t('learning.title'));
  const session = useSession();
  const location = useLocation();
  if (session.state.status === 'loading') return <Loading />;
  if (session.state.status === 'anonymous')
    return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  return <Dashboard />;
}

function Dashboard() {
  const i18n = useI18n();
  const { t } = i18n;
  const dashboard = useApi((signal) => api.dashboard(signal), 'dashboard');
  const enrolments = dashboard.data?.enrolments ?? [];
  const deadlines = dashboard.data?.deadlines ?? [];
  return (
    <>
      <h1>{t('learning.title')}</h1>
      {dashboard.loading && <Loading />}
      {dashboard.error != null && <ErrorNotice error={dashboard.error} onRetry={dashboard.reload} />}
      {dashboard.data && (
        <div className="learning">
          <section aria-labelledby="courses-title" className="learning__courses">
            <h2 id="courses-title">{t('learning.count', { count: enrolments.length })}</h2>
            {enrolments.length === 0 ? (
              <div className="empty">
                <p>{t('learning.empty')}</p>
                <Link to="/catalog" className="button">
                  {t('learning.browse')}
                </Link>
              </div>
            ) : (
              <ul className="stack-list">
                {enrolments.map((e) => (
                  <li key={e.run_id}>
                    <LearningCard enrolment={e} />
                  </li>
                ))}
              </ul>
            )}
          </section>
          {deadlines.length > 0 && (
            <section aria-labelledby="deadlines-title" className="panel learning__deadlines">
              <h2 id="deadlines-title">{t('learning.deadlines')}</h2>
              <ul className="deadlines">
                {deadlines.slice(0, 5).map((d, i) => (
                  <li key={`${d.run_id}-${i}`}>
                    <span>
                      {t(d.kind === 'run_end' ? 'learning.deadline.run_end' : 'learning.deadline.module_release', {
                        title: d.title ?? '',
                      })}
                    </span>
                    {d.at && <time dateTime={d.at}>{i18n.date(d.at)}</time>}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      )}
    </>
  );
}

function LearningCard({ enrolment: e }: { enrolment: DashboardEnrolment }) {
  const i18n = useI18n();
  const { t } = i18n;
  const percent = Math.max(0, Math.min(100, e.percent ?? 0));
  const stateKey = `learning.state.${e.state ?? 'active'}`;
  const stateText = t(isMessageKey(stateKey) ? stateKey : 'learning.state.active');
  const start = e.starts_at;
  return (
    <article className="learning-card">
      <h3>
        <Link to={`/courses/${encodeURIComponent(e.course_id ?? '')}`}>{e.course_title}</Link>
      </h3>
      <p className="muted">
        {e.run_title}
        {start && (
          <>
            {' · '}
            {t(Date.parse(start) > Date.now() ? 'course.startsOn' : 'course.startedOn', { date: i18n.date(start) })}
          </>
        )}
      </p>
      <p className="tag tag--state">{stateText}</p>
      <div className="progress">
        <progress
          max={100}
          value={percent}
          aria-label={t('learning.progressOf', { course: e.course_title ?? '' })}
        />
        <span>{t('learning.progress', { percent: i18n.percent(percent) })}</span>
      </div>
    </article>
  );
}
