// The one way the app talks to the server: JSON over /api/v1 with the
// session cookie, and on unsafe methods the anti-forgery token the server
// bound to the session (CSRF-01: the X-CSRF-Token header, whose value the
// server also gives in the readable trivium_csrf cookie at sign-in).
import type { Problem } from './types';

export const API_BASE = '/api/v1';
const CSRF_COOKIE = 'trivium_csrf';

// A failed call: the server's problem document (RFC 9457) when there is
// one; status 0 when the server could not be reached.
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;
  constructor(status: number, problem: Problem | null, message?: string) {
    super(message ?? problem?.detail ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }
  // field -> {code, message} for the first error of each field (422).
  fields(): Record<string, { code: string; message: string }> {
    const out: Record<string, { code: string; message: string }> = {};
    for (const e of this.problem?.errors ?? []) if (!out[e.field]) out[e.field] = { code: e.code, message: e.message };
    return out;
  }
}

export function readCookie(name: string, cookies: string = document.cookie): string | null {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

// True when this browser holds a session's token: without it no session
// cookie can be valid, so a visitor's first page costs no /me request.
export function mayHaveSession(): boolean {
  return readCookie(CSRF_COOKIE) !== null;
}

type Query = Record<string, string | number | undefined | null>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

export function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${API_BASE}${path}${qs ? `?${qs}` : ''}`;
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!['GET', 'HEAD', 'OPTIONS'].includes(method)) {
    const token = readCookie(CSRF_COOKIE);
    if (token) headers['X-CSRF-Token'] = token;
  }
  let res: Response;
  try {
    res = await fetch(url(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, null, 'network');
  }
  const type = res.headers.get('Content-Type') ?? '';
  const body = res.status === 204 || !type.includes('json') ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body && typeof body === 'object' && 'status' in body ? (body as Problem) : null);
  return body as T;
}
