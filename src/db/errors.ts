/** True when `err` is PostgreSQL's unique violation on `constraint` (drizzle wraps the driver error in `cause`). */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string; cause?: { code?: string; constraint?: string } };
  const src = e.cause?.code ? e.cause : e;
  return src.code === '23505' && src.constraint === constraint;
}
