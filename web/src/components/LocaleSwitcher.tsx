import { useId } from 'react';

import { LOCALE_NAMES, LOCALES, isLocale } from '../i18n/format';
import { useI18n } from '../i18n/i18n';

// A labelled select: each language named in itself, so that a reader who
// does not understand the current one still finds theirs.
export function LocaleSwitcher() {
  const i18n = useI18n();
  const id = useId();
  return (
    <div className="locale-switcher">
      <label htmlFor={id}>{i18n.t('locale.label')}</label>
      <select
        id={id}
        value={i18n.locale}
        onChange={(e) => {
          if (isLocale(e.target.value)) void i18n.setLocale(e.target.value);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
