import { afterEach, describe, expect, it, vi } from 'vitest';

import { jsonResponse } from '../test/render';
import { ApiError, call, mayHaveSession, readCookie, url } from './client';

afterEach(() => vi.unstubAllGlobals());

function stubFetch(response: Response | Error) {
  const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => {
    if (response instanceof Error) throw response;
    return response;
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('api client', () => {
  it('calls /api/v1 with the query, the cookie session and JSON', async () => {
    const fetch = stubFetch(jsonResponse(200, { items: [], next_cursor: null }));
    await call('GET', '/courses', { query: { q: 'data lit', form: undefined, limit: 6, language: '' } });
    const [input, init] = fetch.mock.calls[0]!;
    expect(input).toBe('/api/v1/courses?q=data+lit&limit=6');
    expect(init?.credentials).toBe('same-origin');
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined();
  });

  it('CSRF-01: sends the session\'s token from the trivium_csrf cookie on unsafe methods', async () => {
    document.cookie = 'trivium_csrf=tok%2Den-123; Path=/';
    expect(mayHaveSession()).toBe(true);
    const fetch = stubFetch(jsonResponse(201, { id: 'e1', state: 'active' }));
    await call('POST', '/runs/r1/enrolment');
    const headers = fetch.mock.calls[0]![1]?.headers as Record<string, string>;
    expect(headers['X-CSRF-Token']).toBe('tok-en-123');
    expect(headers['Content-Type']).toBeUndefined(); // no body, no type
    await call('PATCH', '/me', { body: { locale: 'fr' } });
    const second = fetch.mock.calls[1]![1];
    expect((second?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
    expect(second?.body).toBe('{"locale":"fr"}');
  });

  it('turns a problem document into an ApiError with its field errors', async () => {
    stubFetch(
      jsonResponse(
        422,
        {
          type: 'urn:trivium:problem:invalid',
          title: 'Invalid request',
          status: 422,
          detail: 'The request has invalid fields.',
          errors: [
            { field: 'password', code: 'too_short', message: 'short' },
            { field: 'password', code: 'common', message: 'second error of the field' },
            { field: 'email', code: 'email', message: 'bad' },
          ],
        },
        'application/problem+json',
      ),
    );
    const err = await call('POST', '/auth/register', { body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.status).toBe(422);
    expect(api.message).toBe('The request has invalid fields.');
    expect(api.fields()).toEqual({
      password: { code: 'too_short', message: 'short' },
      email: { code: 'email', message: 'bad' },
    });
  });

  it('a server that cannot be reached is status 0; 204 is no body', async () => {
    stubFetch(new TypeError('Failed to fetch'));
    await expect(call('GET', '/me')).rejects.toMatchObject({ status: 0 });
    stubFetch(new Response(null, { status: 204 }));
    await expect(call('POST', '/auth/logout')).resolves.toBeNull();
  });

  it('reads cookies and builds URLs', () => {
    expect(readCookie('b', 'a=1; b=two%20words; c=3')).toBe('two words');
    expect(readCookie('d', 'a=1')).toBeNull();
    expect(mayHaveSession()).toBe(false);
    expect(url('/courses/a b')).toBe('/api/v1/courses/a b');
  });
});
