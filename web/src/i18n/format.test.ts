import { describe, expect, it } from 'vitest';

import { createTranslator, fieldErrorText, pickLocale, type Message } from './format';
import { en } from './messages/en';
import { fr } from './messages/fr';

const NNBSP = '\u202f'; // French groups digits with a narrow no-break space
const NBSP = '\u00a0'; // and puts a no-break space before "%"

describe('plural forms', () => {
  it('English: one for 1 only', () => {
    const { t } = createTranslator('en');
    expect(t('catalog.shown', { count: 0 })).toBe('0 courses shown');
    expect(t('catalog.shown', { count: 1 })).toBe('1 course shown');
    expect(t('catalog.shown', { count: 2 })).toBe('2 courses shown');
    expect(t('course.hours', { count: 1.5 })).toBe('1.5 hours of work');
    expect(t('course.units', { count: 1 })).toBe('1 unit');
  });

  it('French: one for 0, 1 and 1.5; many for a round million', () => {
    const { t } = createTranslator('fr');
    expect(t('catalog.shown', { count: 0 })).toBe('0 cours affiché');
    expect(t('catalog.shown', { count: 1 })).toBe('1 cours affiché');
    expect(t('catalog.shown', { count: 2 })).toBe('2 cours affichés');
    expect(t('course.hours', { count: 1.5 })).toBe('1,5 heure de travail');
    expect(t('course.hours', { count: 15 })).toBe('15 heures de travail');
    expect(t('course.units', { count: 0 })).toBe('0 unité');
    expect(t('course.seats', { count: 1_000_000 })).toBe(`1${NNBSP}000${NNBSP}000 de places`);
  });

  it('placeholders are filled, numbers formatted, unknown ones left visible', () => {
    const { t } = createTranslator('fr');
    expect(t('enrol.waitlisted', { position: 1234 })).toBe(
      `La session est complète : vous êtes sur la liste d’attente (position 1${NNBSP}234).`,
    );
    expect(t('catalog.resultsFor', { q: 'données' })).toBe('Résultats pour « données »');
    expect(t('catalog.resultsFor')).toBe('Résultats pour « {q} »');
  });
});

describe('dates and numbers by locale', () => {
  const iso = '2026-07-05T23:30:00Z';

  it('formats dates in the reader\'s language and time zone', () => {
    expect(createTranslator('en', 'Europe/Paris').date(iso)).toBe('July 6, 2026');
    expect(createTranslator('fr', 'Europe/Paris').date(iso)).toBe('6 juillet 2026');
    expect(createTranslator('fr', 'America/New_York').date(iso)).toBe('5 juillet 2026');
    expect(createTranslator('fr', 'Europe/Paris').dateTime(iso)).toBe('6 juillet 2026 à 01:30');
    expect(createTranslator('en', 'Europe/Paris').dateTime(iso)).toBe('July 6, 2026 at 1:30 AM');
  });

  it('ignores an unknown time zone rather than failing', () => {
    expect(() => createTranslator('en', 'Mars/Olympus').date(iso)).not.toThrow();
  });

  it('formats numbers and percentages', () => {
    expect(createTranslator('en').number(1234.5)).toBe('1,234.5');
    expect(createTranslator('fr').number(1234.5)).toBe(`1${NNBSP}234,5`);
    expect(createTranslator('en').percent(40)).toBe('40%');
    expect(createTranslator('fr').percent(40)).toBe(`40${NBSP}%`);
    expect(createTranslator('fr').percent(33.4)).toBe(`33${NBSP}%`);
  });

  it('names languages in the reader\'s language', () => {
    expect(createTranslator('en').languageName('fr')).toBe('French');
    expect(createTranslator('fr').languageName('en')).toBe('anglais');
  });
});

describe('locale choice', () => {
  it('takes the first supported language of the browser, else English', () => {
    expect(pickLocale(['fr-CA', 'en-US'])).toBe('fr');
    expect(pickLocale(['de-DE', 'en-GB', 'fr'])).toBe('en');
    expect(pickLocale(['de', 'FR'])).toBe('fr');
    expect(pickLocale(['de'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});

describe('catalogs', () => {
  const placeholders = (m: Message) =>
    [...new Set((typeof m === 'string' ? [m] : Object.values(m)).flatMap((s) => s.match(/\{\w+\}/g) ?? []))].sort();

  it('French has every English key and no other', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('each message keeps the placeholders of the English one, and plural messages have "other"', () => {
    for (const [key, message] of Object.entries(en) as [keyof typeof en, Message][]) {
      const french = fr[key];
      expect(placeholders(french), key).toEqual(placeholders(message));
      if (typeof message !== 'string') {
        expect(typeof french, key).toBe('object');
        expect(message.other, key).toBeTruthy();
        expect((french as Exclude<Message, string>).other, key).toBeTruthy();
      }
    }
  });

  it('field errors from the server are translated by field and code, else shown as sent', () => {
    const tr = createTranslator('fr');
    expect(fieldErrorText(tr, 'password', 'too_short', 'The password must have at least 8 characters.')).toBe(
      'Le mot de passe doit comporter au moins 8 caractères.',
    );
    expect(fieldErrorText(tr, 'display_name', 'too_short', 'must be at least 1 characters')).toBe('C’est trop court.');
    expect(fieldErrorText(tr, 'email', 'taken', 'exists')).toBe('Un compte existe déjà avec cette adresse e-mail.');
    expect(fieldErrorText(tr, 'email', 'brand_new_code', 'Server words.')).toBe('Server words.');
  });
});
