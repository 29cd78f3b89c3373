// Where to go after signing in: only a path of this site (HDR-07), never
// another origin ("//evil.example", "https://...", "/\\evil.example",
// "javascript:..."), else the fallback.
export function safeNext(next: string | null | undefined, fallback = '/learning'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return fallback;
  try {
    const base = 'http://trivium.invalid';
    const resolved = new URL(next, base);
    if (resolved.origin !== base) return fallback;
    return resolved.pathname + resolved.search + resolved.hash;
  } catch {
    return fallback;
  }
}
