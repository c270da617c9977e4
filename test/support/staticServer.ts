// A static HTTP server for `cosa buildfetch` tests: serves a directory (a
// builds/ tree made by the stand-in) with GET and HEAD, 404 for anything else,
// never outside the directory. Bound to 127.0.0.1 on a free port; the cosa
// container reaches it with --net=host (podman's default network does not
// reach the host's loopback).

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface StaticServer {
  readonly url: string;
  /** Paths requested so far ("GET /builds.json"). */
  readonly requests: string[];
  close(): Promise<void>;
}

export function serveDirectory(root: string): Promise<StaticServer> {
  const requests: string[] = [];
  const base = path.resolve(root);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(`${req.method} ${rel}`);
    const file = path.resolve(base, `.${rel}`);
    let stat: fs.Stats | undefined;
    try {
      stat = file.startsWith(base + path.sep) ? fs.statSync(file) : undefined;
    } catch {
      stat = undefined;
    }
    if (!stat?.isFile() || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, 'Not Found', { 'content-type': 'text/plain' }).end(req.method === 'HEAD' ? undefined : 'not found\n');
      return;
    }
    res.writeHead(200, { 'content-length': stat.size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}
