// What the web tests share: the real server (tests/integration/lib, with the
// demo catalog and the built app), Debian's chromium driven by playwright-core,
// axe-core on every page, and the folder that keeps screenshots and traces
// when a test fails.
//
// Environment read here (besides tests/integration/lib/server.mjs's):
//   TRIVIUM_WEB_ROOT       the built app (default: web/dist from the repository root)
//   TRIVIUM_CHROMIUM       the browser (default: /usr/bin/chromium)
//   TRIVIUM_WEB_ARTIFACTS  where to keep screenshots and traces (default: a new /tmp folder)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

import { repoRoot, runCommand, startServer } from '../../integration/lib/server.mjs';

export { assert };
export const webRoot = path.resolve(process.env.TRIVIUM_WEB_ROOT || path.join(repoRoot, 'web', 'dist'));

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// A fresh data folder with the demo catalog, then `trivium serve` with the app.
export async function startDemoServer(extraEnv = {}) {
  if (!fs.existsSync(path.join(webRoot, 'index.html'))) {
    throw new Error(`${webRoot}/index.html does not exist: build the app first (cd web && npm ci && npm run build)`);
  }
  let demo;
  const server = await startServer({
    env: { TRIVIUM_WEB_ROOT: webRoot, ...extraEnv },
    before: async (dataDir, env) => {
      demo = await runCommand(['demo'], { cwd: dataDir, env });
      if (demo.code !== 0) throw new Error(`trivium demo failed (${demo.code}):\n${demo.stdout}\n${demo.stderr}`);
      return demo.stdout;
    },
  });
  return server;
}

export async function launchBrowser() {
  const executablePath = process.env.TRIVIUM_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) throw new Error(`${executablePath} does not exist (apt-get install chromium)`);
  // launch() starts from a new, empty profile every time.
  return chromium.launch({
    executablePath,
    headless: true,
    // Chromium's sandbox refuses to run as root.
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
}

// Screenshots and traces of failing tests, in one folder printed at the start.
export class Artifacts {
  constructor(name) {
    this.dir = process.env.TRIVIUM_WEB_ARTIFACTS
      ? path.join(process.env.TRIVIUM_WEB_ARTIFACTS, name)
      : fs.mkdtempSync(path.join(os.tmpdir(), `trivium-web-${name}-`));
    fs.mkdirSync(this.dir, { recursive: true });
    this.failed = false;
    this.contexts = [];
    console.log(`# ${name}: screenshots and traces of failures go to ${this.dir}`);
  }

  // A browser context whose trace is recorded (kept only if a test fails).
  async context(browser, label, options) {
    const context = await browser.newContext(options);
    await context.tracing.start({ screenshots: true, snapshots: true, title: label });
    this.contexts.push({ context, label });
    return context;
  }

  async screenshot(page, label) {
    const file = path.join(this.dir, `${label.replace(/[^\w-]+/g, '_').slice(0, 80)}.png`);
    try {
      await page.screenshot({ path: file, fullPage: true });
      console.log(`# screenshot: ${file}`);
    } catch (err) {
      console.log(`# no screenshot for ${label}: ${err.message}`);
    }
  }

  async close() {
    for (const { context, label } of this.contexts) {
      try {
        if (this.failed) {
          const file = path.join(this.dir, `trace-${label}.zip`);
          await context.tracing.stop({ path: file });
          console.log(`# trace: ${file} (open with: npx playwright-core show-trace ${file})`);
        } else {
          await context.tracing.stop();
        }
        await context.close();
      } catch {
        // the browser is gone already
      }
    }
    if (this.failed) console.log(`# web test artifacts kept in ${this.dir}`);
    else fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

// Records what must never happen on a page: a script error, or anything the
// Content-Security-Policy refused (which would mean the app needs inline
// script, eval or a foreign source).
export function watch(page) {
  const problems = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`);
  });
  return {
    problems,
    assertClean() {
      assert.deepEqual(problems, [], `the page reported:\n${problems.join('\n')}`);
    },
  };
}

// axe-core on the page as it is: fails on any serious or critical
// violation, printing each with the elements concerned.
export async function checkA11y(page, label) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.nodes.map((n) => `      ${n}`).join('\n')}`).join('\n');
  if (bad.length) console.log(`# axe on ${label} (${page.url()}):\n${text}`);
  assert.equal(bad.length, 0, `axe found serious or critical violations on ${label}:\n${text}`);
  return result;
}

// True when the page is no wider than the window (no horizontal scrolling).
export async function assertNoHorizontalScroll(page, label) {
  const { scroll, client, widest } = await page.evaluate(() => {
    const widestEl = [...document.querySelectorAll('body *')]
      .map((el) => ({ el, right: el.getBoundingClientRect().right }))
      .sort((a, b) => b.right - a.right)[0];
    return {
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      widest: widestEl ? `${widestEl.el.tagName.toLowerCase()}.${widestEl.el.className} (${Math.round(widestEl.right)} px)` : '',
    };
  });
  assert.ok(scroll <= client, `${label}: the page is ${scroll} px wide in a ${client} px window; widest: ${widest}`);
}
