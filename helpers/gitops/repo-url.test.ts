import { describe, expect, test } from 'vitest';
import { gitHubRepo, hostBesidePlaceholders, hostOf, isLocalAddress, isMalformedHost, localHostReason } from './repo-url.ts';

describe('gitHubRepo', () => {
  test.each([
    ['https://github.com/wil42/wil-iot.git', 'wil42', 'wil-iot'],
    ['https://github.com/wil42/wil-iot', 'wil42', 'wil-iot'],
    ['https://github.com/Some-Org/my.repo/', 'Some-Org', 'my.repo'],
  ])('%s is %s/%s', (url, owner, name) => {
    expect(gitHubRepo(url)).toEqual({ owner, name });
  });

  test.each([
    ['git@github.com:wil42/wil-iot.git', /SSH/],
    ['http://github.com/wil42/wil-iot.git', /http:\/\//],
    ['https://user:token@github.com/wil42/wil-iot.git', /credentials/],
    ['https://gitlab.com/wil42/wil-iot.git', /gitlab\.com, not GitHub/],
    ['https://github.com/wil42', /not a repository URL/],
  ])('%s is refused', (url, reason) => {
    const result = gitHubRepo(url);
    expect('problem' in result && result.problem).toMatch(reason);
  });
});

describe('hostOf', () => {
  test.each([
    ['http://gitlab.local:8080/root/app.git', 'gitlab.local'],
    ['ssh://git@gitlab-shell.gitlab.svc:22/root/app.git', 'gitlab-shell.gitlab.svc'],
    ['git@gitlab.local:root/app.git', 'gitlab.local'],
    ['http://[::1]:8080/x.git', '::1'],
  ])('%s → %s', (url, host) => expect(hostOf(url)).toBe(host));
});

describe('hostBesidePlaceholders', () => {
  test.each([
    ['http://root:$(cat ./token)@gitlab.local/root/app.git', ['$(cat ./token)'], 'gitlab.local'],
    ['http://gitlab.local:8080/root/${PROJECT}.git', ['${PROJECT}'], 'gitlab.local'],
    ['http://${GITLAB_HOST}/root/app.git', ['${GITLAB_HOST}'], undefined],
    ['http://gitlab.${DOMAIN}/root/app.git', ['${DOMAIN}'], undefined],
    ['${GITLAB_URL}/root/app.git', ['${GITLAB_URL}'], undefined],
  ])('%s → %s', (url, placeholders, host) => expect(hostBesidePlaceholders(url, placeholders)).toBe(host));
});

describe('localHostReason', () => {
  const hints = { namespaces: new Set(['gitlab']), mappedHosts: new Map([['gitlab.k3d.local', '/etc/hosts entry']]) };
  test.each([
    'localhost',
    '127.0.0.1',
    '192.168.56.110',
    '10.43.0.12',
    '172.18.0.2',
    'host.k3d.internal',
    'gitlab-webservice-default.gitlab.svc.cluster.local',
    'gitlab-webservice-default.gitlab.svc',
    'gitlab-webservice-default.gitlab',
    'gitlab-webservice-default',
    'gitlab.k3d.local',
    'gitlab.192.168.56.110.nip.io',
  ])('%s is local', (host) => expect(localHostReason(host, hints)).toBeDefined());

  test.each([
    'github.com',
    'gitlab.com',
    '8.8.8.8',
    'gitlab.example.org',
    'gitlab.8.8.8.8.nip.io',
    'web.other',
    '{ip-gitlab}',
    '<gitlab-ip>',
  ])('%s is not local', (host) => expect(localHostReason(host, hints)).toBeUndefined());

  test('a host left as a hand-filled placeholder is malformed', () => {
    expect(hostOf('http://{ip-gitlab}/root/app.git')).toBe('{ip-gitlab}');
    expect(isMalformedHost('{ip-gitlab}')).toBe(true);
    expect(isMalformedHost('gitlab-webservice-default')).toBe(false);
    expect(isMalformedHost('gitlab.k3d.local')).toBe(false);
    expect(isMalformedHost('::1')).toBe(false);
  });

  test('addresses', () => {
    expect(isLocalAddress('172.32.0.1')).toBe(false);
    expect(isLocalAddress('fd00::1')).toBe(true);
    expect(isLocalAddress('not-an-ip')).toBe(false);
  });
});
