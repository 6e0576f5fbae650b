import { describe, expect, test } from 'vitest';
import { PROJECT_ROOT, readConfig } from './env.ts';

describe('configuration from the environment', () => {
  test('defaults grade this repository today, skipping missing live tools', () => {
    const config = readConfig({}, new Date('2026-11-26T10:00:00Z'));
    expect(config).toMatchObject({ repo: PROJECT_ROOT, logins: [], date: '2026-11-26', live: false, keep: 'on-failure', p3Poll: false });
  });

  test('a team of logins, a fixed date and live mode', () => {
    const config = readConfig({ IOT_LOGIN: 'alice, bob', IOT_DATE: '2025-02-28', IOT_LIVE: '1', IOT_KEEP: 'always' });
    expect(config).toMatchObject({ logins: ['alice', 'bob'], date: '2025-02-28', live: true, keep: 'always' });
  });

  test.each([
    [{ IOT_DATE: '2026-02-30' }, 'IOT_DATE=2026-02-30: expected a real date written YYYY-MM-DD'],
    [{ IOT_DATE: '26/11/2026' }, 'IOT_DATE=26/11/2026: expected a real date'],
    [{ IOT_LIVE: 'maybe' }, 'IOT_LIVE=maybe: expected 1 or 0'],
    [{ IOT_KEEP: 'sometimes' }, 'IOT_KEEP=sometimes: expected never, on-failure or always'],
    [{ IOT_LOGIN: 'alice,b@d' }, 'IOT_LOGIN=alice,b@d: "b@d" is not a login'],
    [{ IOT_BOOT_TIMEOUT: '-5' }, 'IOT_BOOT_TIMEOUT=-5: expected a whole number of seconds'],
    [{ IOT_REPO: '/nonexistent/checkout' }, 'IOT_REPO=/nonexistent/checkout: no such directory'],
  ])('a bad value stops with one line naming it: %o', (env, message) => {
    expect(() => readConfig(env)).toThrow(message);
    try {
      readConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
