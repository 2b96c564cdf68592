import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Shared plumbing for the sandbox fakes: a real HTTP server on 127.0.0.1, a request log,
 * and fault injection (vendor-style 429s, 5xx, connection resets, slow responses).
 * Each fake supplies a router; vendor-specific behaviour (auth, pagination, error bodies,
 * rate-limit headers) lives in the fake itself.
 */

export interface FakeRequest {
  method: string;
  url: URL;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Fault =
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { type: 'reset' }
  /** The server does the work, then the connection drops before the answer: the client cannot tell. */
  | { type: 'reset-after-processing' }
  /**
   * A slow answer. By default the server waits before doing the work (a client that gave up may
   * see its write land later); with `afterProcessing` it does the work, then waits to answer.
   */
  | { type: 'delay'; ms: number; afterProcessing?: boolean }
  /** Serve normally, then change the answer's bytes (e.g. invalid UTF-8 in a name). */
  | { type: 'rewrite'; transform: (payload: Buffer) => Buffer };

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
}

export type Router = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** Decides, per request, whether to inject a fault. Return undefined to serve normally. */
export type FaultPlan = (req: FakeRequest, requestNumber: number) => Fault | undefined;

export class FakeServer {
  readonly log: RequestLogEntry[] = [];
  private server?: http.Server;
  private listeningUrl?: string;
  private queued: Fault[] = [];
  private plan?: FaultPlan;
  private requestCount = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly sockets = new Set<import('node:net').Socket>();

  constructor(
    readonly name: string,
    private readonly router: Router,
    private readonly rateLimitFault: () => Fault,
  ) {}

  get url(): string {
    if (!this.listeningUrl) throw new Error(`${this.name} sandbox is not running`);
    return this.listeningUrl;
  }

  /** The next `count` requests get `fault` (default: this vendor's own 429). */
  failNext(count = 1, fault?: Fault): void {
    for (let i = 0; i < count; i++) this.queued.push(fault ?? this.rateLimitFault());
  }

  /** Installs a function that may inject a fault into any request (e.g. a seeded random schedule). */
  setFaultPlan(plan: FaultPlan | undefined): void {
    this.plan = plan;
  }

  /** The vendor's own rate-limit response, for fault plans. */
  rateLimited(): Fault {
    return this.rateLimitFault();
  }

  /** Resolves once no request is being handled (a delayed write a client gave up on has landed). */
  settled(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  clearFaults(): void {
    this.queued = [];
    this.plan = undefined;
  }

  /**
   * As if a whole rate-limit window had passed without a request (the next night's run); a fake
   * with a limit overrides it.
   */
  forgetRateLimitWindow(): void {}

  requestsTo(pathPrefix: string, method = 'GET'): RequestLogEntry[] {
    return this.log.filter((entry) => entry.method === method && entry.path.startsWith(pathPrefix));
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
    // Remembered: answers render it into every link, and server.address() is a system call.
    this.listeningUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    this.listeningUrl = undefined;
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight += 1;
    try {
      await this.serveOne(req, res);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async serveOne(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fakeReq: FakeRequest = {
      method: req.method ?? 'GET',
      url,
      headers: req.headers,
      rawBody,
      body: parseBody(rawBody, req.headers['content-type']),
    };
    this.requestCount += 1;
    const fault = this.queued.shift() ?? this.plan?.(fakeReq, this.requestCount);
    const logEntry: RequestLogEntry = { method: fakeReq.method, path: url.pathname, query: url.search, status: 0 };
    this.log.push(logEntry);

    if (fault?.type === 'reset') {
      logEntry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.type === 'delay' && !fault.afterProcessing)
      await new Promise((resolve) => setTimeout(resolve, fault.ms));

    let response: FakeResponse;
    if (fault?.type === 'status') {
      response = { status: fault.status, headers: fault.headers, body: fault.body ?? { error: 'injected fault' } };
    } else {
      try {
        response = await this.router(fakeReq);
      } catch (error) {
        response = { status: 500, body: { error: `sandbox ${this.name} crashed: ${(error as Error).message}` } };
      }
    }
    logEntry.status = response.status;
    if (fault?.type === 'delay' && fault.afterProcessing) await new Promise((resolve) => setTimeout(resolve, fault.ms));
    if (fault?.type === 'reset-after-processing') {
      logEntry.status = -1;
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    const headers: Record<string, string> = { ...(response.headers ?? {}) };
    let payload: Buffer = Buffer.alloc(0);
    if (response.body !== undefined && response.status !== 204) {
      const text = typeof response.body === 'string' || Buffer.isBuffer(response.body);
      payload = Buffer.isBuffer(response.body)
        ? response.body
        : Buffer.from(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = text ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      }
    }
    if (fault?.type === 'rewrite') payload = fault.transform(payload);
    res.writeHead(response.status, headers);
    res.end(payload);
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw));
  }
  return raw;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, body, headers };
}
