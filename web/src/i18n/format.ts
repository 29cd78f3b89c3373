// The translator: messages by key with {placeholders} and plural forms, and
// numbers and dates formatted for the locale. Built on the browser's Intl
// (PluralRules, NumberFormat, DateTimeFormat, DisplayNames): no library,
// no locale data shipped with the app (docs/decisions/0012-web-app.md).
import { en, type MessageKey } from './messages/en';
import { fr } from './messages/fr';

export type Locale = 'en' | 'fr';
export const LOCALES: readonly Locale[] = ['en', 'fr'];
// Each language's name in itself, for the switcher.
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | PluralForms;
export type Params = Record<string, string | number>;

const catalogs: Record<Locale, Record<MessageKey, Message>> = { en, fr };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

// The first supported language among the browser's preferences
// ("fr-CA" counts as French), else English.
export function pickLocale(preferences: readonly string[]): Locale {
  for (const tag of preferences) {
    const language = tag.toLowerCase().split('-')[0];
    if (isLocale(language)) return language;
  }
  return 'en';
}

export interface Translator {
  locale: Locale;
  // The message, with {name} replaced by params.name (numbers formatted for
  // the locale) and, for plural messages, the form for params.count.
  t(key: MessageKey, params?: Params): string;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  // 0..100 as "40%" / "40 %".
  percent(value: number): string;
  // A date (no time) in the reader's time zone: "6 July 2026" / "6 juillet 2026".
  date(iso: string): string;
  // Date and time: "6 July 2026 at 09:00" / "6 juillet 2026 à 09:00".
  dateTime(iso: string): string;
  // A language code ("fr") named in the reader's language ("French" / "français").
  languageName(code: string): string;
}

export function createTranslator(locale: Locale, timeZone?: string): Translator {
  const plurals = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  const zone = validZone(timeZone);
  const dates = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: zone });
  const dateTimes = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: zone });
  const languages = new Intl.DisplayNames([locale], { type: 'language' });

  const t = (key: MessageKey, params: Params = {}): string => {
    const message = catalogs[locale][key] ?? en[key] ?? key;
    let text: string;
    if (typeof message === 'string') {
      text = message;
    } else {
      const count = Number(params.count ?? 0);
      text = message[plurals.select(count)] ?? message.other;
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };

  return {
    locale,
    t,
    number: (value, options) => (options ? new Intl.NumberFormat(locale, options) : numbers).format(value),
    percent: (value) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100),
    date: (iso) => dates.format(new Date(iso)),
    dateTime: (iso) => dateTimes.format(new Date(iso)),
    languageName: (code) => {
      try {
        return languages.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

// An IANA zone Intl knows, else undefined (the browser's own zone).
function validZone(zone: string | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

// A field error of a problem document in the reader's language: the
// message for this field and code, else for the code, else the server's.
export function fieldErrorText(tr: Translator, field: string, code: string, serverMessage: string): string {
  for (const key of [`error.${field}.${code}`, `error.${code}`]) if (isMessageKey(key)) return tr.t(key);
  return serverMessage;
}
