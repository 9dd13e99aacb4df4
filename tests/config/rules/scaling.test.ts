// Scaling rules (rules/scaling.ts): bounds, production's room, apps per group.
import { test } from 'uvu'
import { loadConfig } from '../../../scripts/lib/config/load.ts'
import { formatProblem } from '../../../scripts/lib/config/problems.ts'
import { sample, P, problemsWith, expectOnly } from '../variant.ts'

test('scaling: min <= count <= max, a group that can grow, never the database group; production holds two', () => {
  const api = (scaling: string) => ({ file: P, from: '    scaling:\n      min: 2\n      max: 6\n', to: scaling })
  expectOnly(
    problemsWith(api('    scaling:\n      min: 3\n      max: 6\n')),
    "environments/production.yaml:34:12: instance group 'api': scaling.min 3 is above count 2; min <= count <= max",
  )
  expectOnly(
    problemsWith(api('    scaling:\n      min: 1\n      max: 1\n')),
    "environments/production.yaml:33:5: instance group 'api' in production may run on 1 instance; it needs at least 2 (raise scaling.min), or one lost instance is an outage",
    "environments/production.yaml:35:12: instance group 'api': scaling.max 1 is below count 2; min <= count <= max",
  )
  // A group that idles at one instance is one lost instance from an outage, however far it may grow.
  expectOnly(
    problemsWith(api('    scaling:\n      min: 1\n      max: 6\n')),
    "environments/production.yaml:33:5: instance group 'api' in production may run on 1 instance; it needs at least 2 (raise scaling.min), or one lost instance is an outage",
  )
  expectOnly(
    problemsWith(api('    scaling:\n      min: 2\n      max: 2\n')),
    "environments/production.yaml:35:12: instance group 'api': scaling.min and max are both 2, so the group can never scale; remove 'scaling' or raise max",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: '  database:\n    count: 1\n',
      to: '  database:\n    count: 1\n    scaling: { min: 1, max: 2, targetCpu: 50 }\n',
    }),
    "environments/production.yaml:53:5: the database group 'database' cannot scale: its one data volume and address attach to one instance; remove 'scaling'",
  )
})

test('apps run on app groups, at most five to a group (its target group slots)', () => {
  expectOnly(
    problemsWith({
      file: P,
      from: '    version: 2.3.1\n    instanceGroup: portal',
      to: '    version: 2.3.1\n    instanceGroup: database',
    }),
    "environments/production.yaml:69:20: app 'admin-portal' is on the database group 'database'; put it on an app group (the database instance reads no app bundles and is not behind the load balancer)",
  )
  // Four more APIs beside the two on 'api': six apps for five slots.
  const { envs, apps } = sample()
  const doctor = apps.find((a) => a.file === 'apps/doctor-api.yaml')!.text
  const extra = [1, 2, 3, 4].map((i) => ({
    file: `apps/extra-${i}.yaml`,
    text: doctor
      .replace('name: doctor-api', `name: extra-${i}`)
      .replace('user: doctor', `user: extra${i}`)
      .replace('port: 3002', `port: ${3100 + i}`)
      .replace('proxyPort: 8082', `proxyPort: ${8100 + i}`)
      .replace('repository: drsignet-doctor-api', `repository: drsignet-extra-${i}`),
  }))
  const prod = envs.find((e) => e.file === P)!
  prod.text = prod.text.replace(
    'apps:\n',
    `apps:\n${[1, 2, 3, 4].map((i) => `  extra-${i}:\n    version: 1.0.0\n    instanceGroup: api\n    hosts: [extra-${i}.drsignet.com]\n`).join('')}`,
  )
  const enc = (xs: { file: string; text: string }[]) =>
    xs.map((x) => ({ file: x.file, bytes: new TextEncoder().encode(x.text) }))
  // The new apps have no healthy-hosts alarms yet: that rule's problems are not this test's.
  const found = loadConfig(enc([prod]), enc([...apps, ...extra]))
    .problems.filter((p) => p.rule !== 'capacity-watched')
    .map(formatProblem)
  expectOnly(
    found,
    "environments/production.yaml:31:3: instance group 'api' serves 6 apps; an Auto Scaling group here registers its instances in at most 5 target groups, so move some apps to another group",
  )
})

test.run()
