// Per-app rules (rules/apps.ts), each with a broken variant of the sample and the exact message.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { P, PATIENT, PORTAL, problemsWith, expectOnly } from '../variant.ts'

test('spa-rate-limit: a single-page app on the internet has a per-client rate limit', () => {
  expectOnly(
    problemsWith({
      file: PORTAL,
      from: /  # Per client address[^\n]*\n  rateLimit:\n    rate: 10r\/s\n    burst: 40\n/,
      to: '',
    }),
    'apps/admin-portal.yaml:36:3: admin-portal is a single-page app on the internet: set nginx.rateLimit (e.g. { rate: 10r/s, burst: 40 }) so one client cannot flood its Node server',
  )
})

test("allow-from: public ranges only, and within an ALB rule's 5 values", () => {
  const portal = (ranges: string) => ({
    file: P,
    from: '    hosts: [admin.drsignet.com]\n',
    to: `    hosts: [admin.drsignet.com]\n    allowFrom: ${ranges}\n`,
  })
  expectOnly(problemsWith(portal('[198.51.100.0/24]')))
  expectOnly(
    problemsWith(portal('[198.51.100.0/24, 10.1.0.0/16]')),
    "environments/production.yaml:71:34: admin-portal allowFrom 10.1.0.0/16 overlaps 10.0.0.0/8; the load balancer sees clients' public addresses: list the office's egress ranges",
  )
  expectOnly(
    problemsWith({
      file: P,
      from: '    hosts: [admin.drsignet.com]\n',
      to: '    hosts: [admin.drsignet.com, a.drsignet.com, b.drsignet.com]\n    allowFrom: [198.51.100.0/24, 203.0.113.0/24]\n',
    }),
    'environments/production.yaml:71:16: admin-portal has 3 hosts, 1 paths and 2 allowFrom ranges; an ALB listener rule holds at most 5 values in all: merge ranges or drop a host',
  )
  const schema = problemsWith(portal('[0.0.0.0/0]'))
  assert.is(schema.length, 1)
  assert.match(schema[0]!, /^environments\/production\.yaml:71:17: /)
})

test('health-check-timing: timeout below interval', () => {
  expectOnly(
    problemsWith({ file: PATIENT, from: 'timeout: 5', to: 'timeout: 15' }),
    'apps/patient-api.yaml:20:12: patient-api healthCheck.timeout (15) must be less than interval (15), as the ALB requires',
  )
})

test('spa-static-root: single-page apps say where their bundle is', () => {
  expectOnly(
    problemsWith({ file: PORTAL, from: '  staticRoot: build\n', to: '' }),
    'apps/admin-portal.yaml:36:3: admin-portal is a single-page app: set nginx.staticRoot to the folder of the built bundle',
  )
})

test.run()
