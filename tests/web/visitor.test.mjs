// Journey 1, the visitor (issue 6), in Debian's chromium against the real
// server with the demo catalog: the home page, the catalog browsed and
// searched, the demo MOOC's page (syllabus, dates, effort, who teaches it),
// registration with the keyboard only, the verification mail read from the
// real SMTP server and its link opened, sign-in, enrolment, the course in
// "my learning", sign-out. Then the same pages in French, and at 375 px.
// axe-core runs on every page visited: no serious or critical violation.
import { describe, before, after, test } from 'node:test';

import { strongPassword } from '../integration/lib/server.mjs';
import {
  Artifacts,
  assert,
  assertNoHorizontalScroll,
  checkA11y,
  launchBrowser,
  startDemoServer,
  watch,
} from './lib/web.mjs';

const MOOC = 'Data Literacy for Everyone';
const EXTERNAL = 'Smart Meter Essentials for Installers';
const ENGLISH_DATE = /\b(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}\b/;
const FRENCH_DATE = /\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \d{4}\b/;

describe('journey 1: a visitor finds a MOOC, registers and enrols', () => {
  let server;
  let browser;
  let artifacts;
  let page;
  let watcher;
  let failedStep = null;
  let courseUrl;
  const visited = []; // pages of the journey, checked again at 375 px
  const person = { name: 'Ada Lovelace', email: '', password: strongPassword() };

  // One step of the journey: on failure a screenshot is kept, and the steps
  // after it fail at once instead of waiting on a page that is not there.
  function step(name, fn) {
    test(name, async () => {
      if (failedStep) throw new Error(`an earlier step failed: ${failedStep}`);
      try {
        await fn();
        if (page) watcher.assertClean();
      } catch (err) {
        failedStep = name;
        artifacts.failed = true;
        if (page) await artifacts.screenshot(page, name);
        throw err;
      }
    });
  }

  // Every page of the journey: its landmarks and title are there, and axe
  // finds nothing serious.
  async function visited_(label) {
    await page.locator('main h1').first().waitFor();
    await checkA11y(page, label);
    visited.push({ label, path: new URL(page.url()).pathname + new URL(page.url()).search });
  }

  before(async () => {
    artifacts = new Artifacts('visitor');
    [server, browser] = await Promise.all([startDemoServer(), launchBrowser()]);
    person.email = server.newEmail('ada');
    const context = await artifacts.context(browser, 'desktop-en', {
      baseURL: server.base,
      locale: 'en-US',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    page.setDefaultTimeout(15000);
    watcher = watch(page);
  });

  after(async () => {
    if (artifacts) await artifacts.close();
    if (browser) await browser.close();
    if (server) await server.stopCleanly();
  });

  step('home page: what Trivium is, a search box and courses to join', async () => {
    const res = await page.goto('/');
    assert.equal(res.status(), 200);
    assert.match(res.headers()['content-security-policy'] || '', /default-src 'self'/);
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Learn at your pace, with others' }).waitFor());
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    await page.getByRole('link', { name: MOOC }).waitFor();
    assert.equal(await page.getByRole('search').count(), 1);
    await visited_('home');
  });

  step('catalog: browse, filter by form, search, and an empty search', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog' }).click();
    await page.waitForURL('**/catalog');
    await page.getByRole('link', { name: MOOC }).waitFor();
    await page.getByRole('link', { name: EXTERNAL }).waitFor();
    await visited_('catalog');

    await page.getByLabel('Form').selectOption('mooc');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/form=mooc/);
    await page.getByText('1 course shown').waitFor();
    assert.equal(await page.getByRole('link', { name: EXTERNAL }).count(), 0);

    await page.getByLabel('Form').selectOption('');
    await page.getByRole('searchbox', { name: 'Search courses' }).fill('zzqxj');
    await page.getByRole('searchbox', { name: 'Search courses' }).press('Enter');
    await page.getByText('No course matches your search.', { exact: false }).waitFor();
    await checkA11y(page, 'catalog, no result');

    await page.getByRole('searchbox', { name: 'Search courses' }).fill('literacy');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/q=literacy/);
    await page.getByRole('heading', { name: 'Results for “literacy”' }).waitFor();
    await page.getByRole('link', { name: MOOC }).waitFor();
    assert.equal(await page.getByRole('link', { name: EXTERNAL }).count(), 0);
    await visited_('catalog search');
  });

  step('the MOOC\'s page: syllabus, dates, effort, who teaches it', async () => {
    await page.getByRole('link', { name: MOOC }).click();
    await page.waitForURL('**/courses/**');
    courseUrl = new URL(page.url()).pathname;
    await page.getByRole('heading', { level: 1, name: MOOC }).waitFor();
    assert.equal(await page.title(), `${MOOC} · Trivium`);
    const syllabus = page.getByRole('region', { name: 'Syllabus' });
    await syllabus.getByRole('heading', { name: 'Week 1: Why data matters' }).waitFor();
    assert.match(await syllabus.innerText(), /5 modules/);
    const glance = page.getByRole('region', { name: 'At a glance' });
    const facts = await glance.innerText();
    assert.match(facts, /Taught by\s+Samuel Kim, Trivium Course Team/);
    assert.match(facts, /15 hours of work/);
    assert.match(facts, /English/);
    assert.match(facts, /MOOC/);
    const session = page.getByRole('region', { name: 'Next session' });
    const dates = await session.innerText();
    assert.match(dates, new RegExp(`Starts\\s+${ENGLISH_DATE.source}`));
    assert.match(dates, new RegExp(`Enrolment closes\\s+${ENGLISH_DATE.source}`));
    await session.getByText('Sign in or create an account to enrol.').waitFor();
    await visited_('course page');
  });

  step('register with the keyboard only', async () => {
    await page.getByRole('region', { name: 'Next session' }).getByRole('link', { name: 'Register' }).click();
    await page.waitForURL((url) => url.pathname === '/register' && url.searchParams.get('next') === courseUrl);
    await page.getByRole('heading', { level: 1, name: 'Create your account' }).waitFor();
    await visited_('register');
    // From the top of the page, Tab until the first field has the focus:
    // every control on the way is reachable, and the form is filled and
    // sent with keys alone.
    const name = page.getByLabel('Your name');
    await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    let tabs = 0;
    while (!(await name.evaluate((el) => el === document.activeElement))) {
      assert.ok(++tabs <= 25, 'the name field is reachable with Tab');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.type(person.name);
    await page.keyboard.press('Tab');
    assert.ok(await page.getByLabel('E-mail address').evaluate((el) => el === document.activeElement));
    await page.keyboard.type(person.email);
    await page.keyboard.press('Tab');
    assert.ok(await page.getByLabel('Password').evaluate((el) => el === document.activeElement));
    await page.keyboard.type(person.password);
    await page.keyboard.press('Enter');
    const done = page.getByRole('heading', { level: 1, name: 'Check your inbox' });
    await done.waitFor();
    assert.ok(await done.evaluate((el) => el === document.activeElement), 'the focus moves to the outcome');
    await page.getByText(`We sent a confirmation link to ${person.email}.`, { exact: false }).waitFor();
    await checkA11y(page, 'register, done');
  });

  step('the verification mail\'s link confirms the address', async () => {
    const mail = await server.mail.next(person.email, { match: /verif|confirm/i });
    const link = /(https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_\-.~%]+)/.exec(mail.text);
    assert.ok(link, `a /verify-email link in the mail:\n${mail.text}`);
    assert.ok(link[1].startsWith(`${server.base}/verify-email?token=`), link[1]);
    await page.goto(link[1]);
    await page.getByText('Your e-mail address is confirmed.').waitFor();
    await visited_('verify e-mail');
    // The link works once.
    const again = await page.context().newPage();
    await again.goto(link[1]);
    await again.getByText('This link is invalid or has expired.').waitFor();
    await again.close();
  });

  step('sign in, then enrol in the MOOC', async () => {
    await page.getByRole('link', { name: 'Sign in to continue' }).click();
    await page.waitForURL('**/sign-in');
    await visited_('sign in');
    await page.getByLabel('E-mail address').fill(person.email);
    await page.getByLabel('Password').fill(`${person.password}-wrong`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').getByText('The e-mail address or the password is incorrect.').waitFor();
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/learning');
    await page.getByText('You have not joined any course yet.').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();

    await page.goto(courseUrl);
    const session = page.getByRole('region', { name: 'Next session' });
    await session.getByRole('button', { name: 'Enrol' }).click();
    await session.getByRole('status').getByText('You are enrolled in this session.').waitFor();
    await checkA11y(page, 'course page, enrolled');
    // The standing survives a reload: it comes from the server.
    await page.reload();
    await page.getByRole('region', { name: 'Next session' }).getByText('You are enrolled in this session.').waitFor();
  });

  step('"my learning" lists the course; sign out', async () => {
    await page.getByRole('link', { name: 'Go to my learning' }).click();
    await page.waitForURL('**/learning');
    await page.getByRole('heading', { level: 1, name: 'My learning' }).waitFor();
    const courses = page.getByRole('region', { name: '1 course' });
    await courses.getByRole('link', { name: MOOC }).waitFor();
    assert.match(await courses.innerText(), /In progress/);
    assert.match(await courses.innerText(), /0% complete/);
    await page.getByRole('progressbar', { name: `Progress in ${MOOC}` }).waitFor();
    await visited_('my learning');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    await page.goto('/learning');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/learning');
  });

  step('in French: French words, plurals, dates and numbers', async () => {
    const context = await artifacts.context(browser, 'desktop-fr', {
      baseURL: server.base,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1280, height: 900 },
    });
    const fr = await context.newPage();
    fr.setDefaultTimeout(15000);
    const frWatch = watch(fr);
    try {
      await fr.goto('/');
      await fr.getByRole('heading', { level: 1, name: 'Apprendre à son rythme, avec les autres' }).waitFor();
      assert.equal(await fr.locator('html').getAttribute('lang'), 'fr');
      await fr.getByRole('link', { name: 'Catalogue' }).first().waitFor();
      await checkA11y(fr, 'home (fr)');
      await fr.goto('/catalog?form=mooc');
      await fr.getByText('1 cours affiché').waitFor();
      await checkA11y(fr, 'catalog (fr)');
      await fr.goto(courseUrl);
      await fr.getByRole('heading', { level: 1, name: MOOC }).waitFor();
      const syllabus = await fr.getByRole('region', { name: 'Programme' }).innerText();
      assert.match(syllabus, /5 modules/);
      assert.match(syllabus, /2 unités/);
      const facts = await fr.getByRole('region', { name: 'En bref' }).innerText();
      assert.match(facts, /15 heures de travail/);
      assert.match(facts, /anglais/);
      assert.match(facts, /Un module par semaine/);
      const dates = await fr.getByRole('region', { name: 'Prochaine session' }).innerText();
      assert.match(dates, new RegExp(`Début\\s+${FRENCH_DATE.source}`));
      assert.doesNotMatch(dates, ENGLISH_DATE);
      await fr.getByText('Connectez-vous ou créez un compte pour vous inscrire.').waitFor();
      await checkA11y(fr, 'course page (fr)');
      // The switcher goes back to English, and the choice stays on this browser.
      await fr.getByLabel('Langue').selectOption('en');
      await fr.getByRole('region', { name: 'Next session' }).waitFor();
      await fr.reload();
      await fr.getByRole('region', { name: 'Syllabus' }).waitFor();
      frWatch.assertClean();
    } catch (err) {
      await artifacts.screenshot(fr, 'in French');
      throw err;
    }
  });

  step('at 375 px: no horizontal scrolling on the pages visited, and axe again', async () => {
    const context = await artifacts.context(browser, 'phone', {
      baseURL: server.base,
      locale: 'en-GB',
      timezoneId: 'Europe/Paris',
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    const phone = await context.newPage();
    phone.setDefaultTimeout(15000);
    const phoneWatch = watch(phone);
    try {
      // Signed in as the new learner, so that "my learning" shows its course.
      await phone.goto('/sign-in');
      await phone.getByLabel('E-mail address').fill(person.email);
      await phone.getByLabel('Password').fill(person.password);
      await phone.getByRole('button', { name: 'Sign in', exact: true }).click();
      await phone.waitForURL('**/learning');
      for (const { label, path } of visited) {
        // Pages for visitors only (register, sign-in) are seen signed out below.
        if (path.startsWith('/register') || path.startsWith('/sign-in') || path.startsWith('/verify-email')) continue;
        await phone.goto(path);
        await phone.locator('main h1').first().waitFor();
        await phone.waitForLoadState('networkidle');
        await assertNoHorizontalScroll(phone, `${label} at 375 px`);
        await checkA11y(phone, `${label} at 375 px`);
      }
      await phone.getByRole('button', { name: 'Sign out' }).click();
      await phone.waitForURL((url) => url.pathname === '/');
      for (const path of ['/register', '/sign-in', '/verify-email', courseUrl]) {
        await phone.goto(path);
        await phone.locator('main h1').first().waitFor();
        await phone.waitForLoadState('networkidle');
        await assertNoHorizontalScroll(phone, `${path} at 375 px, signed out`);
        await checkA11y(phone, `${path} at 375 px, signed out`);
      }
      phoneWatch.assertClean();
    } catch (err) {
      await artifacts.screenshot(phone, 'at 375 px');
      throw err;
    }
  });
});
