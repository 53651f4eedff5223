/** A certificate authority and a server certificate for 127.0.0.1, made with node-forge, for HTTPS test servers. */
import forge from 'node-forge';

export interface TestPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

function certificate(subject: string, publicKey: forge.pki.PublicKey, issuer: forge.pki.CertificateField[], signer: forge.pki.rsa.PrivateKey, extensions: object[], serial: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subject }]);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  cert.sign(signer, forge.md.sha256.create());
  return cert;
}

/** A fresh CA and a certificate for `127.0.0.1` (IP SAN) signed by it. */
export function makeTestPki(): TestPki {
  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = certificate('fluxion test CA', caKeys.publicKey, [{ name: 'commonName', value: 'fluxion test CA' }], caKeys.privateKey, [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }], '01');
  const serverKeys = forge.pki.rsa.generateKeyPair(2048);
  const server = certificate('127.0.0.1', serverKeys.publicKey, ca.subject.attributes, caKeys.privateKey, [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }, { name: 'extKeyUsage', serverAuth: true }], '02');
  return { caPem: forge.pki.certificateToPem(ca), serverCertPem: forge.pki.certificateToPem(server), serverKeyPem: forge.pki.privateKeyToPem(serverKeys.privateKey) };
}
