// Database rules (rules/database.ts): address, snapshots, one instance, users for known apps.
import { test } from 'uvu'
import { P, S, problemsWith, expectOnly } from '../variant.ts'

test("database-address: a free address of the zone's private subnet", () => {
  expectOnly(
    problemsWith({ file: P, from: 'address: 10.20.128.10', to: 'address: 10.20.64.10' }),
    'environments/production.yaml:108:12: database address 10.20.64.10 is outside 10.20.128.0/18, the private subnet of zone a; pick a free address inside it (e.g. 10.20.128.10)',
  )
  expectOnly(
    problemsWith({ file: P, from: 'address: 10.20.128.10', to: 'address: 10.20.128.2' }),
    'environments/production.yaml:108:12: database address 10.20.128.2 is one of the four addresses AWS keeps at the start of 10.20.128.0/18, the private subnet of zone a; pick a free address inside it (e.g. 10.20.128.10)',
  )
  expectOnly(
    problemsWith({ file: P, from: 'address: 10.20.128.10\n  zone: a', to: 'address: 10.20.255.255\n  zone: b' }),
    'environments/production.yaml:108:12: database address 10.20.255.255 is the last address of 10.20.192.0/18, which AWS keeps, the private subnet of zone b; pick a free address inside it (e.g. 10.20.192.10)',
  )
})

test('database-snapshot-*: snapshots within the RPO, kept a whole number of intervals, at most 1000', () => {
  expectOnly(
    problemsWith(
      { file: P, from: 'everyHours: 1', to: 'everyHours: 24' },
      { file: P, from: 'rpoHours: 24', to: 'rpoHours: 12' },
      { file: P, from: 'schedule: "0 0 * * *"', to: 'schedule: "0 */12 * * *"' },
      { file: P, from: 'keepHours: 72', to: 'keepHours: 96' },
      { file: P, from: 'threshold: 90000', to: 'threshold: 43200' },
    ),
    'environments/production.yaml:115:17: snapshots every 24 h would lose up to 24 h of writes with the volume, more than the RPO of 12 h; take them at most every 12 h',
  )
  expectOnly(
    problemsWith(
      { file: P, from: 'everyHours: 1', to: 'everyHours: 6' },
      { file: P, from: 'keepHours: 72', to: 'keepHours: 40' },
    ),
    'environments/production.yaml:116:16: keepHours 40 is not a multiple of everyHours 6; DLM keeps a count of snapshots, so use 42',
  )
  expectOnly(
    problemsWith({ file: P, from: 'keepHours: 72', to: 'keepHours: 2000' }),
    'environments/production.yaml:116:16: keeping 2000 h of snapshots every 1 h is 2000 snapshots; DLM keeps at most 1000, so take them less often or keep them shorter (the nightly backups cover the long tail)',
  )
})

test('database-single / database-client: one database instance, users for known apps only', () => {
  expectOnly(
    problemsWith({ file: S, from: /  database:\n    count: 1/, to: '  database:\n    count: 2' }),
    "environments/staging.yaml:44:12: the database group 'database' has count 2; it must be 1, since its one data volume and address attach to one instance",
  )
  expectOnly(
    problemsWith({
      file: S,
      from: '    doctor-api: drsignet\n',
      to: '    doctor-api: drsignet\n    admin-portl: drsignet\n',
    }),
    "environments/staging.yaml:111:5: database client 'admin-portl' is not an app of this environment; MongoDB users are made for its apps only (known: patient-api, doctor-api, admin-portal)",
  )
})

test.run()
