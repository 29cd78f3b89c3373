import { useEffect, useId, useState } from 'react';
import { Form, useSearchParams } from 'react-router';

import { ApiError } from '../api/client';
import { api } from '../api/endpoints';
import type { CatalogEntry, CatalogQuery, CourseForm, CourseLanguage } from '../api/types';
import { CourseCard, formKey } from '../components/CourseCard';
import { ErrorNotice, Loading } from '../components/Status';
import { useTitle } from '../hooks';
import { useI18n } from '../i18n/i18n';

const FORMS: CourseForm[] = ['mooc', 'cooc_internal', 'cooc_external', 'spoc'];
const LANGUAGES: CourseLanguage[] = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'];
const WHEN = ['upcoming', 'ongoing'] as const;

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.find((a) => a === value);
}

// The filters the catalog API offers, kept in the address (so that a
// search can be shared and the back button works).
function queryOf(params: URLSearchParams): CatalogQuery {
  return {
    q: params.get('q')?.trim() || undefined,
    form: oneOf(params.get('form'), FORMS),
    language: oneOf(params.get('language'), LANGUAGES),
    when: oneOf(params.get('when'), WHEN),
    limit: 12,
  };
}

export function Catalog() {
  const i18n = useI18n();
  const { t } = i18n;
  useTitle(t('catalog.title'));
  const [params] = useSearchParams();
  const query = queryOf(params);
  const key = JSON.stringify(query);
  const [items, setItems] = useState<CatalogEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const ids = { q: useId(), form: useId(), language: useId(), when: useId() };

  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    setError(null);
    api.catalog(JSON.parse(key) as CatalogQuery, abort.signal).then(
      (page) => {
        setItems(page.items);
        setCursor(page.next_cursor);
        setLoading(false);
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setItems([]);
        setCursor(null);
        setError(err);
        setLoading(false);
      },
    );
    return () => abort.abort();
  }, [key, attempt]);

  const more = async () => {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.catalog({ ...query, cursor });
      setItems((prev) => [...prev, ...page.items]);
      setCursor(page.next_cursor);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null));
    } finally {
      setLoading(false);
    }
  };

  return (
    <>
      <h1>{t('catalog.title')}</h1>
      <Form method="get" role="search" className="catalog-search" key={key}>
        <div className="catalog-search__query">
          <label htmlFor={ids.q}>{t('catalog.searchLabel')}</label>
          <div className="search-bar">
            <input
              id={ids.q}
              type="search"
              name="q"
              defaultValue={query.q ?? ''}
              placeholder={t('catalog.searchHint')}
              maxLength={200}
            />
            <button type="submit" className="button">
              {t('catalog.apply')}
            </button>
          </div>
        </div>
        <fieldset className="catalog-search__filters">
          <legend>{t('catalog.filters')}</legend>
          <div className="select-field">
            <label htmlFor={ids.form}>{t('catalog.form')}</label>
            <select id={ids.form} name="form" defaultValue={query.form ?? ''}>
              <option value="">{t('catalog.anyForm')}</option>
              {FORMS.map((f) => (
                <option key={f} value={f}>
                  {t(formKey(f))}
                </option>
              ))}
            </select>
          </div>
          <div className="select-field">
            <label htmlFor={ids.language}>{t('catalog.language')}</label>
            <select id={ids.language} name="language" defaultValue={query.language ?? ''}>
              <option value="">{t('catalog.anyLanguage')}</option>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {i18n.languageName(l)}
                </option>
              ))}
            </select>
          </div>
          <div className="select-field">
            <label htmlFor={ids.when}>{t('catalog.when')}</label>
            <select id={ids.when} name="when" defaultValue={query.when ?? ''}>
              <option value="">{t('catalog.anyTime')}</option>
              <option value="upcoming">{t('catalog.upcoming')}</option>
              <option value="ongoing">{t('catalog.ongoing')}</option>
            </select>
          </div>
        </fieldset>
      </Form>

      <section aria-labelledby="results-title" className="section" aria-busy={loading}>
        <h2 id="results-title" className={query.q ? undefined : 'visually-hidden'}>
          {query.q ? t('catalog.resultsFor', { q: query.q }) : t('catalog.title')}
        </h2>
        <p className="result-count" role="status">
          {!loading && !error ? t('catalog.shown', { count: items.length }) : ''}
        </p>
        {error != null && <ErrorNotice error={error} onRetry={() => setAttempt((n) => n + 1)} />}
        {!loading && !error && items.length === 0 && <p className="empty">{t('catalog.empty')}</p>}
        {items.length > 0 && (
          <ul className="card-grid">
            {items.map((c) => (
              <li key={c.id}>
                <CourseCard course={c} />
              </li>
            ))}
          </ul>
        )}
        {loading && <Loading />}
        {!loading && cursor && (
          <button type="button" className="button button--secondary" onClick={more}>
            {t('catalog.more')}
          </button>
        )}
      </section>
    </>
  );
}
