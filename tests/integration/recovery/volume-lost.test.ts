// Proof: the database server dies with its data volume; the group's replacement gets a new empty volume, restores the
// newest good backup (checksum and manifest proven) before it listens off loopback, makes its users again, and the
// app's writes go on. Only writes acknowledged after that backup began may be lost (the RPO is the backup interval).
// I/O: see scenario.ts (moto, nginx, booted instances with FerretDB as mongod).
// test-timeout: 480 s
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3'
import { killInstance } from '../../../scripts/lib/deploy-local/instance.ts'
import { terminateInstance } from '../../../scripts/lib/deploy-local/fleet.ts'
import { READY_MARKER } from '../../../scripts/lib/database/host.ts'
import { newVolume } from '../../../scripts/lib/deploy-local/database-instance.ts'
import { launchDatabase, loseTheServer, s3Of, standUp, type Stand } from './scenario.ts'

let stand: Stand

test.before(async () => {
  stand = await standUp('10.30.128.12')
})
test.after(async () => {
  await stand?.stop()
})

test('a replacement with a new volume restores the newest backup: nothing acknowledged before it is lost', async () => {
  const o = await loseTheServer(stand, 'volume lost')
  const story = `${JSON.stringify({ ...o, log: undefined })}\n${o.log.join('\n')}`
  assert.equal(o.lostBeforeBackup, [], story)
  assert.ok(
    o.lostAcknowledged.length > 0,
    `the writes after the backup are gone with the volume, as the RPO allows\n${story}`,
  )
  assert.ok(o.backupAgeSeconds! < stand.model.env.backup.rpoHours * 3600, story)
  assert.ok(o.rtoSeconds < 240, `RTO ${o.rtoSeconds} s: a replacement should be back in minutes here\n${story}`)
})

test('a replacement whose restore fails stays on loopback and unmarked; the next one restores again over it', async () => {
  const { model, moto, fleet, work } = stand
  const s3 = s3Of(moto, model)
  const bucket = model.env.backup.bucket
  // A newer backup whose manifest does not match its archive: `latest`, and refused before anything is written.
  const keys = (
    (await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'backups/staging/' }))).Contents ?? []
  ).map((o) => o.Key!)
  const archive = keys.find((k) => k.endsWith('.archive.gz'))!
  const bad = archive.replace(/\d{8}T\d{6}Z/, '29991231T235959Z').replace(/\/\d{4}\/\d{2}\/\d{2}\//, '/2999/12/31/')
  const manifest = JSON.parse(
    await (
      await s3.send(new GetObjectCommand({ Bucket: bucket, Key: archive.replace('.archive.gz', '.manifest.json') }))
    ).Body!.transformToString(),
  )
  await s3.send(new CopyObjectCommand({ Bucket: bucket, CopySource: `${bucket}/${archive}`, Key: bad }))
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: bad.replace('.archive.gz', '.manifest.json'),
      Body: JSON.stringify({ ...manifest, key: bad, sha256: '0'.repeat(64) }),
    }),
  )

  const volume = newVolume(work, 'data-3')
  const old = fleet.instances[0]!
  killInstance(old)
  await terminateInstance(fleet, old)
  const failed = await launchDatabase(stand, volume).then(
    () => 'deployed',
    (e: Error) => e.message,
  )
  assert.match(failed, /the backup revision failed on i\d+/)
  assert.match(failed, /checksum mismatch/)
  assert.ok(readdirSync(volume).length > 0, 'mongod wrote to the volume')
  assert.not.ok(existsSync(join(volume, READY_MARKER)), 'an attempt that failed never marks the volume ready')

  // The bad manifest set aside (the runbook's step), the group's next replacement gets the same volume.
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: bad.replace('.archive.gz', '.manifest.json') }))
  const stuck = fleet.instances[0]!
  killInstance(stuck)
  await terminateInstance(fleet, stuck)
  await launchDatabase(stand, volume)
  assert.ok(existsSync(join(volume, READY_MARKER)))
  assert.match(stand.log.join('\n'), /deployment done/)
})

test.run()
