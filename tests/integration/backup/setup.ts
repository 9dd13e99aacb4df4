// Shared set-up for the backup integration suites: moto with the environment's bucket, the CLI as a child process (I/O).
import { spawn } from 'node:child_process'
import { S3Client } from '@aws-sdk/client-s3'
import { fileURLToPath } from 'node:url'
import { readModel } from '../../../scripts/lib/config/read.ts'
import type { Backup } from '../../../scripts/lib/config/model.ts'
import { startMoto, type Moto, createBuckets } from '../../harness/moto.ts'

export const root = fileURLToPath(new URL('../../../', import.meta.url))
export const ENV = 'staging'

export type World = { moto: Moto; s3: S3Client; policy: Backup; region: string }

/** moto with the bucket of the staging environment's backup policy; AWS_* point this process at it too. */
export async function startWorld(): Promise<World> {
  const moto = await startMoto()
  Object.assign(process.env, moto.env)
  const model = readModel(root, ENV)
  const s3 = new S3Client({ region: model.env.region, forcePathStyle: true })
  await createBuckets(s3, model.env.region, [model.env.backup.bucket])
  return { moto, s3, policy: model.env.backup, region: model.env.region }
}

export type CliRun = { code: number; stdout: string; stderr: string }

/** `npm run ops -- ARGS` as a child process with the given MONGODB_URI. */
export function ops(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ops.ts', ...args, '--root', root], {
      cwd: root,
      env: { ...process.env, ...env, NODE_NO_WARNINGS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}
