import { Link } from 'react-router';

import type { CatalogEntry } from '../api/types';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';

export function formKey(form: CatalogEntry['form']): MessageKey {
  return `form.${form}`;
}

// A course in a list: its title links to its page; the facts a learner
// compares first (form, language, effort, when it starts) follow.
export function CourseCard({ course, headingLevel = 3 }: { course: CatalogEntry; headingLevel?: 2 | 3 }) {
  const i18n = useI18n();
  const { t } = i18n;
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const run = course.next_run;
  const start = run?.starts_at ?? null;
  return (
    <article className="course-card">
      <Heading className="course-card__title">
        <Link to={`/courses/${encodeURIComponent(course.id)}`}>{course.title}</Link>
      </Heading>
      <p className="course-card__summary">{course.summary}</p>
      <ul className="tags" aria-label={course.title}>
        <li className="tag tag--form">{t(formKey(course.form))}</li>
        <li className="tag">{i18n.languageName(course.language)}</li>
        {course.effort_hours != null && <li className="tag">{t('course.hours', { count: course.effort_hours })}</li>}
      </ul>
      <p className="course-card__when">
        {start
          ? t(Date.parse(start) > Date.now() ? 'course.startsOn' : 'course.startedOn', { date: i18n.date(start) })
          : t('course.noRun')}
      </p>
    </article>
  );
}
