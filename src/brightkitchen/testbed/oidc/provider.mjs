// The identity provider of the sign-in tests: panva's oidc-provider (OpenID Certified), on loopback.
// Configuration comes as JSON in argv[2]: {port, clients: [...], accounts: {sub: claims}}. Development
// interactions (a plain login and consent page) stand in for the government portal's own pages; tokens,
// signatures, PKCE and logout are the provider's, unchanged.
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);
const issuer = `http://127.0.0.1:${config.port}`;
const accounts = config.accounts || {};

const provider = new Provider(issuer, {
  clients: config.clients,
  pkce: { required: () => true, methods: ['S256'] },
  scopes: ['openid', 'email', 'profile', 'offline_access'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  ttl: { IdToken: config.idTokenTtl || 3600 },
  ...(config.jwks ? { jwks: config.jwks } : {}),
  async findAccount(ctx, id) {
    return { accountId: id, async claims() { return { sub: id, ...(accounts[id] || {}) }; } };
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
});
provider.listen(config.port, '127.0.0.1', () => console.log(`ready ${issuer}`));
