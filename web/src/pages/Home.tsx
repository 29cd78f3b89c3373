import { Form, Link } from 'react-router';
import { useId } from 'react';

import { api } from '../api/endpoints';
import { CourseCard } from '../components/CourseCard';
import { ErrorNotice, Loading } from '../components/Status';
import { useApi, useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';

// The front door: what Trivium is, a search box, and the courses one can
// join now (the catalog by start date, first page).
export function Home() {
  const { t } = useI18n();
  useTitle(undefined);
  const searchId = useId();
  const featured = useApi((signal) => api.catalog({ limit: 6 }, signal), 'home');
  return (
    <>
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{t('home.title')}</h1>
        <p className="lead">{t('home.lead')}</p>
        <Form method="get" action="/catalog" role="search" className="search-bar">
          <label htmlFor={searchId} className="visually-hidden">
            {t('home.searchLabel')}
          </label>
          <input id={searchId} type="search" name="q" placeholder={t('catalog.searchHint')} maxLength={200} />
          <button type="submit" className="button">
            {t('home.searchButton')}
          </button>
        </Form>
      </section>
      <section aria-labelledby="featured-title" className="section">
        <h2 id="featured-title">{t('home.featured')}</h2>
        {featured.loading && <Loading />}
        {featured.error != null && <ErrorNotice error={featured.error} onRetry={featured.reload} />}
        {featured.data && featured.data.items.length === 0 && <p className="empty">{t('home.empty')}</p>}
        {featured.data && featured.data.items.length > 0 && (
          <ul className="card-grid">
            {featured.data.items.map((c) => (
              <li key={c.id}>
                <CourseCard course={c} />
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/catalog" className="arrow-link">
            {t('home.browseAll')}
          </Link>
        </p>
      </section>
    </>
  );
}
