import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { canonicalJson } from '../../lib/canonical.js';
import type { KeyPair } from '../../lib/keys.js';
import { LOCAL_ALG } from '../../lib/keys.js';

/** The JWS `typ` of a checkpoint, so it is never mistaken for a token or a webhook signature. */
export const CHECKPOINT_TYP = 'manyi-audit-checkpoint+jws';

export type CheckpointOccasion = 'interval' | 'ranking_published' | 'on_demand';

/** What a checkpoint states: the chain had `position` links ending in `hash` at `signedAt`. */
export interface CheckpointClaims {
  iss: string;
  position: number;
  hash: string;
  signedAt: string;
  occasion: CheckpointOccasion;
  subject: string | null;
}

export async function signCheckpoint(keys: KeyPair, claims: CheckpointClaims): Promise<string> {
  return new CompactSign(new TextEncoder().encode(canonicalJson(claims)))
    .setProtectedHeader({ alg: keys.alg ?? LOCAL_ALG, kid: keys.kid, typ: CHECKPOINT_TYP })
    .sign(keys.privateKey);
}

/** The claims of a checkpoint signed by `keys`, or the reason it is not one. */
export async function readCheckpoint(keys: KeyPair, jws: string): Promise<{ claims: CheckpointClaims } | { error: string }> {
  try {
    const header = decodeProtectedHeader(jws);
    if (header.typ !== CHECKPOINT_TYP) return { error: `not an audit checkpoint (typ ${String(header.typ)})` };
    if (header.kid !== keys.kid) return { error: `signed with key ${String(header.kid)}, not the service key ${keys.kid}` };
    const { payload } = await compactVerify(jws, keys.publicKey, { algorithms: [keys.alg ?? LOCAL_ALG] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as CheckpointClaims;
    if (!Number.isSafeInteger(claims.position) || claims.position < 0 || typeof claims.hash !== 'string') return { error: 'the payload is not a checkpoint' };
    return { claims };
  } catch (err) {
    return { error: `the signature does not verify with the service key (${(err as Error).message})` };
  }
}
