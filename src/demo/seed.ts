import type { Services } from '../modules/services.js';
export async function loadDemoData(_services: Services): Promise<Record<string, number>> {
  return {};
}
