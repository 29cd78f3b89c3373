import { describe, expect, it } from 'vitest';

import type { CourseRun } from '../api/types';
import { openRun } from './CoursePage';

const run = (id: string, starts: string | null, ends: string | null) =>
  ({ id, starts_at: starts, ends_at: ends }) as unknown as CourseRun;

describe('openRun', () => {
  const now = Date.parse('2026-05-01T00:00:00Z');
  it('is the earliest run that has not ended', () => {
    const runs = [
      run('later', '2026-09-01T00:00:00Z', null),
      run('over', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'),
      run('current', '2026-04-01T00:00:00Z', '2026-06-01T00:00:00Z'),
    ];
    expect(openRun(runs, now)?.id).toBe('current');
  });
  it('is null when every run has ended', () => {
    expect(openRun([run('over', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')], now)).toBeNull();
    expect(openRun([], now)).toBeNull();
  });
});
