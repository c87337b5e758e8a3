import { join, resolve } from 'node:path';
import { loadDataDir } from '../config.js';
import { createAuditSigningKey, createRespondentKeySecret, createTokenSigningKey, loadOrCreateLocalKeyPair } from '../lib/keys.js';

// npm run keys (in the image: node dist/cli/keys.js): creates, once, what an instance that keeps its own secrets needs
// in DATA_DIR/keys: the key pair that signs tokens (`npm run token`) and webhooks, the respondent-key secret, the
// key that signs audit checkpoints and the key that signs integration clients' access tokens (POST /oauth/token).
// Existing files are kept. It prints the variables that point the service at them (docker-compose.yml sets these).
const dataDir = loadDataDir();
await loadOrCreateLocalKeyPair(dataDir);
const secret = createRespondentKeySecret(dataDir);
const auditKey = createAuditSigningKey(dataDir);
const tokenKey = createTokenSigningKey(dataDir);
process.stdout.write(
  `JWT_PUBLIC_KEY_FILE=${resolve(join(dataDir, 'keys', 'public.pem'))}\nRESPONDENT_KEY_SECRET_FILE=${resolve(secret)}\nAUDIT_SIGNING_KEY_FILE=${resolve(auditKey)}\nTOKEN_SIGNING_KEY_FILE=${resolve(tokenKey)}\n`,
);
