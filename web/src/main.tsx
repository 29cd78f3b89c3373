import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';

import { I18nProvider } from './i18n/i18n';
import { routes } from './routes';
import { SessionProvider } from './session/session';
import './styles.css';

const router = createBrowserRouter(routes);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <I18nProvider>
        <RouterProvider router={router} />
      </I18nProvider>
    </SessionProvider>
  </StrictMode>,
);
