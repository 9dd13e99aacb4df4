// Proof: the database server dies (a power cut), the group's replacement attaches the kept data volume at the same
// address, gets its users again, and the app's writes go on: no acknowledged write is lost, in well under the RTO.
// I/O: see scenario.ts (moto, nginx, booted instances with FerretDB as mongod).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { loseTheServer, standUp, type Stand } from './scenario.ts'

let stand: Stand

test.before(async () => {
  stand = await standUp('10.30.128.11')
})
test.after(async () => {
  await stand?.stop()
})

test('a replacement with the kept volume: every acknowledged write is there, the app writes again within minutes', async () => {
  const o = await loseTheServer(stand, 'volume kept')
  const story = `${JSON.stringify({ ...o, log: undefined })}\n${o.log.join('\n')}`
  assert.equal(o.lostAcknowledged, [], story)
  assert.ok(o.acknowledged >= 60, story)
  assert.ok(o.rtoSeconds < stand.model.env.backup.rtoHours * 3600, story)
  assert.ok(o.rtoSeconds < 240, `RTO ${o.rtoSeconds} s: a replacement should be back in minutes here\n${story}`)
  assert.match(o.log.join('\n'), /i2: deployment done/)
})

test.run()
