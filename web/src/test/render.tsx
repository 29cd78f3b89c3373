// Renders a piece of the app with its providers: an anonymous session (or
// the given user), the locale chosen on this browser, and a memory router.
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { RouterProvider, createMemoryRouter } from 'react-router';

import type { User } from '../api/types';
import { I18nProvider } from '../i18n/i18n';
import type { Locale } from '../i18n/format';
import { SessionProvider } from '../session/session';

export function renderApp(ui: ReactNode, { locale = 'en', path = '/', user }: { locale?: Locale; path?: string; user?: User } = {}) {
  window.localStorage.setItem('trivium.locale', locale);
  const router = createMemoryRouter([{ path: '*', element: ui }], { initialEntries: [path] });
  return render(
    <SessionProvider initial={user ? { status: 'signed-in', user } : { status: 'anonymous', user: null }}>
      <I18nProvider>
        <RouterProvider router={router} />
      </I18nProvider>
    </SessionProvider>,
  );
}

export function jsonResponse(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}
