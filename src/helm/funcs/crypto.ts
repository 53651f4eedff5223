/**
 * Sprig's crypto functions: keys and signatures via node:crypto (RSA, ECDSA, Ed25519; no DSA),
 * X.509 certificates built in ./x509.ts, bcrypt via bcryptjs (with Go's `$2a$` prefix), the Master
 * Password `derivePassword`, AES-CBC helpers.
 */
import { X509Certificate, createCipheriv, createDecipheriv, createHmac, createPrivateKey, generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import bcryptjs from 'bcryptjs';
import forge from 'node-forge';
import type { FuncMap, GoValue } from '../template/values.js';
import { isGoMap } from '../template/values.js';
import { GO_TYPE } from '../template/fmt.js';
import { argInt, argString, arity, fmtV, kindOf } from './go.js';
import { createCertificate, issuerOf, type CertTemplate, type Issuer } from './x509.js';
import { fromUtf8, utf8 } from './unicode.js';
import { decodeBase64Strict } from './encoding.js';

/** Sprig's `certificate` struct. */
export class Certificate {
  static readonly [GO_TYPE] = 'sprig.certificate';
  constructor(
    public Cert: string,
    public Key: string,
  ) {}
}

function bcryptHash(input: string): string {
  if (utf8(input).length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  return bcryptjs.hashSync(input, 10).replace(/^\$2b\$/, '$2a$');
}

const MP_SEED = 'com.lyndir.masterpassword';
const TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: ['CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno'],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};
const CHARS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** Master Password algorithm v3 as Sprig implements it. */
export function derivePassword(counter: number, type: string, password: string, user: string, site: string): string {
  const templates = TEMPLATES[type];
  if (!templates) return `cannot find password template ${type}`;
  const userB = utf8(user);
  const siteB = utf8(site);
  const salt = Buffer.concat([utf8(MP_SEED), u32(userB.length), userB]);
  const key = scryptSync(utf8(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const seed = createHmac('sha256', key)
    .update(Buffer.concat([utf8(MP_SEED), u32(siteB.length), siteB, u32(counter)]))
    .digest();
  const temp = templates[seed[0]! % templates.length]!;
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = CHARS[temp[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

function generateKeyPem(type: string): string {
  switch (type) {
    case '':
    case 'rsa':
      return generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ecdsa':
      return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    case 'ed25519':
      return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    case 'dsa':
      return dsaKeyPem();
    default:
      return `Unknown type ${type}`;
  }
}

function modPow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** A DSA L2048N256 key in Sprig's "DSA PRIVATE KEY" form (version, p, q, g, y, x). */
function dsaKeyPem(): string {
  const { privateKey } = generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 });
  const { asn1 } = forge;
  const info = asn1.fromDer(privateKey.export({ type: 'pkcs8', format: 'der' }).toString('binary'));
  const parts = info.value as forge.asn1.Asn1[];
  const params = ((parts[1]!.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[]).map((x) => x.value as string);
  const xDer = asn1.fromDer(parts[2]!.value as string).value as string;
  const big = (bytes: string): bigint => BigInt(`0x${Buffer.from(bytes, 'binary').toString('hex') || '0'}`);
  const [p, q, g] = params.map(big) as [bigint, bigint, bigint];
  const x = big(xDer);
  const y = modPow(g, x, p);
  const int = (n: bigint): forge.asn1.Asn1 => {
    let hex = n.toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    if (parseInt(hex.slice(0, 2), 16) & 0x80) hex = `00${hex}`;
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, Buffer.from(hex, 'hex').toString('binary'));
  };
  const seq = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [int(0n), int(p), int(q), int(g), int(y), int(x)]);
  const b64 = Buffer.from(asn1.toDer(seq).getBytes(), 'binary').toString('base64');
  return `-----BEGIN DSA PRIVATE KEY-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END DSA PRIVATE KEY-----\n`;
}

function rsaKey(bits: number): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
}

/** pemBlockForKey: RSA as PKCS#1, EC as SEC 1, others as PKCS#8. */
function keyToPem(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ type: 'pkcs1', format: 'pem' }).toString();
    case 'ec':
      return key.export({ type: 'sec1', format: 'pem' }).toString();
    default:
      return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
}

/** parsePrivateKeyPEM with Sprig's messages (DSA keys are not supported). */
function parsePrivateKeyPem(pem: string): KeyObject {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem);
  if (!m) throw new Error('no PEM data in input');
  const type = m[1]!;
  if (type !== 'PRIVATE KEY' && !type.endsWith(' PRIVATE KEY')) throw new Error(`no private key data in PEM block of type ${type}`);
  const kind = type === 'PRIVATE KEY' ? 'PKCS8' : type.slice(0, -12);
  if (!['PKCS8', 'RSA', 'EC', 'DSA'].includes(kind)) throw new Error(`invalid private key type ${type}`);
  if (kind === 'DSA') throw new Error('parsing DSA private key from PEM: DSA keys are not supported by fluxion');
  try {
    return createPrivateKey(pem);
  } catch (e) {
    const msg = (e as Error).message;
    if (kind === 'PKCS8') throw new Error(`decoding PEM as PKCS#8: ${msg}`);
    throw new Error(`parsing ${kind} private key from PEM: ${msg}`);
  }
}

function isIP(ip: string): boolean {
  return isIPv4(ip) || isIPv6(ip);
}

function listArg(v: GoValue, fn: string): GoValue[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  throw new Error(`${fn}: wrong type for value; expected []interface {}; got ${kindOf(v)}`);
}

function certArg(v: GoValue, fn: string): Certificate {
  if (v instanceof Certificate) return v;
  if (isGoMap(v) && typeof v.Cert === 'string' && typeof v.Key === 'string') return new Certificate(v.Cert, v.Key);
  throw new Error(`${fn}: wrong type for value; expected sprig.certificate; got ${kindOf(v)}`);
}

function baseTemplate(cn: string, ipsIn: GoValue[], dnsIn: GoValue[], days: number, isCA: boolean): CertTemplate {
  const ips = ipsIn.map((ip) => {
    if (typeof ip !== 'string') throw new Error(`error parsing ip: ${fmtV(ip)} is not a string`);
    if (!isIP(ip)) throw new Error(`error parsing ip: ${ip}`);
    return ip;
  });
  const dns = dnsIn.map((d) => {
    if (typeof d !== 'string') throw new Error(`error processing alternate dns name: ${fmtV(d)} is not a string`);
    return d;
  });
  return { cn, ips, dns, days, isCA };
}

/** A random serial below 2^128, minimally encoded (Go: rand.Int). */
function serial(): Buffer {
  let b = randomBytes(16);
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return b;
}

function createCert(t: CertTemplate, signee: KeyObject, issuer: Issuer | undefined, signer: KeyObject): Certificate {
  try {
    return new Certificate(createCertificate(t, signee, issuer, signer, serial()), keyToPem(signee));
  } catch (e) {
    throw new Error(`error creating certificate: ${(e as Error).message}`);
  }
}

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  utf8(password).copy(key, 0, 0, 32);
  return key;
}

/** Crypto functions of Sprig; `random` feeds randBytes (seedable in tests). */
export function cryptoFuncs(random: () => number): FuncMap {
  return {
    bcrypt: (...a) => {
      arity(a, 'bcrypt', 1);
      return bcryptHash(argString(a[0], 'bcrypt'));
    },
    htpasswd: (...a) => {
      arity(a, 'htpasswd', 2);
      const user = argString(a[0], 'htpasswd');
      const pass = argString(a[1], 'htpasswd');
      if (user.includes(':')) return `invalid username: ${user}`;
      return `${user}:${bcryptHash(pass)}`;
    },
    randBytes: (...a) => {
      arity(a, 'randBytes', 1);
      const n = argInt(a[0], 'randBytes');
      if (n < 0) throw new Error('runtime error: makeslice: len out of range');
      return Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256))).toString('base64');
    },
    derivePassword: (...a) => {
      arity(a, 'derivePassword', 5);
      const counter = Number(BigInt.asUintN(32, typeof a[0] === 'bigint' ? a[0] : BigInt(argInt(a[0], 'derivePassword'))));
      return derivePassword(counter, argString(a[1], 'derivePassword'), argString(a[2], 'derivePassword'), argString(a[3], 'derivePassword'), argString(a[4], 'derivePassword'));
    },
    genPrivateKey: (...a) => {
      arity(a, 'genPrivateKey', 1);
      return generateKeyPem(argString(a[0], 'genPrivateKey'));
    },
    buildCustomCert: (...a) => {
      arity(a, 'buildCustomCert', 2);
      let certB: Uint8Array;
      let keyB: Uint8Array;
      try {
        certB = decodeBase64Strict(argString(a[0], 'buildCustomCert'));
      } catch {
        throw new Error('unable to decode base64 certificate');
      }
      try {
        keyB = decodeBase64Strict(argString(a[1], 'buildCustomCert'));
      } catch {
        throw new Error('unable to decode base64 private key');
      }
      const cert = fromUtf8(certB);
      const key = fromUtf8(keyB);
      if (!/-----BEGIN [^-]+-----/.test(cert)) throw new Error('unable to decode certificate');
      try {
        new X509Certificate(cert);
      } catch (e) {
        throw new Error(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
      }
      try {
        parsePrivateKeyPem(key);
      } catch (e) {
        throw new Error(`error parsing private key: ${(e as Error).message}`);
      }
      return new Certificate(cert, key);
    },
    genCA: (...a) => {
      arity(a, 'genCA', 2);
      const key = rsaKey(2048);
      return createCert(baseTemplate(argString(a[0], 'genCA'), [], [], argInt(a[1], 'genCA'), true), key, undefined, key);
    },
    genCAWithKey: (...a) => {
      arity(a, 'genCAWithKey', 3);
      let key: KeyObject;
      try {
        key = parsePrivateKeyPem(argString(a[2], 'genCAWithKey'));
      } catch (e) {
        throw new Error(`parsing private key: ${(e as Error).message}`);
      }
      return createCert(baseTemplate(argString(a[0], 'genCAWithKey'), [], [], argInt(a[1], 'genCAWithKey'), true), key, undefined, key);
    },
    genSelfSignedCert: (...a) => {
      arity(a, 'genSelfSignedCert', 4);
      const key = rsaKey(2048);
      const t = baseTemplate(argString(a[0], 'genSelfSignedCert'), listArg(a[1], 'genSelfSignedCert'), listArg(a[2], 'genSelfSignedCert'), argInt(a[3], 'genSelfSignedCert'), false);
      return createCert(t, key, undefined, key);
    },
    genSelfSignedCertWithKey: (...a) => {
      arity(a, 'genSelfSignedCertWithKey', 5);
      let key: KeyObject;
      try {
        key = parsePrivateKeyPem(argString(a[4], 'genSelfSignedCertWithKey'));
      } catch (e) {
        throw new Error(`parsing private key: ${(e as Error).message}`);
      }
      const t = baseTemplate(argString(a[0], 'genSelfSignedCertWithKey'), listArg(a[1], 'genSelfSignedCertWithKey'), listArg(a[2], 'genSelfSignedCertWithKey'), argInt(a[3], 'genSelfSignedCertWithKey'), false);
      return createCert(t, key, undefined, key);
    },
    genSignedCert: (...a) => {
      arity(a, 'genSignedCert', 5);
      return signed(a, rsaKey(2048), 'genSignedCert');
    },
    genSignedCertWithKey: (...a) => {
      arity(a, 'genSignedCertWithKey', 6);
      let key: KeyObject;
      try {
        key = parsePrivateKeyPem(argString(a[5], 'genSignedCertWithKey'));
      } catch (e) {
        throw new Error(`parsing private key: ${(e as Error).message}`);
      }
      return signed(a, key, 'genSignedCertWithKey');
    },
    encryptAES: (...a) => {
      arity(a, 'encryptAES', 2);
      const password = argString(a[0], 'encryptAES');
      const text = argString(a[1], 'encryptAES');
      if (text === '') return '';
      const iv = randomBytes(16);
      const c = createCipheriv('aes-256-cbc', aesKey(password), iv);
      return Buffer.concat([iv, c.update(utf8(text)), c.final()]).toString('base64');
    },
    decryptAES: (...a) => {
      arity(a, 'decryptAES', 2);
      const password = argString(a[0], 'decryptAES');
      const b64 = argString(a[1], 'decryptAES');
      if (b64 === '') return '';
      const crypt = Buffer.from(decodeBase64Strict(b64));
      if (crypt.length < 16) throw new Error('runtime error: slice bounds out of range');
      const d = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
      d.setAutoPadding(false);
      const body = crypt.subarray(16);
      if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
      const dec = Buffer.concat([d.update(body), d.final()]);
      if (dec.length === 0) throw new Error('runtime error: index out of range [-1]');
      const pad = dec[dec.length - 1]!;
      if (pad > dec.length) throw new Error(`runtime error: slice bounds out of range [:${dec.length - pad}]`);
      return fromUtf8(dec.subarray(0, dec.length - pad));
    },
  };
}

function signed(a: GoValue[], key: KeyObject, fn: string): Certificate {
  const ca = certArg(a[4], fn);
  let issuer: Issuer;
  try {
    new X509Certificate(ca.Cert);
    issuer = issuerOf(ca.Cert);
  } catch (e) {
    if (!/-----BEGIN CERTIFICATE-----/.test(ca.Cert)) throw new Error('unable to decode certificate');
    throw new Error(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
  }
  let signer: KeyObject;
  try {
    signer = parsePrivateKeyPem(ca.Key);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  const t = baseTemplate(argString(a[0], fn), listArg(a[1], fn), listArg(a[2], fn), argInt(a[3], fn), false);
  return createCert(t, key, issuer, signer);
}
