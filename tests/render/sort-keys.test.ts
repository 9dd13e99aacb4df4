// Deterministic output: every map's keys sorted, but not the order that means something (pure).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { sortKeys } from '../../scripts/lib/render/sort-keys.ts'

const keys = (v: object) => Object.keys(v)

test('keys are sorted at every depth, inside lists too; list order and values stay', () => {
  const sorted = sortKeys({ b: 1, a: { z: [{ y: 1, x: 2 }], c: null } })
  assert.equal(keys(sorted), ['a', 'b'])
  assert.equal(keys(sorted.a), ['c', 'z'])
  assert.equal(keys(sorted.a.z[0]!), ['x', 'y'])
  assert.equal(sorted, { a: { c: null, z: [{ x: 2, y: 1 }] }, b: 1 })
})

test('a map under a kept key keeps its own order (the appspec hooks run in it); its children are still sorted', () => {
  const hooks = { BeforeInstall: [{ timeout: 1, location: 'a' }], AfterInstall: [], ApplicationStart: [] }
  const sorted = sortKeys({ version: 0, hooks }, ['hooks'])
  assert.equal(keys(sorted.hooks), ['BeforeInstall', 'AfterInstall', 'ApplicationStart'])
  assert.equal(keys(sorted.hooks.BeforeInstall[0]!), ['location', 'timeout'])
})

test('a key of the same name deeper down keeps the order only where it appears', () => {
  const sorted = sortKeys({ z: { hooks: { b: 1, a: 2 } }, hooks: { d: 1, c: 2 } }, ['hooks'])
  assert.equal(keys(sorted.hooks), ['d', 'c'])
  assert.equal(keys(sorted.z.hooks), ['b', 'a'])
})

test.run()
