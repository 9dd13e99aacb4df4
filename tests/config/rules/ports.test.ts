// Port, host and route rules (rules/ports.ts), each with a broken variant of the sample and the exact message.
import { test } from 'uvu'
import { P, PATIENT, problemsWith, expectOnly } from '../variant.ts'

test('ports: unique per instance group, where the clashing value is written (the override)', () => {
  expectOnly(
    problemsWith({ file: P, from: '    version: 1.9.0\n', to: '    version: 1.9.0\n    port: 3001\n' }),
    "apps/patient-api.yaml:11:7: patient-api port 3001: already used by doctor-api port on instance group 'api'",
  )
})

test('ports: >= 1024, and never the SSH or Mongo port', () => {
  expectOnly(
    problemsWith({ file: PATIENT, from: 'proxyPort: 8081', to: 'proxyPort: 80' }),
    'apps/patient-api.yaml:12:12: patient-api proxyPort 80: must be >= 1024 (apps never run as root, and nginx owns 80 and 443)',
  )
  expectOnly(
    problemsWith({ file: PATIENT, from: 'port: 3001', to: 'port: 2222' }),
    'apps/patient-api.yaml:11:7: patient-api port 2222: clashes with the SSH port',
  )
  expectOnly(
    problemsWith({ file: PATIENT, from: 'port: 3001', to: 'port: 27517' }),
    'apps/patient-api.yaml:11:7: patient-api port 27517: clashes with the Mongo port',
  )
})

test('hosts-unique: a host name belongs to one app', () => {
  expectOnly(
    problemsWith({ file: P, from: 'hosts: [doctor-api.drsignet.com]', to: 'hosts: [patient-api.drsignet.com]' }),
    "environments/production.yaml:62:13: host 'patient-api.drsignet.com' is already served by doctor-api; host names must be unique in an environment",
  )
})

test('routes-unique: apps without hosts need their own path', () => {
  expectOnly(
    problemsWith(
      { file: P, from: 'hosts: [doctor-api.drsignet.com]', to: 'hosts: []' },
      { file: P, from: 'hosts: [patient-api.drsignet.com]', to: 'hosts: []' },
    ),
    'apps/patient-api.yaml:13:9: path / on the default host is already routed to doctor-api; give the app a host or its own path',
  )
})

test.run()
