// The reader's language: their profile's when signed in, else the one they
// chose on this browser, else the browser's preferences. Changing it while
// signed in saves it to the profile (PATCH /api/v1/me).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

import { api } from '../api/endpoints';
import { useSession } from '../session/session';
import { createTranslator, isLocale, pickLocale, type Locale, type Translator } from './format';

const STORAGE_KEY = 'trivium.locale';

export interface I18n extends Translator {
  setLocale(locale: Locale): Promise<void>;
}

const I18nContext = createContext<I18n | null>(null);

function storedLocale(): Locale | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

function browserLocale(): Locale {
  return pickLocale(navigator.languages?.length ? navigator.languages : [navigator.language ?? 'en']);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const session = useSession();
  const user = session.state.user;
  const [chosen, setChosen] = useState<Locale | null>(storedLocale);
  const locale: Locale = user && isLocale(user.locale) ? user.locale : (chosen ?? browserLocale());
  const timeZone = user?.time_zone;

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const { setUser } = session;
  const setLocale = useCallback(
    async (next: Locale) => {
      setChosen(next);
      try {
        window.localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // private mode: the choice lasts for this page only
      }
      if (user && user.locale !== next) {
        try {
          setUser(await api.updateMe({ locale: next }));
        } catch {
          // Not saved (offline, session ended): the profile's language stays.
        }
      }
    },
    [user, setUser],
  );

  const value = useMemo<I18n>(
    () => ({ ...createTranslator(locale, timeZone), setLocale }),
    [locale, timeZone, setLocale],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}
