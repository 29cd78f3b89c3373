import { describe, expect, it } from 'vitest';

// Every source file of the app, as text.
const sources = import.meta.glob(['./**/*.{ts,tsx}', '!./**/*.test.{ts,tsx}', '!./api/schema.d.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

describe('XSS-01: text is rendered as text', () => {
  it('reads the app\'s sources', () => {
    expect(Object.keys(sources)).toContain('./components/SanitizedHtml.tsx');
    expect(Object.keys(sources).length).toBeGreaterThan(10);
  });

  it('puts HTML into the page only in SanitizedHtml (server-sanitised rich text)', () => {
    const offenders = Object.entries(sources)
      .filter(([file]) => file !== './components/SanitizedHtml.tsx')
      .filter(([, text]) => /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write/.test(text))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });

  it('never evaluates strings as code (the CSP forbids it anyway)', () => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => /\beval\s*\(|new Function\s*\(|setTimeout\(\s*['"`]/.test(text))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });
});
