/**
 * X.509 certificates for any key node:crypto can sign with (RSA, ECDSA, Ed25519), built as
 * ASN.1 with node-forge's encoder and signed with node:crypto — the template Sprig gives Go's
 * x509.CreateCertificate: CN-only names, key usage, server+client auth, basic constraints,
 * subject/authority key ids, DNS and IP SANs.
 */
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export interface CertTemplate {
  cn: string;
  ips: string[];
  dns: string[];
  days: number;
  isCA: boolean;
}

/** The parts of a parent certificate needed to issue from it. */
export interface Issuer {
  subject: forge.asn1.Asn1;
  subjectKeyId?: string;
}

const oid = (o: string): forge.asn1.Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(o).getBytes());
const seq = (xs: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(U, T.SEQUENCE, true, xs);
const octets = (b: string): forge.asn1.Asn1 => asn1.create(U, T.OCTETSTRING, false, b);
const der = (a: forge.asn1.Asn1): Buffer => Buffer.from(asn1.toDer(a).getBytes(), 'binary');

function name(cn: string): forge.asn1.Asn1 {
  const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(cn);
  const value = asn1.create(U, printable ? T.PRINTABLESTRING : T.UTF8, false, printable ? cn : forge.util.encodeUtf8(cn));
  return seq([asn1.create(U, T.SET, true, [seq([oid('2.5.4.3'), value])])]);
}

function time(d: Date): forge.asn1.Asn1 {
  const y = d.getUTCFullYear();
  const p = (n: number) => String(n).padStart(2, '0');
  const rest = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return y < 2050 ? asn1.create(U, T.UTCTIME, false, `${p(y % 100)}${rest}`) : asn1.create(U, T.GENERALIZEDTIME, false, `${y}${rest}`);
}

function ext(id: string, critical: boolean, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  const parts = [oid(id)];
  if (critical) parts.push(asn1.create(U, T.BOOLEAN, false, '\xff'));
  parts.push(octets(der(value).toString('binary')));
  return seq(parts);
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
    return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

/** The signature AlgorithmIdentifier and hash for a signing key. */
function algorithm(key: KeyObject): { id: forge.asn1.Asn1; hash: string | null } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { id: seq([oid('1.2.840.113549.1.1.11'), asn1.create(U, T.NULL, false, '')]), hash: 'sha256' };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'secp384r1') return { id: seq([oid('1.2.840.10045.4.3.3')]), hash: 'sha384' };
      if (curve === 'secp521r1') return { id: seq([oid('1.2.840.10045.4.3.4')]), hash: 'sha512' };
      return { id: seq([oid('1.2.840.10045.4.3.2')]), hash: 'sha256' };
    }
    case 'ed25519':
      return { id: seq([oid('1.3.101.112')]), hash: null };
    default:
      throw new Error(`x509: unsupported signing key type ${key.asymmetricKeyType}`);
  }
}

/** Go's subject key id: SHA-1 of the subjectPublicKey bits. */
function keyId(spki: forge.asn1.Asn1): string {
  const bits = (spki.value as forge.asn1.Asn1[])[1]!.value as string;
  return createHash('sha1').update(Buffer.from(bits.slice(1), 'binary')).digest('binary');
}

/** The subject and subject key id of a PEM certificate. */
export function issuerOf(pem: string): Issuer {
  const b64 = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!b64) throw new Error('unable to decode certificate');
  const cert = asn1.fromDer(Buffer.from(b64.replace(/\s+/g, ''), 'base64').toString('binary'));
  const tbs = (cert.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
  const off = tbs[0]!.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const subject = tbs[4 + off]!;
  let subjectKeyId: string | undefined;
  const exts = tbs.find((x) => x.tagClass === asn1.Class.CONTEXT_SPECIFIC && x.type === 3);
  for (const e of ((exts?.value as forge.asn1.Asn1[] | undefined)?.[0]?.value as forge.asn1.Asn1[] | undefined) ?? []) {
    const parts = e.value as forge.asn1.Asn1[];
    if (asn1.derToOid(forge.util.createBuffer(parts[0]!.value as string)) === '2.5.29.14') {
      subjectKeyId = asn1.fromDer(parts[parts.length - 1]!.value as string).value as string;
    }
  }
  return { subject, subjectKeyId };
}

/** x509.CreateCertificate + pem.Encode for Sprig's template. */
export function createCertificate(t: CertTemplate, signee: KeyObject, issuer: Issuer | undefined, signer: KeyObject, serialBytes: Buffer): string {
  const spki = asn1.fromDer(createPublicKey(signee).export({ type: 'spki', format: 'der' }).toString('binary'));
  const alg = algorithm(signer);
  const now = new Date();
  const ku = t.isCA ? '\x02\xa4' : '\x05\xa0';
  const exts: forge.asn1.Asn1[] = [
    ext('2.5.29.15', true, asn1.create(U, T.BITSTRING, false, ku)),
    ext('2.5.29.37', false, seq([oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2')])),
    ext('2.5.29.19', true, seq(t.isCA ? [asn1.create(U, T.BOOLEAN, false, '\xff')] : [])),
  ];
  if (t.isCA) exts.push(ext('2.5.29.14', false, octets(keyId(spki))));
  if (issuer?.subjectKeyId) exts.push(ext('2.5.29.35', false, seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, issuer.subjectKeyId)])));
  if (t.dns.length > 0 || t.ips.length > 0) {
    const names = [...t.dns.map((d) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 2, false, d)), ...t.ips.map((ip) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 7, false, ipBytes(ip).toString('binary')))];
    exts.push(ext('2.5.29.17', false, seq(names)));
  }
  let serial = serialBytes.toString('binary');
  if (serialBytes[0]! & 0x80) serial = `\x00${serial}`;
  const subject = name(t.cn);
  const tbs = seq([
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [asn1.create(U, T.INTEGER, false, '\x02')]),
    asn1.create(U, T.INTEGER, false, serial),
    alg.id,
    issuer ? issuer.subject : subject,
    seq([time(now), time(new Date(now.getTime() + t.days * 86_400_000))]),
    subject,
    spki,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 3, true, [seq(exts)]),
  ]);
  const signature = sign(alg.hash, der(tbs), signer);
  const cert = seq([tbs, alg.id, asn1.create(U, T.BITSTRING, false, `\x00${signature.toString('binary')}`)]);
  const b64 = der(cert).toString('base64');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}
