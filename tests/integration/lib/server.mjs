// Starts the real `trivium serve` binary for a test file: a fresh data folder,
// a free loopback port, a real SMTP server (lib/smtp.mjs), and on the
// PostgreSQL run a fresh database per start. Configuration is by environment
// (TRIVIUM_*), exactly as an operator would set it.
//
// Environment read here:
//   TRIVIUM_BIN          the binary (default: build/debug/trivium from the repo root)
//   TRIVIUM_IT_STORE     sqlite (default) | postgres
//   TRIVIUM_IT_PG_URL    postgres run: a database to connect to for CREATE DATABASE
//                        (falls back to TRIVIUM_TEST_PG_URL)
//   TRIVIUM_IT_KEEP_LOGS keep every server log (they are kept anyway when a stop fails)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

import { Client } from './client.mjs';
import { MailSink, tokenFrom } from './smtp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const store = process.env.TRIVIUM_IT_STORE || 'sqlite';

// Servers currently running, so that a failing test can show their logs.
export const running = new Set();

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// The binary under test.
export function binaryPath() {
  return process.env.TRIVIUM_BIN || path.join(repoRoot, 'build', 'debug', 'trivium');
}

// Runs the binary once with `args` (e.g. ['demo']) in a server's environment
// (options.before gets it, and a started server keeps it as server.env), so
// that the command uses the same data folder and database. Resolves to
// {code, signal, stdout, stderr}.
export function runCommand(args, { env, cwd, timeoutMs = 120000 }) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binaryPath(), args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.stdout.on('data', (d) => { stdout += d.toString(); });
    proc.stderr.on('data', (d) => { stderr += d.toString(); });
    proc.on('error', (err) => { clearTimeout(timer); reject(err); });
    proc.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const randomHex = (bytes = 6) => crypto.randomBytes(bytes).toString('hex');
// A password no common-password list holds.
export const strongPassword = () => `Tv-${crypto.randomBytes(12).toString('base64url')}-9`;

async function createDatabase() {
  const adminUrl = process.env.TRIVIUM_IT_PG_URL || process.env.TRIVIUM_TEST_PG_URL;
  if (!adminUrl) throw new Error('TRIVIUM_IT_STORE=postgres needs TRIVIUM_IT_PG_URL (scripts/test.sh sets it)');
  const name = `trivium_it_${randomHex(6)}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(`CREATE DATABASE ${name}`);
  } finally {
    await c.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), adminUrl };
}

async function dropDatabase(db) {
  const c = new pg.Client({ connectionString: db.adminUrl });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export class Server {
  constructor(options = {}) {
    this.options = options;
    this.counter = 0;
  }

  async start() {
    const o = this.options;
    this.mail = o.mail || (await new MailSink().start());
    this.ownsMail = !o.mail;
    // options.dataDir / options.database: start again on an earlier server's data.
    this.dataDir = o.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'trivium-it-'));
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    this.logPath = path.join(this.dataDir, 'server.log');
    this.db = o.database || (store === 'postgres' ? await createDatabase() : null);

    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('TRIVIUM_') && !k.startsWith('TRIVIUM_IT_')) delete env[k];
    Object.assign(env, {
      TRIVIUM_DATA_DIR: this.dataDir,
      TRIVIUM_LISTEN: `127.0.0.1:${this.port}`,
      TRIVIUM_PUBLIC_URL: this.base,
      TRIVIUM_SMTP_URL: this.mail.url,
      TRIVIUM_SMTP_FROM: 'Trivium Tests <no-reply@trivium.test>',
      TRIVIUM_TEST_HOOKS: '1',
      TRIVIUM_LOG_FORMAT: 'json',
      TRIVIUM_LOG_LEVEL: 'debug',
      TRIVIUM_THREADS: '2',
      // Real cost (ASVS floor); a test may raise it, never lower it.
      TRIVIUM_ARGON2_MEMORY_KIB: '19456',
      // The suite logs in far more often than a person; the per-IP limit has
      // its own test (throttle.test.mjs) with a low value.
      TRIVIUM_AUTH_REQUESTS_PER_IP_PER_MINUTE: '100000',
      TRIVIUM_AUTH_BURST_PER_IP: '100000',
    });
    if (this.db) env.TRIVIUM_DATABASE_URL = this.db.url;
    Object.assign(env, o.env || {});

    const bin = binaryPath();
    if (!fs.existsSync(bin)) throw new Error(`server binary ${bin} does not exist (build it, or set TRIVIUM_BIN)`);
    this.env = env;
    // options.before(dataDir, env): runs before `serve` (e.g. `trivium demo`
    // on the fresh data folder); a string it returns is searched, like the
    // server's output, for the first administrator's password.
    this.beforeOutput = '';
    if (o.before) {
      try {
        this.beforeOutput = (await o.before(this.dataDir, env)) || '';
      } catch (err) {
        // Nothing is running yet: release what start() took so far.
        if (this.ownsMail) await this.mail.stop();
        if (this.db && !o.database) await dropDatabase(this.db).catch(() => {});
        throw err;
      }
    }
    this.log = fs.openSync(this.logPath, 'a');
    this.stdout = '';
    this.exit = null;
    // cwd is the data folder so that no stray ./trivium.toml is picked up.
    this.proc = spawn(bin, ['serve', ...(o.args || [])], { cwd: this.dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exit = this.exit || { code, signal };
        resolve(this.exit);
      });
      // Could not start at all (not executable, ...): there is no 'exit'.
      this.proc.on('error', (err) => {
        this.exit = this.exit || { code: null, signal: null, error: err.message };
        resolve(this.exit);
      });
    });
    this.proc.stdout.on('data', (d) => {
      this.stdout += d.toString();
      fs.writeSync(this.log, d);
    });
    this.proc.stderr.on('data', (d) => fs.writeSync(this.log, d));
    running.add(this);

    await this.#waitReady(o.readyTimeoutMs || 60000);
    const m = /Initial administrator: (\S+) password: (\S+)/.exec(this.beforeOutput + this.stdout);
    if (m) this.admin = { email: m[1], password: m[2].replace(/["}\\,]+$/, '') };
    return this;
  }

  async #waitReady(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`server exited during start (${JSON.stringify(this.exit)})\n${this.logTail()}`);
      try {
        const res = await fetch(`${this.base}/readyz`);
        await res.text();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server not ready within ${timeoutMs} ms\n${this.logTail()}`);
  }

  logTail(lines = 80) {
    try {
      const text = fs.readFileSync(this.logPath, 'utf8').split('\n');
      return `--- server log (${this.logPath}), last ${lines} lines ---\n${text.slice(-lines).join('\n')}`;
    } catch {
      return '(no server log)';
    }
  }

  // Sends a signal once (a second SIGTERM may mean "stop now" to a server).
  signal(name) {
    this.signalled = name;
    this.proc.kill(name);
  }

  // Sends SIGTERM and waits; returns {code, signal}. Graceful shutdown means
  // exit code 0 (ASan's leak check runs at exit and would make it non-zero).
  // keepData: leave the data folder and database for a later start.
  async stop({ timeoutMs = 20000, keepData = false } = {}) {
    if (!this.proc) return this.exit;
    if (!this.exit && !this.signalled) this.signal('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const r = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (r === 'timeout') {
      this.proc.kill('SIGKILL');
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      this.exit = { code: null, signal: 'SIGKILL', timedOut: true };
    }
    running.delete(this);
    fs.closeSync(this.log);
    this.proc = null;
    if (this.ownsMail) await this.mail.stop();
    if (keepData) return this.exit;
    if (this.db) await dropDatabase(this.db).catch(() => {});
    const clean = this.exit.code === 0 && !this.exit.timedOut;
    if (clean && !process.env.TRIVIUM_IT_KEEP_LOGS) fs.rmSync(this.dataDir, { recursive: true, force: true });
    return this.exit;
  }

  // Stops and throws unless the exit was graceful (code 0 within the timeout).
  async stopCleanly() {
    const exit = await this.stop();
    if (exit.code !== 0 || exit.timedOut) {
      throw new Error(`server did not shut down cleanly: ${JSON.stringify(exit)}\n${this.logTail(120)}`);
    }
  }

  client(options) {
    return new Client(this.base, options);
  }

  // POST /api/v1/test/clock: moves the server's clock forward.
  async advanceClock(ms) {
    const res = await this.client().post('/api/v1/test/clock', { advance_ms: ms });
    if (res.status < 200 || res.status > 299) throw new Error(`clock hook failed: ${res.describe()}`);
  }

  // The first platform administrator, logged in. If the one-time password must
  // be changed first, changes it (and logs in again with the new one).
  async adminClient() {
    if (!this.admin) throw new Error(`no "Initial administrator" line on the server's stdout\n${this.logTail()}`);
    const c = this.client();
    let res = await c.login(this.admin.email, this.admin.password);
    if (res.status !== 200) throw new Error(`admin login failed: ${res.describe()}`);
    if (res.json.user && res.json.user.must_change_password) {
      const next = strongPassword();
      const ch = await c.post('/api/v1/me/password', { current_password: this.admin.password, new_password: next });
      if (ch.status !== 204) throw new Error(`admin password change failed: ${ch.describe()}`);
      this.admin.password = next;
      const again = this.client();
      res = await again.login(this.admin.email, next);
      if (res.status !== 200) throw new Error(`admin login after change failed: ${res.describe()}`);
      return again;
    }
    return c;
  }

  newEmail(tag = 'user') {
    this.counter += 1;
    return `${tag}-${this.counter}-${randomHex(4)}@example.com`;
  }

  // Registers a user, confirms the e-mail address through the mail the server
  // sent, and logs in. Returns {id, email, password, client, user}.
  async createUser({ email, password, display_name, verify = true, login = true, extra = {} } = {}) {
    email = email || this.newEmail();
    password = password || strongPassword();
    const anon = this.client();
    const reg = await anon.post('/api/v1/auth/register', {
      email,
      password,
      display_name: display_name || `Learner ${this.counter}`,
      ...extra,
    });
    if (reg.status !== 201) throw new Error(`register failed: ${reg.describe()}`);
    const id = reg.json.user ? reg.json.user.id : reg.json.id;
    if (verify) {
      const mail = await this.mail.next(email, { match: /verif|confirm/i });
      const v = await anon.post('/api/v1/auth/verify-email', { token: tokenFrom(mail) });
      if (v.status < 200 || v.status > 299) throw new Error(`verify-email failed: ${v.describe()}`);
    }
    const user = { id, email, password, client: null, user: reg.json.user || reg.json };
    if (login) user.client = await this.loginClient(email, password);
    return user;
  }

  async loginClient(email, password) {
    const c = this.client();
    const res = await c.login(email, password);
    if (res.status !== 200) throw new Error(`login of ${email} failed: ${res.describe()}`);
    return c;
  }
}

export async function startServer(options) {
  const s = new Server(options);
  try {
    return await s.start();
  } catch (err) {
    await s.stop().catch(() => {});
    throw err;
  }
}
