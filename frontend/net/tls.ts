// TLS credentials: tls-certificate names one PEM file holding the certificate, its key and the
// chain; without it a self-signed certificate is made once and kept in the data directory.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { generate } from 'selfsigned';

export async function loadTlsContext(certificateFile: string | null, selfSignedFile: string,
                                     hostname: string): Promise<SecureContext> {
  let pem: string;
  if (certificateFile) {
    pem = readFileSync(certificateFile, 'utf8');
  } else if (existsSync(selfSignedFile)) {
    pem = readFileSync(selfSignedFile, 'utf8');
  } else {
    const made = await generate([{ name: 'commonName', value: hostname }], {
      keySize: 2048, algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: hostname }, { type: 7, ip: '127.0.0.1' }] }],
    });
    pem = made.cert + made.private;
    mkdirSync(dirname(selfSignedFile), { recursive: true });
    writeFileSync(selfSignedFile, pem, { mode: 0o600 });
  }
  const key = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem);
  if (!key) throw new Error(`${certificateFile ?? selfSignedFile}: no private key in the PEM file`);
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certs) throw new Error(`${certificateFile ?? selfSignedFile}: no certificate in the PEM file`);
  return createSecureContext({ key: key[0], cert: certs.join('\n'), minVersion: 'TLSv1.2' });
}
