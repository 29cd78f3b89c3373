import { useEffect, useRef } from 'react';
import { Link, NavLink, Outlet, useLocation, useNavigate } from 'react-router';

import { LocaleSwitcher } from './components/LocaleSwitcher';
import { useI18n } from './i18n/i18n';
import { useSession } from './session/session';

// The frame of every page: a skip link, the header with the navigation,
// the language switcher and the account links, the main region and a footer.
export function Layout() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a client-side navigation, move the focus to the new page, as a
  // page load would: screen readers then read it from the top.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  const user = session.state.user;
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="container site-header__inner">
          <Link to="/" className="brand">
            <span className="brand__mark" aria-hidden="true">
              T
            </span>
            <span className="brand__name">{t('app.name')}</span>
          </Link>
          <nav aria-label={t('nav.label')} className="site-nav">
            <ul>
              <li>
                <NavLink to="/catalog">{t('nav.catalog')}</NavLink>
              </li>
              {user && (
                <li>
                  <NavLink to="/learning">{t('nav.learning')}</NavLink>
                </li>
              )}
            </ul>
          </nav>
          <div className="site-header__actions">
            <LocaleSwitcher />
            {session.state.status === 'anonymous' && (
              <>
                <Link to="/sign-in" className="button button--ghost">
                  {t('nav.signIn')}
                </Link>
                <Link to="/register" className="button">
                  {t('nav.register')}
                </Link>
              </>
            )}
            {user && (
              <>
                <span className="user-name" title={t('nav.signedInAs', { name: user.display_name })}>
                  {user.display_name}
                </span>
                <button
                  type="button"
                  className="button button--ghost"
                  onClick={() => {
                    // Leave the page first: a page for signed-in people only
                    // would otherwise send to the sign-in form on the way out.
                    navigate('/');
                    void session.signOut();
                  }}
                >
                  {t('nav.signOut')}
                </button>
              </>
            )}
          </div>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="container main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>
            {t('app.name')} — {t('app.tagline')}
          </p>
        </div>
      </footer>
    </>
  );
}
