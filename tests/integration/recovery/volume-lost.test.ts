// Proof: the database server dies with its data volume; the group's replacement gets a new empty volume, restores the
// newest good backup (checksum and manifest proven) before it listens off loopback, makes its users again, and the
// app's writes go on. Only writes acknowledged after that backup began may be lost (the RPO is the backup interval).
// I/O: see scenario.ts (moto, nginx, booted instances with FerretDB as mongod).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loseTheServer, standUp, type Stand } from './scenario.ts'

let stand: Stand

test.before(async () => {
  stand = await standUp()
})
test.after(async () => {
  await stand?.stop()
})

test('a replacement with a new volume restores the newest backup: nothing acknowledged before it is lost', async () => {
  const o = await loseTheServer(stand, 'volume lost')
  const story = `${JSON.stringify({ ...o, log: undefined })}\n${o.log.join('\n')}`
  assert.equal(o.lostBeforeBackup, [], story)
  assert.ok(o.lostAcknowledged.length > 0, `the writes after the backup are gone with the volume, as the RPO allows\n${story}`)
  assert.ok(o.backupAgeSeconds! < stand.model.env.backup.rpoHours * 3600, story)
  assert.ok(o.rtoSeconds < 240, `RTO ${o.rtoSeconds} s: a replacement should be back in minutes here\n${story}`)
})

test.run()
