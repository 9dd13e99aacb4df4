// The side effects apply, plan, rollback and drift need, as one record of small interfaces; tests hand in moto-backed or scripted ones (types only).
import type { ArtifactStore } from '../aws/artifact-store.ts'
import type { Deployer } from '../aws/deployer.ts'
import type { EnvLock } from '../aws/env-lock.ts'
import type { Notifier } from '../aws/notifier.ts'
import type { StackUpdater } from '../aws/stack-updater.ts'

export type Services = { stacks: StackUpdater; store: ArtifactStore; lock: EnvLock; deployer: Deployer; notifier: Notifier }

/** How a run reports and waits; tests shorten the polls and capture the lines. */
export type Runtime = { log: (line: string) => void; now: () => Date; pollMs: number; timeoutMs: number; who: string; commit: string }
