/**
 * Crypto functions: structure of generated keys and certificates, and interoperability with what
 * helm 3.17.2 generates (its CA signs our certs, we decrypt its AES output, its bcrypt verifies).
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Certificate, sprigFuncs } from '../../../src/helm/funcs/index.js';
import type { GoValue } from '../../../src/helm/template/values.js';
import { call } from './cases.js';
import { renderWithHelm } from './helm-oracle.js';

const f = sprigFuncs({ random: () => 0.5 });
const cert = (v: GoValue): Certificate => v as Certificate;

describe('keys', () => {
  it.each([
    ['rsa', 'RSA PRIVATE KEY', 'rsa'],
    ['', 'RSA PRIVATE KEY', 'rsa'],
    ['ecdsa', 'EC PRIVATE KEY', 'ec'],
    ['ed25519', 'PRIVATE KEY', 'ed25519'],
  ])('genPrivateKey %j gives a %s PEM', (type, header, keyType) => {
    const pem = call(f, 'genPrivateKey', type) as string;
    expect(pem.startsWith(`-----BEGIN ${header}-----\n`)).toBe(true);
    expect(pem.endsWith(`-----END ${header}-----\n`)).toBe(true);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe(keyType);
    if (keyType === 'rsa') expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    if (keyType === 'ec') expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });
  it('genPrivateKey "dsa" gives Sprig\'s DSA PRIVATE KEY (version, p, q, g, y, x) with y = g^x mod p', () => {
    const pem = call(f, 'genPrivateKey', 'dsa') as string;
    expect(pem.startsWith('-----BEGIN DSA PRIVATE KEY-----\n')).toBe(true);
    // OpenSSL's traditional DSA format is the same structure, so node can read it back.
    expect(createPrivateKey(pem).asymmetricKeyType).toBe('dsa');
  });
  it('rejects unknown key types like Sprig', () => {
    expect(call(f, 'genPrivateKey', 'foo')).toBe('Unknown type foo');
  });
});

describe('certificates', () => {
  it('genCA makes a self-signed CA valid for the given days', () => {
    const ca = cert(call(f, 'genCA', 'my-ca', 30n));
    const x = new X509Certificate(ca.Cert);
    expect(x.ca).toBe(true);
    expect(x.subject).toBe('CN=my-ca');
    expect(x.issuer).toBe('CN=my-ca');
    expect(x.verify(x.publicKey)).toBe(true);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(createPrivateKey(ca.Key).asymmetricKeyType).toBe('rsa');
  });
  it('genSignedCert issues a leaf with IP and DNS SANs from the CA', () => {
    const ca = cert(call(f, 'genCA', 'ca', 10n));
    const leaf = cert(call(f, 'genSignedCert', 'svc', ['10.0.0.1'], ['svc.ns', 'svc.ns.svc'], 5n, ca));
    const x = new X509Certificate(leaf.Cert);
    const cax = new X509Certificate(ca.Cert);
    expect(x.ca).toBe(false);
    expect(x.checkIssued(cax)).toBe(true);
    expect(x.verify(cax.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe('DNS:svc.ns, DNS:svc.ns.svc, IP Address:10.0.0.1');
  });
  it('genSelfSignedCert and genSelfSignedCertWithKey', () => {
    const key = call(f, 'genPrivateKey', 'rsa') as string;
    const c1 = cert(call(f, 'genSelfSignedCertWithKey', 'x', null, ['a.example'], 1n, key));
    expect(createPrivateKey(c1.Key).export({ type: 'pkcs1', format: 'pem' })).toBe(createPrivateKey(key).export({ type: 'pkcs1', format: 'pem' }));
    const x = new X509Certificate(c1.Cert);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe('DNS:a.example');
    const c2 = cert(call(f, 'genSelfSignedCert', 'y', ['::1'], null, 2n));
    expect(new X509Certificate(c2.Cert).subjectAltName).toBe('IP Address:0:0:0:0:0:0:0:1');
  });
  it('genCAWithKey keeps the given key; bad keys and IPs fail with Sprig messages', () => {
    const key = call(f, 'genPrivateKey', 'rsa') as string;
    const ca = cert(call(f, 'genCAWithKey', 'k', 1n, key));
    expect(new X509Certificate(ca.Cert).publicKey.export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(createPrivateKey(key)).export({ type: 'spki', format: 'pem' }));
    expect(() => call(f, 'genCAWithKey', 'k', 1n, 'nope')).toThrow('parsing private key: no PEM data in input');
    expect(() => call(f, 'genSelfSignedCert', 'x', ['not-an-ip'], null, 1n)).toThrow('error parsing ip: not-an-ip');
  });
  it.each(['ecdsa', 'ed25519'])('issues certificates with %s keys (CA and leaf)', (type) => {
    const caKey = call(f, 'genPrivateKey', type) as string;
    const ca = cert(call(f, 'genCAWithKey', 'ec-ca', 2n, caKey));
    const cax = new X509Certificate(ca.Cert);
    expect(cax.verify(cax.publicKey)).toBe(true);
    expect(ca.Key).toBe(caKey);
    const leafKey = call(f, 'genPrivateKey', type) as string;
    const leaf = new X509Certificate(cert(call(f, 'genSignedCertWithKey', 'leaf', ['192.168.0.1'], ['x.y'], 2n, ca, leafKey)).Cert);
    expect(leaf.checkIssued(cax)).toBe(true);
    expect(leaf.verify(cax.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:x.y, IP Address:192.168.0.1');
    const rsaLeaf = new X509Certificate(cert(call(f, 'genSignedCert', 'rsa-leaf', null, null, 1n, ca)).Cert);
    expect(rsaLeaf.verify(cax.publicKey)).toBe(true);
  });
  it('buildCustomCert round-trips base64 PEMs', () => {
    const ca = cert(call(f, 'genCA', 'c', 1n));
    const built = cert(call(f, 'buildCustomCert', Buffer.from(ca.Cert).toString('base64'), Buffer.from(ca.Key).toString('base64')));
    expect(built).toEqual(ca);
    expect(() => call(f, 'buildCustomCert', Buffer.from('x').toString('base64'), Buffer.from(ca.Key).toString('base64'))).toThrow('unable to decode certificate');
  });
});

describe('hashes and secrets', () => {
  it('bcrypt and htpasswd produce Go-style $2a$10$ hashes', () => {
    const h = call(f, 'bcrypt', 'secret') as string;
    expect(h).toMatch(/^\$2a\$10\$/);
    expect(bcryptjs.compareSync('secret', h)).toBe(true);
    const line = call(f, 'htpasswd', 'user', 'pw') as string;
    expect(line.startsWith('user:$2a$10$')).toBe(true);
    expect(bcryptjs.compareSync('pw', line.slice(5))).toBe(true);
  });
  it('encryptAES/decryptAES round-trip, randBytes and uuidv4 shapes', () => {
    const enc = call(f, 'encryptAES', 'k', 'hello world') as string;
    expect(call(f, 'decryptAES', 'k', enc)).toBe('hello world');
    expect(Buffer.from(call(f, 'randBytes', 12n) as string, 'base64')).toHaveLength(12);
    expect(call(f, 'uuidv4')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('interoperability with helm 3.17.2', () => {
  let out: string[] = [];
  const ours = { rsa: cert(call(f, 'genCA', 'our-ca', 5n)), ec: cert(call(f, 'genCAWithKey', 'our-ec-ca', 5n, call(f, 'genPrivateKey', 'ecdsa'))) };
  beforeAll(async () => {
    out = await renderWithHelm([
      '{{ encryptAES "secretkey" "plaintext from helm" }}',
      '{{ bcrypt "pw" }}',
      '{{ htpasswd "u" "p" }}',
      '{{ $ca := genCA "helm-ca" 3 }}{{ $ca.Cert | b64enc }}|{{ $ca.Key | b64enc }}',
      '{{ $ca := genCA "helm-ca" 3 }}{{ $c := genSignedCert "leaf" (list "10.1.2.3") (list "a.b") 3 $ca }}{{ $c.Cert }}',
      '{{ genPrivateKey "ecdsa" }}',
      '{{ randBytes 9 | len }} {{ uuidv4 | len }} {{ randAlphaNum 7 | len }}',
      '{{ $ca := buildCustomCert (b64enc .Values.rsa.Cert) (b64enc .Values.rsa.Key) }}{{ (genSignedCert "from-our-ca" nil (list "d.e") 1 $ca).Cert }}',
      '{{ $ca := buildCustomCert (b64enc .Values.ec.Cert) (b64enc .Values.ec.Key) }}{{ (genSignedCert "from-our-ec-ca" nil nil 1 $ca).Cert }}',
    ], { rsa: { Cert: ours.rsa.Cert, Key: ours.rsa.Key }, ec: { Cert: ours.ec.Cert, Key: ours.ec.Key } });
  }, 120_000);

  it("decrypts helm's encryptAES output", () => {
    expect(call(f, 'decryptAES', 'secretkey', out[0]!)).toBe('plaintext from helm');
  });
  it("verifies helm's bcrypt and htpasswd hashes", () => {
    expect(out[1]).toMatch(/^\$2a\$10\$/);
    expect(bcryptjs.compareSync('pw', out[1]!)).toBe(true);
    expect(bcryptjs.compareSync('p', out[2]!.replace(/^u:/, ''))).toBe(true);
  });
  it("signs a leaf with helm's CA and matches helm's leaf structure", () => {
    const [certB64, keyB64] = out[3]!.split('|') as [string, string];
    const ca = cert(call(f, 'buildCustomCert', certB64, keyB64));
    const ours = new X509Certificate(cert(call(f, 'genSignedCert', 'leaf', ['10.1.2.3'], ['a.b'], 3n, ca)).Cert);
    expect(ours.verify(new X509Certificate(ca.Cert).publicKey)).toBe(true);
    const theirs = new X509Certificate(out[4]!);
    for (const k of ['subject', 'subjectAltName', 'ca', 'keyUsage'] as const) expect(ours[k]).toEqual(theirs[k]);
    const helmCa = new X509Certificate(ca.Cert);
    const ourCa = new X509Certificate(cert(call(f, 'genCA', 'helm-ca', 3n)).Cert);
    for (const k of ['subject', 'issuer', 'ca', 'keyUsage'] as const) expect(ourCa[k]).toEqual(helmCa[k]);
  });
  it('helm (Go x509) accepts our RSA and ECDSA CAs and issues from them', () => {
    const rsaLeaf = new X509Certificate(out[7]!);
    expect(rsaLeaf.verify(new X509Certificate(ours.rsa.Cert).publicKey)).toBe(true);
    expect(rsaLeaf.issuer).toBe('CN=our-ca');
    const ecLeaf = new X509Certificate(out[8]!);
    expect(ecLeaf.verify(new X509Certificate(ours.ec.Cert).publicKey)).toBe(true);
  });
  it('generates the same key and random shapes', () => {
    expect(out[5]!.split('\n')[0]).toBe((call(f, 'genPrivateKey', 'ecdsa') as string).split('\n')[0]);
    const ours = `${(call(f, 'randBytes', 9n) as string).length} ${(call(f, 'uuidv4') as string).length} ${(call(f, 'randAlphaNum', 7n) as string).length}`;
    expect(ours).toBe(out[6]);
  });
});
