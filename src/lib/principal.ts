/** The roles of DESIGN.md. `anonymous` is the public, without a token. */
export const roles = ['admin', 'inspector', 'supervisor', 'department', 'unit', 'integration', 'anonymous'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  role: Role;
  /** Token subject; 'anonymous' for the public. */
  subject: string;
  departmentId?: string;
  unitId?: string;
  supervisorId?: string;
}

/** What every service call carries: who acts, and the request it came in on (for the audit log). */
export interface RequestContext {
  principal: Principal;
  requestId: string;
}

export const anonymous: Principal = { role: 'anonymous', subject: 'anonymous' };

/** A context for work the service does on its own (demo data, schedulers). */
export const systemContext = (requestId = 'system'): RequestContext => ({
  principal: { role: 'admin', subject: 'system' },
  requestId,
});

/** Shorthands for route and resolver declarations. */
export const ALL_AUTHENTICATED: Role[] = ['admin', 'inspector', 'supervisor', 'department', 'unit', 'integration'];
export const EVERYONE: Role[] = [...ALL_AUTHENTICATED, 'anonymous'];
export const STAFF: Role[] = ['admin', 'inspector'];
