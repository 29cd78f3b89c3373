import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { CatalogEntry, User } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Register } from '../pages/Register';
import { jsonResponse, renderApp } from '../test/render';
import { CourseCard } from './CourseCard';
import { Field } from './Field';
import { LocaleSwitcher } from './LocaleSwitcher';

afterEach(() => vi.unstubAllGlobals());

const course = {
  id: 'c-1',
  title: 'Data Literacy for Everyone',
  summary: 'Read charts and question numbers.',
  form: 'mooc',
  language: 'en',
  effort_hours: 15,
  next_run: { starts_at: '2099-03-02T08:00:00Z' },
} as unknown as CatalogEntry;

function Greeting() {
  const { t } = useI18n();
  return <p>{t('nav.catalog')}</p>;
}

describe('Field', () => {
  it('ties its label, hint and error to the input', () => {
    renderApp(<Field label="E-mail address" name="email" hint="We never share it." error="Enter a valid e-mail address." />);
    const input = screen.getByLabelText('E-mail address');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ');
    expect(described).toHaveLength(2);
    expect(described.map((id) => document.getElementById(id)?.textContent)).toEqual([
      'We never share it.',
      'Enter a valid e-mail address.',
    ]);
  });

  it('has no error state without an error', () => {
    renderApp(<Field label="Name" name="n" />);
    const input = screen.getByLabelText('Name');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(input.hasAttribute('aria-describedby')).toBe(false);
  });
});

describe('LocaleSwitcher', () => {
  it('switches the interface to French and remembers it on this browser', async () => {
    renderApp(
      <>
        <LocaleSwitcher />
        <Greeting />
      </>,
    );
    expect(screen.getByText('Catalog')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'fr' } });
    await waitFor(() => expect(screen.getByText('Catalogue')).toBeTruthy());
    expect(screen.getByLabelText('Langue')).toBeTruthy();
    expect(document.documentElement.lang).toBe('fr');
    expect(window.localStorage.getItem('trivium.locale')).toBe('fr');
  });

  it('saves the choice to the profile when signed in', async () => {
    const user = { id: 'u1', display_name: 'Ada', locale: 'en', time_zone: 'Europe/Paris' } as User;
    document.cookie = 'trivium_csrf=abc; Path=/';
    const fetch = vi.fn(async () => jsonResponse(200, { ...user, locale: 'fr' }));
    vi.stubGlobal('fetch', fetch);
    renderApp(
      <>
        <LocaleSwitcher />
        <Greeting />
      </>,
      { user },
    );
    fireEvent.change(screen.getByLabelText('Language'), { target: { value: 'fr' } });
    await waitFor(() => expect(screen.getByText('Catalogue')).toBeTruthy());
    const [input, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(input).toBe('/api/v1/me');
    expect(init.method).toBe('PATCH');
    expect(init.body).toBe('{"locale":"fr"}');
    expect((init.headers as Record<string, string>)['X-CSRF-Token']).toBe('abc');
  });

  it('follows the profile\'s language over the browser\'s choice', () => {
    const user = { id: 'u1', display_name: 'Ada', locale: 'fr', time_zone: 'Europe/Paris' } as User;
    renderApp(<Greeting />, { user, locale: 'en' });
    expect(screen.getByText('Catalogue')).toBeTruthy();
  });
});

describe('CourseCard', () => {
  it('links to the course and shows its facts in English', () => {
    renderApp(<CourseCard course={course} />);
    const link = screen.getByRole('link', { name: 'Data Literacy for Everyone' });
    expect(link.getAttribute('href')).toBe('/courses/c-1');
    expect(screen.getByText('MOOC')).toBeTruthy();
    expect(screen.getByText('English')).toBeTruthy();
    expect(screen.getByText('15 hours of work')).toBeTruthy();
    expect(screen.getByText(/^Starts March 2, 2099$/)).toBeTruthy();
  });

  it('in French: French dates, language names and plurals', () => {
    renderApp(<CourseCard course={{ ...course, effort_hours: 1.5 }} />, { locale: 'fr' });
    expect(screen.getByText('anglais')).toBeTruthy();
    expect(screen.getByText('1,5 heure de travail')).toBeTruthy();
    expect(screen.getByText(/^Commence le 2 mars 2099$/)).toBeTruthy();
  });
});

describe('Register', () => {
  it('shows the server\'s field errors next to their fields, in French', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        jsonResponse(
          422,
          {
            type: 'urn:trivium:problem:invalid',
            title: 'Invalid request',
            status: 422,
            detail: 'The request has invalid fields.',
            errors: [
              { field: 'password', code: 'common', message: 'This password is too common; choose another one.' },
              { field: 'email', code: 'email', message: 'Enter a valid e-mail address.' },
            ],
          },
          'application/problem+json',
        ),
      ),
    );
    renderApp(<Register />, { locale: 'fr', path: '/register' });
    fireEvent.change(screen.getByLabelText('Votre nom'), { target: { value: 'Ada' } });
    fireEvent.change(screen.getByLabelText('Adresse e-mail'), { target: { value: 'ada@' } });
    fireEvent.change(screen.getByLabelText('Mot de passe'), { target: { value: 'password' } });
    fireEvent.click(screen.getByRole('button', { name: 'Créer mon compte' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Certains champs sont à corriger.'));
    const password = screen.getByLabelText('Mot de passe');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    const errorId = (password.getAttribute('aria-describedby') ?? '').split(' ').pop()!;
    expect(document.getElementById(errorId)?.textContent).toBe('Ce mot de passe est trop courant : choisissez-en un autre.');
    expect(screen.getByLabelText('Adresse e-mail').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByLabelText('Votre nom').hasAttribute('aria-invalid')).toBe(false);
  });

  it('sends the registration with the reader\'s language and says where the link went', async () => {
    const fetch = vi.fn(async () => jsonResponse(201, { user: { id: 'u1' } }));
    vi.stubGlobal('fetch', fetch);
    renderApp(<Register />, { path: '/register' });
    fireEvent.change(screen.getByLabelText('Your name'), { target: { value: ' Ada Lovelace ' } });
    fireEvent.change(screen.getByLabelText('E-mail address'), { target: { value: 'ada@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'a long passphrase' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create my account' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Check your inbox' })).toBeTruthy());
    expect(screen.getByRole('status').textContent).toContain('ada@example.com');
    const body = JSON.parse(String((fetch.mock.calls[0] as unknown as [string, RequestInit])[1].body));
    expect(body).toMatchObject({ email: 'ada@example.com', display_name: 'Ada Lovelace', password: 'a long passphrase', locale: 'en' });
    expect(typeof body.time_zone).toBe('string');
  });
});
