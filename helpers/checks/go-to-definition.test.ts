// Go-to-definition from a check ID in a grading suite reaches that check's declaration: the TypeScript
// language server (`tsc --lsp --stdio`) is asked textDocument/definition at every `sheet(part['ID'])` line.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECT_ROOT } from '../config/env.ts';

const TSC = join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc');
const DECLARATIONS = join(PROJECT_ROOT, 'helpers/checks/parts.ts');
const SUITES = ['general', 'p1', 'p2', 'p3', 'bonus'].map((part) => join(PROJECT_ROOT, 'suites', part, 'static.test.ts'));

interface Definition {
  uri: string;
  range: { start: { line: number; character: number } };
}

/** A minimal LSP client over stdio: Content-Length framed JSON-RPC. */
class LanguageServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();

  constructor() {
    this.child = spawn(process.execPath, [TSC, '--lsp', '--stdio'], { cwd: PROJECT_ROOT });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.on('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`tsc --lsp exited with code ${code}`));
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, end).toString())?.[1]);
      if (this.buffer.length < end + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(end + 4, end + 4 + length).toString());
      this.buffer = this.buffer.subarray(end + 4 + length);
      if (message.method && message.id !== undefined) this.send({ id: message.id, result: null });
      else if (message.id !== undefined) {
        const waiter = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`${message.error.message}`));
        else waiter?.resolve(message.result);
      }
    }
  }

  private send(message: object): void {
    const text = JSON.stringify({ jsonrpc: '2.0', ...message });
    this.child.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  }

  notify(method: string, params: unknown): void {
    this.send({ method, params });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject }));
  }

  stop(): void {
    this.child.kill();
  }
}

let server: LanguageServer;

beforeAll(async () => {
  server = new LanguageServer();
  const root = pathToFileURL(PROJECT_ROOT).href;
  await server.request('initialize', {
    processId: process.pid,
    rootUri: root,
    capabilities: {},
    workspaceFolders: [{ uri: root, name: 'iot' }],
  });
  server.notify('initialized', {});
}, 60_000);

afterAll(() => server?.stop());

const declarationLines = readFileSync(DECLARATIONS, 'utf8').split('\n');

test('go-to-definition on each ID of the static suites lands on its check(...) declaration in helpers/checks/parts.ts', async () => {
  const landed: string[] = [];
  const expected: string[] = [];
  for (const suite of SUITES) {
    const uri = pathToFileURL(suite).href;
    const text = readFileSync(suite, 'utf8');
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    for (const [line, content] of text.split('\n').entries()) {
      const found = /sheet\(\w+\['([A-Z0-9-]+)'\]\)/.exec(content);
      if (!found) continue;
      const id = found[1];
      const character = content.indexOf(`'${id}'`) + 2;
      const definitions =
        (await server.request<Definition[] | null>('textDocument/definition', { textDocument: { uri }, position: { line, character } })) ??
        [];
      const places = definitions.map(({ uri: target, range }) => {
        const file = fileURLToPath(target);
        const declared = file === DECLARATIONS ? declarationLines[range.start.line]?.trim() : undefined;
        return declared ?? `${file}:${range.start.line + 1}`;
      });
      landed.push(`${id} -> ${places.join(' | ') || 'nowhere'}`);
      expected.push(`${id} -> ${declarationLines.find((declared) => declared.trim().startsWith(`'${id}': check('${id}',`))?.trim()}`);
    }
  }
  expect(landed.length, 'the static suites hold sheet(part[ID]) lines').toBeGreaterThan(30);
  expect(landed, 'go-to-definition from a suite ID must reach its declaration in helpers/checks/parts.ts').toEqual(expected);
}, 60_000);
