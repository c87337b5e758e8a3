import { printSchema } from 'graphql';
import { buildApp } from '../app.js';
import { testConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { generateLocalKeyPair } from '../lib/keys.js';

/** The OpenAPI document and GraphQL SDL exactly as the code produces them (no database needed beyond boot). */
export async function renderContracts(): Promise<{ openapi: string; sdl: string }> {
  const database = await openDatabase({ dataDir: 'memory://' });
  const app = await buildApp({ config: testConfig({ NODE_ENV: 'development' }), database, localKeys: await generateLocalKeyPair() });
  try {
    return { openapi: `${JSON.stringify(app.swagger(), null, 2)}\n`, sdl: `${printSchema(app.graphql.schema)}\n` };
  } finally {
    await app.close();
  }
}
