import type { TestApp } from './helper.js';

/**
 * Waits until a statement of this test's database (its text containing `like`) is blocked on a lock: a race is then set
 * up for sure (the other writer may commit or roll back next). Polls the server's view, never a clock; gives up after
 * about 30 seconds and lets the test's own assertions speak.
 */
export async function untilBlocked(h: TestApp, like: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const [{ n }] = await h.sql<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like $1`,
      [`%${like}%`],
    );
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
