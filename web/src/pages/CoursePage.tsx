import { Link, useParams } from 'react-router';

import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { Course, CourseRun, Syllabus } from '../api/types';
import { formKey } from '../components/CourseCard';
import { SanitizedHtml } from '../components/SanitizedHtml';
import { ErrorNotice, Loading } from '../components/Status';
import { useApi, useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';
import { EnrolPanel } from './EnrolPanel';

// The session a visitor would join: the first one not yet ended, by start.
export function openRun(runs: CourseRun[], now = Date.now()): CourseRun | null {
  const current = runs.filter((r) => !r.ends_at || Date.parse(r.ends_at) > now);
  current.sort((a, b) => Date.parse(a.starts_at ?? '') - Date.parse(b.starts_at ?? ''));
  return current[0] ?? null;
}

interface CourseData {
  course: Course;
  syllabus: Syllabus;
  runs: CourseRun[];
}

export function CoursePage() {
  const { courseId = '' } = useParams();
  const { t } = useI18n();
  const loaded = useApi<CourseData>(async (signal) => {
    const [course, syllabus, runs] = await Promise.all([
      api.course(courseId, signal),
      api.syllabus(courseId, signal),
      api.runs(courseId, signal),
    ]);
    return { course, syllabus, runs: runs.items };
  }, courseId);
  useTitle(loaded.data?.course.title);

  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error != null) {
    if (loaded.error instanceof ApiError && (loaded.error.status === 404 || loaded.error.status === 403)) {
      return (
        <>
          <h1>{t('notFound.title')}</h1>
          <p>{t('course.notFound')}</p>
          <Link to="/catalog">{t('nav.catalog')}</Link>
        </>
      );
    }
    return <ErrorNotice error={loaded.error} onRetry={loaded.reload} />;
  }
  if (!loaded.data) return null;
  const { course, syllabus, runs } = loaded.data;
  return <CourseView course={course} syllabus={syllabus} run={openRun(runs)} />;
}

function CourseView({ course, syllabus, run }: { course: Course; syllabus: Syllabus; run: CourseRun | null }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <article className="course">
      <header className="course__header">
        <p className="eyebrow">{t(formKey(course.form))}</p>
        <h1>{course.title}</h1>
        <p className="lead">{course.summary}</p>
      </header>
      <div className="course__layout">
        <div className="course__aside">
          <section className="panel" aria-labelledby="session-title">
            <h2 id="session-title">{t('course.session')}</h2>
            {run ? <RunDates run={run} course={course} /> : <p>{t('course.noRun')}</p>}
            {run && <EnrolPanel course={course} run={run} />}
          </section>
          <section className="panel" aria-labelledby="facts-title">
            <h2 id="facts-title">{t('course.facts')}</h2>
            <dl className="facts">
              {course.authors.length > 0 && (
                <>
                  <dt>{t('course.by')}</dt>
                  <dd>{course.authors.join(', ')}</dd>
                </>
              )}
              <dt>{t('course.form')}</dt>
              <dd>{t(formKey(course.form))}</dd>
              <dt>{t('course.language')}</dt>
              <dd>{i18n.languageName(course.language)}</dd>
              {course.effort_hours != null && (
                <>
                  <dt>{t('course.effort')}</dt>
                  <dd>{t('course.hours', { count: course.effort_hours })}</dd>
                </>
              )}
              <dt>{t('course.pacing')}</dt>
              <dd>{t(course.pacing === 'scheduled' ? 'course.pacing.scheduled' : 'course.pacing.self_paced')}</dd>
              {course.capacity != null && (
                <>
                  <dt>{t('course.capacity')}</dt>
                  <dd>{t('course.seats', { count: course.capacity })}</dd>
                </>
              )}
            </dl>
            {course.skills.length > 0 && (
              <>
                <h3 className="facts__skills-title">{t('course.skills')}</h3>
                <ul className="tags">
                  {course.skills.map((s) => (
                    <li key={s} className="tag">
                      {s}
                    </li>
                  ))}
                </ul>
              </>
            )}
          </section>
        </div>
        <div className="course__main">
          <section aria-labelledby="syllabus-title" className="section">
            <h2 id="syllabus-title">{t('course.syllabus')}</h2>
            {syllabus.modules.length === 0 ? (
              <p className="empty">{t('course.syllabusEmpty')}</p>
            ) : (
              <>
                <p className="muted">{t('course.modules', { count: syllabus.modules.length })}</p>
                <ol className="syllabus">
                  {syllabus.modules.map((m) => (
                    <li key={m.id} className="syllabus__module">
                      <h3>{m.title}</h3>
                      <p className="muted">{t('course.units', { count: m.units.length })}</p>
                      <ul>
                        {m.units.map((u) => (
                          <li key={u.id}>{u.title}</li>
                        ))}
                      </ul>
                    </li>
                  ))}
                </ol>
              </>
            )}
          </section>
          {course.description_html && (
            <section aria-labelledby="about-title" className="section">
              <h2 id="about-title">{t('course.description')}</h2>
              <SanitizedHtml className="prose" html={course.description_html} />
            </section>
          )}
        </div>
      </div>
    </article>
  );
}

function RunDates({ run }: { run: CourseRun; course: Course }) {
  const i18n = useI18n();
  const { t } = i18n;
  const rows: [string, string | null][] = [
    [t('course.starts'), run.starts_at],
    [t('course.ends'), run.ends_at],
    [t('course.enrolmentCloses'), run.enrolment_closes_at],
  ];
  return (
    <>
      <p className="run-title">{run.title}</p>
      <dl className="facts">
        {rows
          .filter(([, at]) => at)
          .map(([label, at]) => (
            <div key={label} className="facts__row">
              <dt>{label}</dt>
              <dd>
                <time dateTime={at!}>{i18n.date(at!)}</time>
              </dd>
            </div>
          ))}
      </dl>
    </>
  );
}
