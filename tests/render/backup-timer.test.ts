// Cron schedules become systemd OnCalendar lines that systemd itself accepts.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readModel } from '../../scripts/lib/config/read.ts'
import { renderBackupAgentFiles } from '../../scripts/lib/render/backup-agent.ts'
import { cronToOnCalendar, renderBackupUnits } from '../../scripts/lib/render/backup-timer.ts'

test('cron fields map to calendar syntax', () => {
  assert.equal(cronToOnCalendar('0 0 * * *', 'Asia/Kolkata'), ['*-*-* 00:00:00 Asia/Kolkata'])
  assert.equal(cronToOnCalendar('*/15 2-4 * * 1-5', 'UTC'), ['Mon..Fri *-*-* 02..04:00/15:00 UTC'])
  assert.equal(cronToOnCalendar('30 1 1,15 * *', 'UTC'), ['*-*-01,15 01:30:00 UTC'])
  assert.equal(cronToOnCalendar('0 */6 * 1-12/3 *', 'UTC'), ['*-01,04,07,10-* 00/6:00:00 UTC'])
  assert.equal(cronToOnCalendar('0 0 * * 1-5/2', 'UTC'), ['Mon,Wed,Fri *-*-* 00:00:00 UTC'])
  // Cron ORs day of month and day of week; systemd ANDs them, so two lines.
  assert.equal(cronToOnCalendar('0 0 1 * sun', 'UTC'), ['*-*-01 00:00:00 UTC', 'Sun *-*-* 00:00:00 UTC'])
})

test('the rendered timer runs the backup nightly and persistently, from the released ops tool', () => {
  const [service, timer] = renderBackupUnits(readModel('.', 'production'))
  assert.is(service!.path, 'systemd/drsignet-backup-production.service')
  assert.match(service!.contents, 'WorkingDirectory=/opt/drsignet/ops/current\n')
  assert.match(
    service!.contents,
    'ExecStart=/usr/bin/node --max-semi-space-size=4 dist/ops.mjs backup production --env-file /etc/drsignet/backup.env',
  )
  assert.match(timer!.contents, 'OnCalendar=*-*-* 00:00:00 Asia/Kolkata\n')
  assert.match(timer!.contents, 'Persistent=true\n')
})

test('systemd-analyze accepts every generated calendar expression', () => {
  const which = spawnSync('sh', ['-c', 'command -v systemd-analyze'])
  if (which.status !== 0) throw new Error('systemd-analyze is missing: apt-get install -y systemd')
  for (const cron of ['0 0 * * *', '*/15 2-4 * * 1-5', '30 1 1,15 * *', '0 */6 * 1-12/3 *', '0 0 1 * sun'])
    for (const cal of cronToOnCalendar(cron, 'Asia/Kolkata')) {
      const r = spawnSync('systemd-analyze', ['calendar', cal], { encoding: 'utf8' })
      assert.is(r.status, 0, `${cron} -> ${cal}: ${r.stderr}`)
    }
})

test('systemd-analyze verify finds nothing to say about the rendered units', () => {
  const dir = mkdtempSync(join(tmpdir(), 'units-'))
  const units = renderBackupAgentFiles(readModel('.', 'production')).filter((f) => f.path.startsWith('systemd/'))
  assert.equal(
    units.map((u) => u.path),
    [
      'systemd/drsignet-backup-production.service',
      'systemd/drsignet-backup-production.timer',
      'systemd/drsignet-backup-production-check.service',
      'systemd/drsignet-mongo-tls-production.service',
      'systemd/drsignet-mongo-tls-production.timer',
    ],
  )
  for (const u of units) writeFileSync(join(dir, u.path.slice('systemd/'.length)), u.contents)
  const r = spawnSync('systemd-analyze', ['verify', ...units.map((u) => u.path.slice('systemd/'.length))], {
    cwd: dir,
    encoding: 'utf8',
  })
  rmSync(dir, { recursive: true })
  // Only the absence of this machine's /usr/bin/node (the instances have it) may be reported.
  const said = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() && !l.includes('/usr/bin/node'))
  assert.equal(said, [])
  assert.is(r.status, 0)
})

test.run()
