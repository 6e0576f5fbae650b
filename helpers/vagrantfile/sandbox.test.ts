// The sandbox: a Vagrantfile sees the repository and nothing else, runs no command, and is
// stopped when it does not finish.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { openTarget } from '../target/repository.ts';
import { evaluateVagrantfile } from './evaluate.ts';
import { configOf, evaluateText, writeRepository } from './testing.ts';

/** A Vagrantfile that records `expression` (Ruby) as the box name, inspected. */
const probe = (expression: string): string =>
  `VALUE = (${expression}).inspect\nVagrant.configure("2") { |config| config.vm.box = VALUE }\n`;

async function valueOf(expression: string, others: Record<string, string> = {}): Promise<string | undefined> {
  return configOf(await evaluateText(probe(expression), others)).machines[0]!.box;
}

describe('files', () => {
  test('File.read, File.exist? and YAML.load_file reach files inside the repository, relative to the Vagrantfile', async () => {
    const others = { 'p1/confs/nodes.yaml': 'workers: 2\n', 'shared/token': 'abc\n' };
    expect(
      await valueOf(
        `require "yaml"; [YAML.load_file("confs/nodes.yaml"), File.read("../shared/token"), File.exist?("confs/nodes.yaml"), Dir.pwd]`,
        others,
      ),
    ).toBe('[{"workers" => 2}, "abc\\n", true, "/repo/p1"]');
  });

  test('a read outside the repository fails with a note naming the path', async () => {
    const evaluation = await evaluateText(`KEY = File.read("/etc/hostname")\nVagrant.configure("2") { |c| }\n`);
    expect(evaluation).toMatchObject({ ok: false, line: 1 });
    if (evaluation.ok) return;
    expect(evaluation.message).toContain('p1/Vagrantfile:1');
    expect(evaluation.message).toContain('/etc/hostname is outside the repository');
    expect(evaluation.fix).toContain('inside the repository');
  });

  test('a relative path that climbs out of the repository is refused too', async () => {
    const evaluation = await evaluateText(`File.readlines("../../../etc/passwd")\nVagrant.configure("2") { |c| }\n`);
    expect(evaluation.ok).toBe(false);
    if (!evaluation.ok) expect(evaluation.message).toContain('/etc/passwd is outside the repository');
  });

  test('File.exist? outside the repository answers false and leaves a note', async () => {
    const evaluation = await evaluateText(probe('File.exist?(File.expand_path("~/.ssh/id_rsa.pub"))'));
    const config = configOf(evaluation);
    expect(config.machines[0]!.box).toBe('false');
    expect(config.notes.join('\n')).toContain('/home/vagrant/.ssh/id_rsa.pub');
  });

  test('the WebAssembly sandbox itself reaches nothing outside, past the Ruby guards', async () => {
    expect(
      await valueOf(
        'begin; Dir.open("/etc").children.size; rescue SystemCallError, NotImplementedError, StandardError => e; e.class.name; end',
      ),
    ).not.toMatch(/^\d+$/);
    expect(
      await valueOf(
        'begin; File.symlink("/etc/passwd", "link"); File.read("link"); rescue NotImplementedError, SystemCallError, StandardError => e; e.class.name; end',
      ),
    ).toMatch(/Error|ENOENT|EPERM/);
  });

  test("Ruby's own library stays usable: Gem::Version and ipaddr load, and a read of a host file is still refused", async () => {
    expect(await valueOf('Gem::Version.new(Vagrant::VERSION) >= Gem::Version.new("1.8.0")')).toBe('true');
    expect(await valueOf('require "ipaddr"; IPAddr.new("192.168.56.110").succ.to_s')).toBe('"192.168.56.111"');
    const evaluation = await evaluateText(`Gem::Version.new("1.0")\nKEY = File.read("/etc/hostname")\nVagrant.configure("2") { |c| }\n`);
    expect(evaluation).toMatchObject({ ok: false, line: 2 });
    if (!evaluation.ok) expect(evaluation.message).toContain('/etc/hostname is outside the repository');
  });

  test('FileUtils and Pathname need no require, as Vagrant loads them before the Vagrantfile; a write outside is refused', async () => {
    expect(
      await valueOf(
        'FileUtils.mkdir_p("config"); FileUtils.touch("config/key"); [File.exist?("config/key"), Pathname.new("a").join("b").to_s]',
      ),
    ).toBe('[true, "a/b"]');
    const evaluation = await evaluateText(`FileUtils.touch("/etc/iot-probe")\nVagrant.configure("2") { |c| }\n`);
    expect(evaluation).toMatchObject({ ok: false, line: 1 });
  });

  test('a Vagrantfile may write a token file: the write lands in a throwaway copy', async () => {
    const repository = await writeRepository({
      'p1/Vagrantfile': `require "securerandom"
TOKEN = "node-token"
File.write(TOKEN, SecureRandom.hex(16)) unless File.exist?(TOKEN)
Vagrant.configure("2") { |config| config.vm.box = File.read(TOKEN) }
`,
    });
    try {
      const target = await openTarget(repository.root);
      const box = configOf(await evaluateVagrantfile(target, 'p1/Vagrantfile')).machines[0]!.box;
      expect(box).toMatch(/^[0-9a-f]{32}$/);
      expect(existsSync(`${repository.root}/p1/node-token`)).toBe(false);
    } finally {
      await repository.remove();
    }
  });
});

describe('commands and environment', () => {
  test('system, backticks, %x, spawn, IO.popen and Open3 run nothing', async () => {
    const marker = `/tmp/iot-sandbox-${randomUUID()}`;
    const evaluation = await evaluateText(
      probe(`require "open3"
[system("touch ${marker}"), \`touch ${marker}\`, %x{touch ${marker}}, spawn("touch", "${marker}"),
 IO.popen("touch ${marker}").read, Open3.capture2("touch ${marker}").first, Open3.capture3("touch", "${marker}").first(2)]`),
    );
    expect(configOf(evaluation).machines[0]!.box).toBe('[false, "", "", false, "", "", ["", ""]]');
    expect(existsSync(marker)).toBe(false);
    expect(configOf(evaluation).notes.join('\n')).toContain(`touch ${marker}`);
  });

  test('USER and LOGNAME are unset and whoami prints nothing: a name built from them is empty', async () => {
    expect(await valueOf('[ENV["USER"], ENV["LOGNAME"], `whoami`, Etc.getlogin, "#{ENV["USER"]}S", ENV.keys.sort]')).toBe(
      '[nil, nil, "", nil, "S", ["HOME", "LANG"]]',
    );
  });

  test('uname describes the reference host', async () => {
    expect(await valueOf('[`uname -m`, `uname -s`, %x(uname)]')).toBe('["x86_64\\n", "Linux\\n", "Linux\\n"]');
  });

  test('Vagrant helpers: has_plugin? is false, VERSION is set, require_version is accepted', async () => {
    expect(await valueOf('Vagrant.require_version(">= 2.0"); [Vagrant.has_plugin?("vagrant-vbguest"), Vagrant::VERSION]')).toBe(
      '[false, "2.4.3"]',
    );
  });
});

describe('time limit', () => {
  test('an endless loop is stopped at the time limit', async () => {
    const started = Date.now();
    const evaluation = await evaluateText(`loop { }\nVagrant.configure("2") { |c| }\n`, {}, { timeLimitMs: 1500 });
    expect(evaluation).toMatchObject({ ok: false, message: 'p1/Vagrantfile did not finish in 1.5 s: an endless loop?' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('a sleep does not block: it returns at once', async () => {
    const started = Date.now();
    expect(await valueOf('sleep 30; Kernel.sleep(30); IO.select(nil, nil, nil, 30); :awake', {})).toBe(':awake');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('the sandbox still works after a job was stopped', async () => {
    await evaluateText(`loop { }\n`, {}, { timeLimitMs: 500 });
    expect(await valueOf('1 + 1')).toBe('2');
  });
});

describe('VMs booted ahead', () => {
  test('that no job took are ended by releaseSandbox, so the process can exit', { timeout: 60_000 }, async () => {
    const script = `import { prewarmSandbox, releaseSandbox } from ${JSON.stringify(new URL('./ruby-sandbox.ts', import.meta.url).href)};
prewarmSandbox(2);
await new Promise((done) => setTimeout(done, 500));
await releaseSandbox();`;
    const child = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], { timeout: 30_000 });
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });
});

describe("Ruby while libuv's thread pool is busy", () => {
  // With libuv's thread pool busy (here one thread, held by a key derivation for ~1.5 s), the VM's folder, made
  // through the pool, came after Ruby's start: Ruby's WASI failed to open it, and its message, come before anyone
  // waited for it, was lost: the job waited for ever, with no timer.
  const program = `
    import { pbkdf2, pbkdf2Sync } from 'node:crypto';
    const { runInSandbox, rubyModule } = await import(${JSON.stringify(new URL('./ruby-sandbox.ts', import.meta.url).pathname)});
    await rubyModule();
    const started = performance.now();
    pbkdf2Sync('x', 'y', 100_000, 64, 'sha512');
    const perIteration = (performance.now() - started) / 100_000;
    pbkdf2('x', 'y', Math.round(1500 / perIteration), 64, 'sha512', () => {});
    const text = 'Vagrant.configure("2") { |c| c.vm.box = "early" }\\n';
    const outcome = await Promise.race([
      runInSandbox({ files: [{ path: 'Vagrantfile', size: text.length, text }], vagrantfile: 'Vagrantfile' }),
      new Promise((done) => setTimeout(() => done({ kind: 'still waiting after 15 s' }), 15_000)),
    ]);
    console.log(outcome.kind);
    process.exit(0);
  `;

  test('starts in its folder, and the job runs', { timeout: 60_000 }, () => {
    const run = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', program], {
      encoding: 'utf8',
      env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('done');
  });
});
