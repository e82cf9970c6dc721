// Opens a listening socket for one protocol; every accepted connection (after the TLS handshake
// for implicit-TLS ports) becomes a Connection handed to the protocol's session.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { Connection } from './connection.ts';

export interface Listening {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function listen(address: string, port: number, implicitTls: SecureContext | null,
                             onConnection: (c: Connection) => void): Promise<Listening> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    if (implicitTls) {
      const secure = new TLSSocket(socket, { isServer: true, secureContext: implicitTls });
      secure.on('error', () => socket.destroy());
      secure.once('secure', () => onConnection(new Connection(secure, true)));
    } else {
      onConnection(new Connection(socket));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address();
  return {
    server,
    port: typeof addr === 'object' && addr ? addr.port : port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    }),
  };
}
