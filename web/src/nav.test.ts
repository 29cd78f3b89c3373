import { describe, expect, it } from 'vitest';

import { safeNext } from './nav';

describe('safeNext (HDR-07: redirects after sign-in stay on this site)', () => {
  it('keeps paths of this site', () => {
    expect(safeNext('/courses/42')).toBe('/courses/42');
    expect(safeNext('/catalog?q=data#top')).toBe('/catalog?q=data#top');
  });

  it('refuses other origins and odd forms', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      '/\t/evil.example',
      'courses/42',
      '',
      null,
      undefined,
    ]) {
      expect(safeNext(next), String(next)).toBe('/learning');
    }
    expect(safeNext('//evil.example', '/')).toBe('/');
  });
});
