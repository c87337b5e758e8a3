import { defineErrors } from '../../lib/errors.js';

/** Codes the integration clients module (and the scope check it backs, src/lib/scopes.ts) answers with. */
export const integrationClientsErrors = defineErrors({
  insufficient_scope: {
    status: 403,
    title: 'Insufficient Scope',
    description: 'the integration token lacks a scope this operation needs (`missingScopes`); ask for it at POST /oauth/token, or have the office grant it to the client',
    zh: { title: '授权范围不足', description: '集成令牌缺少此操作所需的授权范围（见 missingScopes）；请在 POST /oauth/token 申请，或请评议办为该客户端授予' },
  },
  invalid_api_key: {
    status: 403,
    title: 'Invalid API Key',
    description: 'the api_key is unknown or revoked, or its client is revoked or lacks the scope',
    zh: { title: 'API 密钥无效', description: 'api_key 不存在或已吊销，或其客户端已吊销、缺少所需授权范围' },
  },
});
