// The local fleet's load balancer: one listener per app (its target group), and fleets saved before that (pure + a
// temp folder; no instance is booted).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { lbNginxConf, loadFleet, targetOf, type Fleet } from '../../scripts/lib/deploy-local/fleet.ts'

const instance = (n: number) => ({
  name: `i${n}`,
  dir: `/f/instances/i${n}`,
  netns: `dl-abc-${n}`,
  hostIf: `h${n}`,
  nsIf: `n${n}`,
  hostIp: `10.200.1.${4 * n + 1}`,
  nsIp: `10.200.1.${4 * n + 2}`,
  cgroup: `c${n}`,
})
const fleet = (targets: Fleet['targets']): Fleet => ({
  dir: '/f',
  id: 'abc',
  targets,
  instances: [instance(1), instance(2)],
  deployments: 0,
})

const servers = (conf: string) => [...conf.matchAll(/listen 127\.0\.0\.1:(\d+);|server (10\.[\d.:]+);|return 503/g)]

test('each app listens on its own port and sends only to the instances in its target group', () => {
  const conf = lbNginxConf(
    fleet([
      { app: 'patient-api', proxyPort: 8081, lbPort: 18081, allowed: ['i1', 'i2'] },
      { app: 'doctor-api', proxyPort: 8082, lbPort: 18082, allowed: ['i2'] },
    ]),
  )
  assert.equal(
    servers(conf).map((m) => m[1] ?? m[2]),
    ['10.200.1.6:8081', '10.200.1.10:8081', '18081', '10.200.1.10:8082', '18082'],
  )
  assert.match(conf, /upstream port8082 \{\n {8}server 10\.200\.1\.10:8082;\n {4}\}/)
  assert.match(conf, /proxy_next_upstream off;/)
})

test('a target group with no instance in service answers 503; a fleet with none has no listener', () => {
  const conf = lbNginxConf(fleet([{ proxyPort: 8083, lbPort: 18083, allowed: [] }]))
  assert.equal(
    servers(conf).map((m) => m[1] ?? m[0]),
    ['18083', 'return 503'],
  )
  assert.not.match(lbNginxConf(fleet([])), /listen/)
})

test('a fleet saved with one load balancer (lbPort, proxyPort, allowed) loads with it as its one target group', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-'))
  try {
    const { targets: _t, ...rest } = fleet([])
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ ...rest, lbPort: 8080, proxyPort: 8081, allowed: ['i1'] }))
    const f = loadFleet(dir)!
    assert.equal(f.targets, [{ proxyPort: 8081, lbPort: 8080, allowed: ['i1'] }])
    assert.is(targetOf(f, 8081), f.targets[0])
    assert.is(targetOf(f, 8082), undefined)
    assert.not.ok('allowed' in f || 'lbPort' in f)
    writeFileSync(join(dir, 'fleet.json'), JSON.stringify({ ...rest, lbPort: 8080, allowed: [] }))
    assert.equal(loadFleet(dir)!.targets, [], 'the database group had no load balancer')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
