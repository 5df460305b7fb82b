// A real OpenID Connect provider for the sign-in tests: panva's certified
// `oidc-provider`, configured from a JSON file named on the command line.
//
//   node provider.js config.json
//
// config.json: {
//   "port": 4000,
//   "clients": [{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}],
//   "accounts": {"<sub>": {"email": "...", "email_verified": true, "name": "..."}},
//   "id_token_ttl": 3600
// }
//
// Every start makes a fresh RSA signing key with a fresh `kid`, so restarting the
// provider is a key rotation. Sign-in uses the package's development interactions:
// an HTML form whose "login" field is the account id (the `sub`); any password.
// The line "ready <issuer>" on stdout says it is listening.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  alg: 'RS256',
  use: 'sig',
};

const accounts = config.accounts ?? {};

const provider = new Provider(issuer, {
  clients: config.clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...client,
  })),
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Only `sub` (and the protocol claims) in the ID token: name and e-mail come from
  // the userinfo endpoint, as with several real providers.
  conformIdTokenClaims: true,
  features: {
    devInteractions: { enabled: true },
    userinfo: { enabled: true },
  },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: config.id_token_ttl ?? 3600,
    Interaction: 600,
    Session: 600,
    Grant: 600,
  },
  async findAccount(ctx, id) {
    const known = accounts[id];
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...(known ?? {}) };
      },
    };
  },
});
provider.proxy = false;

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});

const stop = () => process.exit(0);
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
