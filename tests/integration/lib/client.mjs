// A small HTTP client for the tests: keeps cookies like a browser (the session
// cookie and trivium_csrf), sends X-CSRF-Token on unsafe methods, or a bearer
// token, and returns responses with their body already decoded.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

// Parses one Set-Cookie header into {name, value, attrs} (attribute names lower-cased).
export function parseSetCookie(header) {
  const parts = header.split(';').map((p) => p.trim());
  const [first, ...rest] = parts;
  const eq = first.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    if (!a) continue;
    const i = a.indexOf('=');
    if (i < 0) attrs[a.toLowerCase()] = true;
    else attrs[a.slice(0, i).trim().toLowerCase()] = a.slice(i + 1).trim();
  }
  return { name: first.slice(0, eq), value: first.slice(eq + 1), attrs, raw: header };
}

export class Response {
  constructor(status, headers, text, method, path) {
    this.status = status;
    this.headers = headers;
    this.text = text;
    this.method = method;
    this.path = path;
    const ct = headers.get('content-type') || '';
    this.json = undefined;
    if (/json/.test(ct) && text.length > 0) {
      try {
        this.json = JSON.parse(text);
      } catch {
        this.json = undefined;
      }
    }
    this.setCookies = (headers.getSetCookie ? headers.getSetCookie() : []).map(parseSetCookie);
  }
  get contentType() {
    return this.headers.get('content-type') || '';
  }
  get requestId() {
    return this.headers.get('x-request-id');
  }
  get isProblem() {
    return this.contentType.startsWith('application/problem+json');
  }
  cookie(name) {
    return this.setCookies.find((c) => c.name === name);
  }
  // One line for assertion messages.
  describe() {
    const body = this.text.length > 600 ? `${this.text.slice(0, 600)}...` : this.text;
    return `${this.method} ${this.path} -> ${this.status} (request ${this.requestId}) ${body}`;
  }
}

export class Client {
  // base: "http://127.0.0.1:port"
  constructor(base, { bearer } = {}) {
    this.base = base;
    this.cookies = new Map();
    this.csrf = null;
    this.bearer = bearer || null;
    this.user = null;
    this.session = null;  // the session object of the last login
  }

  // The session cookie's name and value, whatever its prefix.
  get sessionCookie() {
    for (const [name, value] of this.cookies) if (/trivium_session$/.test(name)) return { name, value };
    return null;
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  // options: json (object, sent as JSON), body (raw string/Buffer), contentType,
  // headers, csrf (false: omit the header; a string: send that value),
  // bearer (overrides the client's), cookies (false: send none).
  async request(method, path, options = {}) {
    const headers = { ...(options.headers || {}) };
    let body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = options.contentType || 'application/json';
    } else if (options.body !== undefined) {
      body = options.body;
      if (options.contentType) headers['content-type'] = options.contentType;
    }
    if (options.cookies !== false && this.cookies.size > 0 && !('cookie' in headers)) {
      headers.cookie = this.cookieHeader();
    }
    const bearer = options.bearer !== undefined ? options.bearer : this.bearer;
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (UNSAFE.has(method) && options.csrf !== false) {
      const token = typeof options.csrf === 'string' ? options.csrf : this.csrf;
      if (token) headers['x-csrf-token'] = token;
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const out = new Response(res.status, res.headers, text, method, path);
    if (options.cookies !== false) this.#remember(out.setCookies);
    return out;
  }

  #remember(setCookies) {
    for (const c of setCookies) {
      const maxAge = c.attrs['max-age'];
      const expires = c.attrs.expires ? Date.parse(c.attrs.expires) : NaN;
      const gone = c.value === '' || (maxAge !== undefined && Number(maxAge) <= 0) || expires < Date.now();
      if (gone) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
      if (/trivium_csrf$/.test(c.name)) this.csrf = gone ? null : c.value;
    }
  }

  get(path, options) {
    return this.request('GET', path, options);
  }
  post(path, json, options = {}) {
    return this.request('POST', path, { ...options, json });
  }
  patch(path, json, options = {}) {
    return this.request('PATCH', path, { ...options, json });
  }
  del(path, options) {
    return this.request('DELETE', path, options);
  }

  // Logs in; on success keeps the session and the CSRF token.
  async login(email, password, options = {}) {
    const res = await this.post('/api/v1/auth/login', { email, password }, options);
    if (res.status === 200 && res.json) {
      if (res.json.csrf_token) this.csrf = res.json.csrf_token;
      this.user = res.json.user;
      this.session = res.json.session;
    }
    return res;
  }

  async logout() {
    const res = await this.post('/api/v1/auth/logout');
    if (res.status === 204) {
      this.cookies.clear();
      this.csrf = null;
    }
    return res;
  }

  // A copy holding the same cookies, for replaying a session.
  clone() {
    const c = new Client(this.base, { bearer: this.bearer });
    c.cookies = new Map(this.cookies);
    c.csrf = this.csrf;
    c.user = this.user;
    c.session = this.session;
    return c;
  }
}
