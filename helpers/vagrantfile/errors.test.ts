// What a student sees when the Vagrantfile does not evaluate: the file, the line, what is wrong
// and what to change; never a stack trace of the grader.
import { describe, expect, test } from 'vitest';
import { openTarget } from '../target/repository.ts';
import { evaluateVagrantfile } from './evaluate.ts';
import type { VagrantEvaluation } from './model.ts';
import { evaluateText, writeRepository } from './testing.ts';

function failure(evaluation: VagrantEvaluation): { message: string; fix: string; line?: number } {
  if (evaluation.ok) throw new Error('expected the evaluation to fail, it succeeded');
  expect(evaluation.message).not.toMatch(/\/repo\/|ruby-worker|prelude|\n\s+at /);
  expect(evaluation.fix.length).toBeGreaterThan(10);
  return evaluation;
}

describe('Ruby errors', () => {
  test('a syntax error names the file, the line and what the parser expected', async () => {
    const result = failure(await evaluateText(`Vagrant.configure("2") do |config|\n  config.vm.box = "x"\n  end\nend\n`));
    expect(result.line).toBe(4);
    expect(result.message).toMatch(/^p1\/Vagrantfile:4: syntax error, unexpected 'end'/);
    expect(result.fix).toContain('line 4');
  });

  test('a missing end is reported with the parser messages', async () => {
    const result = failure(
      await evaluateText(`Vagrant.configure("2") do |config|\n  config.vm.define "a" do |a|\n    a.vm.box = "x"\nend\n`),
    );
    expect(result.message).toMatch(/^p1\/Vagrantfile:\d+: syntax error, /);
    expect(result.message).toMatch(/end-of-input|`end`/);
  });

  test('an exception gives its class, message and line, even inside a define block', async () => {
    const result = failure(
      await evaluateText(`Vagrant.configure("2") do |config|\n  config.vm.define "a" do |a|\n    a.vm.box = BOXX\n  end\nend\n`),
    );
    expect(result).toMatchObject({ line: 3, message: 'p1/Vagrantfile:3: NameError: uninitialized constant BOXX' });
    expect(result.fix).toContain('line 3 of p1/Vagrantfile');
  });

  test('an error in a file the Vagrantfile loads names that file and its line', async () => {
    const evaluation = await evaluateText(`require_relative "lib/nodes"\nVagrant.configure("2") { |c| }\n`, {
      'p1/lib/nodes.rb': 'NODES = [\n  undefined_node\n]\n',
    });
    const result = failure(evaluation);
    expect(result.message).toMatch(/^p1\/lib\/nodes\.rb:2: NameError: undefined local variable or method 'undefined_node'/);
    expect(evaluation).toMatchObject({ location: { file: 'p1/lib/nodes.rb', line: 2 } });
    expect(result.line).toBeUndefined();
  });

  test('raise in the Vagrantfile', async () => {
    const result = failure(await evaluateText(`\nraise "missing settings"\n`));
    expect(result).toMatchObject({ line: 2, message: 'p1/Vagrantfile:2: RuntimeError: missing settings' });
  });

  test('a Vagrantfile that never calls Vagrant.configure', async () => {
    const result = failure(await evaluateText(`BOX = "debian/bookworm64"\n`));
    expect(result.message).toBe('p1/Vagrantfile defines no Vagrant configuration: it never calls Vagrant.configure("2")');
  });

  test('exit and abort stop the evaluation with their line', async () => {
    const result = failure(
      await evaluateText(`abort("no plugin") unless Vagrant.has_plugin?("vagrant-reload")\nVagrant.configure("2") { |c| }\n`),
    );
    expect(result).toMatchObject({ line: 1 });
    expect(result.message).toContain('stops with exit 1 (no plugin)');
  });

  test('endless recursion is a stack overflow, not a crash of the grader', async () => {
    const result = failure(await evaluateText(`def deeper(n) = deeper(n + 1) + 1\ndeeper(0)\n`));
    expect(result.message).toMatch(/stack level too deep|stack overflow/);
  });

  test('a library the sandbox does not have', async () => {
    const result = failure(await evaluateText(`require "vagrant-hostmanager-helpers"\n`));
    expect(result.message).toMatch(/^p1\/Vagrantfile:1: LoadError: cannot load such file -- vagrant-hostmanager-helpers/);
    expect(result.fix).toContain('Vagrant.has_plugin?');
  });

  test('a missing file inside the repository', async () => {
    const result = failure(await evaluateText(`NODES = File.read("nodes.json")\n`));
    expect(result.message).toBe('p1/Vagrantfile:1: Errno::ENOENT: No such file or directory - File.read("nodes.json"): p1/nodes.json');
  });
});

describe('Vagrantfiles the grader cannot read', () => {
  test('a binary Vagrantfile', async () => {
    const repository = await writeRepository({ 'p1/Vagrantfile': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]) });
    try {
      const result = failure(await evaluateVagrantfile(await openTarget(repository.root), 'p1/Vagrantfile'));
      expect(result.message).toBe('p1/Vagrantfile is a binary file, not text; commit it as plain UTF-8 text');
    } finally {
      await repository.remove();
    }
  });

  test('a Vagrantfile that is a symbolic link out of the repository is not followed', async () => {
    const repository = await writeRepository({ 'p1/Vagrantfile': { symlink: '/etc/hostname' } });
    try {
      const result = failure(await evaluateVagrantfile(await openTarget(repository.root), 'p1/Vagrantfile'));
      expect(result.message).toContain('symbolic link to /etc/hostname, outside the repository');
    } finally {
      await repository.remove();
    }
  });

  test('a file the Vagrantfile reads that the grader could not read names that file', async () => {
    const repository = await writeRepository({
      'p1/Vagrantfile': `NODES = File.read("nodes.yaml")\nVagrant.configure("2") { |c| }\n`,
      'p1/nodes.yaml': { symlink: '/etc/hostname' },
    });
    try {
      const result = failure(await evaluateVagrantfile(await openTarget(repository.root), 'p1/Vagrantfile'));
      expect(result.message).toBe(
        'p1/Vagrantfile:1: p1/nodes.yaml is a symbolic link to /etc/hostname, outside the repository; commit the file itself',
      );
    } finally {
      await repository.remove();
    }
  });
});
