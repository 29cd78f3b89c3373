// A real SMTP server on loopback that keeps every message it receives, so that
// tests read the verification, reset and invitation mails the server sent.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export class MailSink {
  constructor() {
    this.messages = [];  // {to: [addr], from, subject, text, raw, taken}
    this.waiters = [];
  }

  async start() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      banner: 'trivium-test-sink',
      onData: (stream, session, callback) => {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks);
          try {
            const parsed = await simpleParser(raw);
            this.#add({
              to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject || '',
              text: parsed.text || '',
              headers: parsed.headers,
              raw: raw.toString('utf8'),
              taken: false,
            });
            callback();
          } catch (err) {
            callback(err);
          }
        });
      },
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = this.server.server.address().port;
    this.url = `smtp://127.0.0.1:${this.port}`;
    return this;
  }

  async stop() {
    if (this.server) await new Promise((resolve) => this.server.close(resolve));
    this.server = null;
  }

  #add(msg) {
    this.messages.push(msg);
    for (const w of [...this.waiters]) w();
  }

  // Waits for the next message to `to` (not returned before) whose subject or
  // text matches `match` (a RegExp, optional), and marks it taken.
  async next(to, { match, timeoutMs = 20000 } = {}) {
    const addr = to.toLowerCase();
    const find = () =>
      this.messages.find(
        (m) => !m.taken && m.to.includes(addr) && (!match || match.test(m.subject) || match.test(m.text)),
      );
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = find();
      if (m) {
        m.taken = true;
        return m;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.messages.map((x) => `${x.to.join(',')}: ${x.subject}`).join('\n  ');
        throw new Error(`no mail to ${to}${match ? ` matching ${match}` : ''} within ${timeoutMs} ms; received:\n  ${seen}`);
      }
      await new Promise((resolve) => {
        const t = setTimeout(done, Math.min(left, 250));
        const self = this;
        function done() {
          clearTimeout(t);
          self.waiters = self.waiters.filter((w) => w !== done);
          resolve();
        }
        this.waiters.push(done);
      });
    }
  }

  // Messages to `to` so far (taken or not).
  to(addr) {
    return this.messages.filter((m) => m.to.includes(addr.toLowerCase()));
  }
}

// The single-use token carried by a mail's link: `...?token=<token>`
// (verification, reset) or `...?invitation=<token>` (invitations).
export function tokenFrom(message) {
  const m = /[?&](?:token|invitation)=([A-Za-z0-9_\-.~%]+)/.exec(message.text);
  if (!m) throw new Error(`no token= or invitation= link in mail "${message.subject}":\n${message.text}`);
  return decodeURIComponent(m[1]);
}
