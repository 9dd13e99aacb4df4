import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startMoto } from './harness/moto.ts'

test('moto server starts on loopback and answers', async () => {
  const moto = await startMoto()
  try {
    assert.match(moto.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${moto.endpoint}/moto-api/`)
    assert.is(res.status, 200)
  } finally {
    await moto.stop()
  }
})

test.run()
